"""Rating-prediction benchmark: chatrec vs Surprise SVD / SVD++, defaults and tuned side
by side, 5-fold CV on the SAME folds, in one run.

Run (peers live only in a bench venv, never in pyproject):
    python -m venv /tmp/benchenv --system-site-packages
    /tmp/benchenv/bin/pip install -e . scikit-surprise
    /tmp/benchenv/bin/python bench/bench_rating.py [--repeats 3] [--peers svd,svdpp]

Folds come from models.data.splits.kfold(seed=0). Tuning (bench/_tuning.py): every
tuned row (chatrec `mf`, Surprise SVD, SVD++) picks the best of at most 12 settings on
the SAME inner holdout of fold 0's training part (models.solvers.tuning.inner_split "random";
the test folds are never seen), then uses that setting on every fold. `blend` learns
its own weights on a holdout of each fold's training part inside `fit`. RMSE/MAE are
means over folds; fit seconds are the median over repeats of each fold's fit, then the
mean over folds (SVD++: one fit). Prints a Markdown table and the per-fold RMSE.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import load  # noqa: E402
from _tuning import tune  # noqa: E402

from models.data.splits import kfold  # noqa: E402
from models.eval.metrics import mae, rmse  # noqa: E402
from models.registry import model_class  # noqa: E402
from models.solvers.tuning import grid, inner_split  # noqa: E402

GRIDS = {  # 12 candidates each (bench/_tuning.BUDGET)
    "mf": grid(factors=[32, 64], reg=[1.0, 1.5, 2.5], reg_exponent=[0.5, 0.75]),
    "svd": grid(n_epochs=[30, 60], lr_all=[0.007, 0.014], reg_all=[0.08, 0.12, 0.16]),
    "svdpp": grid(n_epochs=[30, 50], lr_all=[0.007, 0.01], reg_all=[0.1, 0.15, 0.2]),
}


def chatrec_runner(name, params=None):
    def run(train, test, catalog):
        m = model_class(name)(**(params or {}))
        t = time.perf_counter()
        m.fit(train, catalog)
        secs = time.perf_counter() - t
        return m.predict(test.users, test.items), secs
    return run


def surprise_runner(kind, params=None):
    import pandas as pd
    from surprise import SVD, Dataset, Reader, SVDpp
    cls = {"svd": SVD, "svdpp": SVDpp}[kind]

    def run(train, test, catalog):
        df = pd.DataFrame({"u": train.users, "i": train.items, "r": train.values})
        ts = Dataset.load_from_df(df, Reader(rating_scale=train.scale)).build_full_trainset()
        algo = cls(random_state=0, **(params or {}))
        t = time.perf_counter()
        algo.fit(ts)
        secs = time.perf_counter() - t
        pred = [algo.predict(int(u), int(i)).est for u, i in zip(test.users, test.items)]
        return np.array(pred), secs
    return run


def tuned(label, make_runner, candidates, fit, val, catalog):
    """The runner with the setting that predicts the inner holdout best."""
    params, _ = tune(label, candidates,
                     lambda p: rmse(val.values, make_runner(p)(fit, val, catalog)[0]),
                     {}, higher=False)
    return make_runner(params), params


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="blend,mf,baseline")
    ap.add_argument("--peers", default="svd,svdpp")
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args(argv)
    catalog, ratings = load("ml-100k")
    folds = list(kfold(ratings, a.folds, seed=0))
    fit, val = inner_split(folds[0][0], "random")      # the one shared validation split
    runners, chosen = {}, {}
    for n in filter(None, a.models.split(",")):
        runners[n] = chatrec_runner(n)
        if n in GRIDS:
            runners[f"{n} (tuned)"], chosen[n] = tuned(
                n, lambda p, n=n: chatrec_runner(n, p), GRIDS[n], fit, val, catalog)
    for p in filter(None, a.peers.split(",")):
        try:
            runners[f"surprise-{p}"] = surprise_runner(p)
            runners[f"surprise-{p} (tuned)"], chosen[p] = tuned(
                p, lambda q, p=p: surprise_runner(p, q), GRIDS[p], fit, val, catalog)
        except ImportError as e:
            print(f"# surprise unavailable: {e}", file=sys.stderr)
    res = {n: {"rmse": [], "mae": [], "fit": []} for n in runners}
    for f, (train, test) in enumerate(folds):
        for n, run in runners.items():
            times = []
            for _ in range(1 if "svdpp" in n else a.repeats):
                pred, secs = run(train, test, catalog)
                times.append(secs)
            res[n]["rmse"].append(rmse(test.values, pred))
            res[n]["mae"].append(mae(test.values, pred))
            res[n]["fit"].append(statistics.median(times))
            print(f"fold {f} {n:28s} rmse {res[n]['rmse'][-1]:.4f} fit {res[n]['fit'][-1]:.3f}s",
                  file=sys.stderr, flush=True)
    print("| model | RMSE | MAE | fit s / fold | per-fold RMSE | per-fold fit s |")
    print("|---|---|---|---|---|---|")
    for n, d in res.items():
        per = " ".join(f"{x:.4f}" for x in d["rmse"])
        fits = " ".join(f"{x:.2f}" for x in d["fit"])
        print(f"| {n} | {np.mean(d['rmse']):.4f} | {np.mean(d['mae']):.4f} | "
              f"{np.mean(d['fit']):.3f} | {per} | {fits} |")
    for n, p in chosen.items():
        print(f"\ntuned on validation: {n} {p}")


if __name__ == "__main__":
    main()
