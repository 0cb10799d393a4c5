"""`chatrec report`: one self-contained HTML page of charts (chatrec/report/page.py)."""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from chatrec.cli.commands.options import add_dataset


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="write an HTML report with charts of the data and the models",
        description="Write one self-contained HTML file (charts as inline SVG, no network): "
        "the rating histogram, ratings per user and per film (long tail), films per genre "
        "and per year, and RMSE and NDCG@10 per model beside the peers of the benches. "
        "Model numbers come from the latest 'chatrec eval' run; when there is none, it is "
        "run first (about 20 s on ML-100K). Prints the report's path. The server shows "
        "the same report at /report.",
        epilog="Needs the plotting extra: pip install 'chatrec[report]'.\n\n"
        "examples:\n  chatrec report\n  chatrec report --out site/ --eval results.json",
    )
    p.add_argument("--out", metavar="DIR", type=Path, default=None,
                   help="folder to write DATASET.html into (default: $CHATREC_HOME/reports)")
    p.add_argument("--eval", metavar="FILE", type=Path, default=None, dest="results",
                   help="results saved from 'chatrec eval --json' (default: the latest run)")
    add_dataset(p, "to report on")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from chatrec.data.home import active_dataset, eval_results, reports_dir
    from chatrec.report.charts import require_matplotlib
    from chatrec.report.page import load_results, write_report

    require_matplotlib()  # before any work
    dataset = args.dataset or active_dataset()
    if args.results is not None:
        results = load_results(args.results)
    else:
        saved = eval_results(dataset)
        if not saved.is_file():
            print(f"chatrec: no eval results for {dataset} yet: running chatrec eval",
                  file=sys.stderr)
            run_eval(dataset)
        results = load_results(saved)
    path = write_report(dataset, args.out or reports_dir(), results)
    print(path)
    return 0


def run_eval(dataset: str) -> None:
    """`chatrec eval --dataset DATASET` in-process; it saves its results. Its table goes
    to stderr so stdout stays the report's path."""
    from chatrec.cli.commands import evaluate
    args = argparse.Namespace(protocol="both", train=None, test=None, models="all",
                              dataset=dataset, json=False, out=None)
    with contextlib.redirect_stdout(sys.stderr):
        evaluate.run(args)
