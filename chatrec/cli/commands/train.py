"""`chatrec train`: fit every model for a dataset and save the artifacts."""
from __future__ import annotations

import argparse
import json
import sys

from chatrec.cli.commands.evaluate import model_names
from chatrec.cli.commands.options import add_dataset
from chatrec.errors import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train",
        help="fit all models for the active dataset and save artifacts",
        description="Fit every model (popularity, content, k-NN, MF, hybrid...) on the "
        "dataset, save each as an .npz artifact with a JSON manifest under "
        "$CHATREC_HOME/artifacts/DATASET, and print a summary. Artifacts that still "
        "match the data and the code are kept unless --force is given.",
        epilog="example:\n  chatrec train --models popularity,content --force",
    )
    add_dataset(p, "to train on")
    p.add_argument("--models", metavar="A,B", default=None,
                   help="comma-separated model names, or 'all' (default: all)")
    p.add_argument("--force", action="store_true",
                   help="refit even when the saved artifacts are up to date")
    p.add_argument("--engine", choices=("numpy", "spark"), default="numpy",
                   help="numpy (default) or spark: fit mf and mf-rank with Spark MLlib ALS "
                   "(needs pip install 'chatrec[spark]' and Java 17)")
    p.add_argument("--spark-master", metavar="URL", default="local[*]",
                   help="with --engine spark: local[*] (default), local[N], "
                   "spark://HOST:PORT, yarn, k8s://...")
    p.add_argument("--ratings", metavar="URI", default=None,
                   help="with --engine spark: a Parquet or CSV path Spark reads itself "
                   "(columns user_id, item_id, rating) holding the dataset's ratings")
    p.add_argument("--spark-conf", metavar="KEY=VALUE", action="append", default=[],
                   help="with --engine spark: a Spark setting, e.g. spark.driver.memory=8g "
                   "(repeatable)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from chatrec.data.home import active_dataset
    from chatrec.training.trainer import train_report
    from models.progress import StderrProgress

    names = None if args.models in (None, "all") else model_names(args.models)
    dataset = args.dataset or active_dataset()
    progress = StderrProgress(f"training {dataset}")
    if args.engine == "spark":
        from chatrec.training.engines.spark import parse_conf, train_report_spark
        _, report = train_report_spark(dataset, progress, master=args.spark_master,
                                       ratings_uri=args.ratings, models=names,
                                       force=args.force, conf=parse_conf(args.spark_conf))
    elif args.ratings or args.spark_conf or args.spark_master != "local[*]":
        raise UsageError("--ratings, --spark-master and --spark-conf need --engine spark")
    else:
        _, report = train_report(dataset, progress, models=names, force=args.force)
    summary = {
        "dataset": dataset, "artifacts": report["artifacts"],
        "fingerprint": report["fingerprint"], "routes": report["routes"],
        "models": {n: {"status": e["status"], "fit_seconds": e["fit_seconds"],
                       "estimated_seconds": e.get("estimated_seconds"),
                       "bytes": e["bytes"], "engine": e.get("engine", "numpy")}
                   for n, e in report["models"].items()},
        "skipped": report["skipped"], "failed": report["failed"],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_table(summary)
    return 1 if summary["failed"] else 0


def _print_table(s: dict) -> None:
    rows = [(n, m["status"], f"{m['fit_seconds']:.2f}", _size(m["bytes"]), m["engine"])
            for n, m in s["models"].items()]
    head = ("model", "status", "fit s", "artifact", "engine")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*head))
    for r in rows:
        print(line.format(*r))
    for n, why in {**s["skipped"], **s["failed"]}.items():
        print(f"{n}: not trained ({why})", file=sys.stderr)
    routes = ", ".join(f"{k} -> {v}" for k, v in s["routes"].items())
    print(f"routes: {routes}\nartifacts: {s['artifacts']}")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
