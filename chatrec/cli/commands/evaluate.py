"""`chatrec eval`: the §7 evaluation protocols for the active dataset's models.

The module is called `evaluate` (COMMANDS in chatrec/cli/main.py); the command is `eval`.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from chatrec.cli.commands.options import add_dataset
from chatrec.errors import UsageError

PROTOCOLS = ("kfold", "timesplit", "both")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="evaluate the models (RMSE/MAE by 5-fold CV, top-N on a time split)",
        description="Rating prediction: 5-fold random cross-validation over all ratings "
        "(RMSE, MAE, fit seconds per fold). Top-N: per-user time split, first 80% of "
        "each user's ratings train; relevant = test items rated >= 4; Precision@10, "
        "Recall@10, NDCG@10, MAP@10, MRR, HitRate@10, coverage, novelty and intra-list "
        "diversity (ILD, on the similar route's item vectors); the recommend and popular "
        "routes' models are also shown as NAME+mmr, after the diversity re-rank with the "
        "weight an inner split of the training part picks. With --train and --test, "
        "both kinds of metrics are computed on that split instead.",
        epilog="examples:\n  chatrec eval --protocol timesplit --models rank-blend,popularity\n"
        "  chatrec eval --train train.csv --test test.csv --json --out results/\n"
        "Each run also saves its results in $CHATREC_HOME/eval/DATASET.json "
        "(chatrec report draws them).",
    )
    p.add_argument("--protocol", choices=PROTOCOLS, default="both",
                   help="which protocol to run (default: both)")
    p.add_argument("--train", metavar="CSV", type=Path,
                   help="training ratings (user_id,item_id,rating,timestamp)")
    p.add_argument("--test", metavar="CSV", type=Path,
                   help="test ratings, same columns; requires --train")
    p.add_argument("--models", metavar="A,B", default="all",
                   help="comma-separated model names, or 'all' (default)")
    add_dataset(p, "whose catalog (and ratings) to evaluate")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--out", metavar="DIR", type=Path,
                   help="write predictions_NAME.csv and recommendations_NAME.csv here "
                   "(from the --train/--test pair, else from the time split)")
    p.set_defaults(func=run)


def model_names(spec: str) -> list[str]:
    """'all' -> every registered model whose module exists; else the listed names."""
    from models.registry import MODELS, model_class
    if spec.strip().lower() == "all":
        names = []
        for n in MODELS:
            try:
                model_class(n)
            except (ImportError, AttributeError):
                continue  # a model still being written: skip it in "all"
            names.append(n)
        return names
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown or not names:
        raise UsageError(f"unknown model(s) {', '.join(unknown) or repr(spec)}; "
                         f"choose from {', '.join(MODELS)} or 'all'")
    return names


def _load(dataset: str):
    from chatrec.data import datasets  # fetches on first use, like train/chat
    return datasets.load(dataset)


def run(args: argparse.Namespace) -> int:
    from chatrec.data.home import active_dataset
    from chatrec.training.bundle import DEFAULT_ROUTES, DIVERSIFIED
    from models.data.splits import time_split
    from models.eval import protocols as ev
    from models.eval import results_io as eio
    from models.progress import StderrProgress

    if (args.train is None) != (args.test is None):
        raise UsageError("--train and --test must be given together")
    names = model_names(args.models)
    dataset = args.dataset or active_dataset()
    catalog, ratings = _load(dataset)
    progress = StderrProgress(f"eval {dataset}")
    results: dict[str, dict] = {n: dict.fromkeys(ev.ALL_KEYS) for n in names}
    fitted: dict = {}
    # intra-list diversity on the similar route's vectors; the MMR stage for the
    # routes that re-rank (recommend, popular), as the service applies it
    diversity = {"vectors_model": DEFAULT_ROUTES["similar"],
                 "diversify": {DEFAULT_ROUTES[r]: keep for r, keep in DIVERSIFIED.items()}}

    if args.train is not None:
        protocol = "split"
        train, test = eio.load_split(args.train, args.test, catalog, ratings.scale)
        split = ev.evaluate_split(names, train, test, catalog, rating=True,
                                  progress=progress, keep_models=fitted, **diversity)
        for n, res in split.items():
            results.setdefault(n, dict.fromkeys(ev.ALL_KEYS)).update(res)
    else:
        protocol = args.protocol
        train, test = time_split(ratings)
        if protocol in ("timesplit", "both"):
            ts = ev.evaluate_split(names, train, test, catalog, rating=False,
                                   progress=progress, keep_models=fitted, **diversity)
            for n, res in ts.items():
                results.setdefault(n, dict.fromkeys(ev.ALL_KEYS)).update(
                    {k: v for k, v in res.items() if k not in ev.RATING_KEYS})
        if protocol in ("kfold", "both"):
            kf = ev.evaluate_kfold(names, ratings, catalog, progress=progress)
            for n in names:
                results[n].update({k: v for k, v in kf[n].items()
                                   if v is not None or k != "fit_seconds"})

    if args.out is not None:
        _write_outputs(args.out, names, fitted, train, test, catalog)

    body = {"protocol": protocol, "routes": dict(DEFAULT_ROUTES),
            "models": {n: {k: r.get(k) for k in ev.ALL_KEYS + ("diversity_weight",)
                           if k in ev.ALL_KEYS or k in r} for n, r in results.items()}}
    if args.train is None:  # the standard protocols: what `chatrec report` compares
        save_results(dataset, body)
    if args.json:
        print(json.dumps(body, indent=2))
    else:
        print_table(body, dataset)
    return 0


def save_results(dataset: str, body: dict) -> None:
    """Merge this run into $CHATREC_HOME/eval/DATASET.json: a kfold-only run keeps the
    last timesplit numbers and vice versa; `runs` says when each protocol last ran."""
    import time

    from chatrec.data.home import eval_results, write_json_atomic
    from models.eval import protocols as ev

    path = eval_results(dataset)
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        saved = {}
    if not isinstance(saved.get("models"), dict) or not isinstance(saved.get("runs"), dict):
        saved = {"models": {}, "runs": {}}
    ran = ("kfold", "timesplit") if body["protocol"] == "both" else (body["protocol"],)
    keys = {"kfold": ev.RATING_KEYS, "timesplit": ev.TOPN_KEYS}
    for name, metrics in body["models"].items():
        entry = saved["models"].setdefault(name, {})
        for protocol in ran:
            entry.update({k: metrics.get(k) for k in keys[protocol]})
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    saved["runs"].update(dict.fromkeys(ran, now))
    saved.update(dataset=dataset, routes=body["routes"])
    write_json_atomic(path, saved)


def _write_outputs(out: Path, names, fitted, train, test, catalog) -> None:
    from models.eval import protocols as ev
    from models.eval import results_io as eio
    out.mkdir(parents=True, exist_ok=True)
    for n in names:
        model = fitted.get(n) or ev.fit_timed(n, train, catalog)[0]
        eio.write_predictions(out / f"predictions_{n}.csv", model, test, catalog)
        eio.write_recommendations(out / f"recommendations_{n}.csv", model, train, test, catalog)


def print_table(body: dict, dataset: str) -> None:
    cols = ("rmse", "mae", "precision@10", "recall@10", "ndcg@10", "map@10", "mrr",
            "hit_rate@10", "coverage", "novelty", "ild@10", "fit_seconds")
    short = ("RMSE", "MAE", "P@10", "R@10", "NDCG@10", "MAP@10", "MRR", "HR@10", "cov",
             "novelty", "ILD", "fit s")
    rows = [[n] + ["-" if m.get(c) is None else f"{m[c]:.4f}" if c != "novelty"
                   else f"{m[c]:.2f}" for c in cols] for n, m in body["models"].items()]
    head = ["model", *short]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]])
    print(f"dataset {dataset}, protocol {body['protocol']}")
    print(fmt.format(*head))
    for r in rows:
        print(fmt.format(*r))
    routes = ", ".join(f"{k} -> {v}" for k, v in body["routes"].items())
    print(f"routes: {routes}   ('-' = does not apply)")
    for n, m in body["models"].items():
        if m.get("diversity_weight") is not None:
            print(f"{n}: diversity re-rank weight {m['diversity_weight']:g} (chosen on an "
                  "inner split of the training part)")
