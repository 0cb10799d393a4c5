"""Rating-prediction benchmark: chatrec vs Surprise, 5-fold CV on the SAME folds.

Run (peers live only in a bench venv, never in pyproject):
    python -m venv /tmp/benchenv --system-site-packages
    /tmp/benchenv/bin/pip install scikit-surprise implicit
    cd /work/main && /tmp/benchenv/bin/python bench/bench_rating.py [--repeats 3] [--peers svd,svdpp,knnbaseline]

Folds come from models.data.splits.kfold(seed=0); each peer is trained on exactly the
chatrec training fold and scored on the same test fold. RMSE/MAE are means over
folds; fit seconds are the median over repeats of each fold's fit, then the mean
over folds (and the per-fold medians are printed). Prints a Markdown table.
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
from models.eval.metrics import mae, rmse  # noqa: E402
from models.registry import model_class  # noqa: E402
from models.data.splits import kfold  # noqa: E402


def chatrec_runner(name):
    def run(train, test, catalog):
        m = model_class(name)()
        t = time.perf_counter()
        m.fit(train, catalog)
        secs = time.perf_counter() - t
        return m.predict(test.users, test.items), secs
    return run


def surprise_runner(kind):
    import pandas as pd
    from surprise import SVD, Dataset, KNNBaseline, Reader, SVDpp
    algos = {"svd": lambda: SVD(random_state=0), "svdpp": lambda: SVDpp(random_state=0),
             "knnbaseline": lambda: KNNBaseline(sim_options={"name": "pearson_baseline",
                                                             "user_based": False}, verbose=False)}

    def run(train, test, catalog):
        df = pd.DataFrame({"u": train.users, "i": train.items, "r": train.values})
        ts = Dataset.load_from_df(df, Reader(rating_scale=train.scale)).build_full_trainset()
        algo = algos[kind]()
        t = time.perf_counter()
        algo.fit(ts)
        secs = time.perf_counter() - t
        pred = [algo.predict(int(u), int(i)).est for u, i in zip(test.users, test.items)]
        return np.array(pred), secs
    return run


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="mf,baseline")
    ap.add_argument("--peers", default="svd,svdpp,knnbaseline")
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args(argv)
    catalog, ratings = load("ml-100k")
    runners = {n: chatrec_runner(n) for n in a.models.split(",") if n}
    for p in filter(None, a.peers.split(",")):
        try:
            runners[f"surprise-{p}"] = surprise_runner(p)
        except ImportError as e:
            print(f"# surprise unavailable: {e}", file=sys.stderr)
    res = {n: {"rmse": [], "mae": [], "fit": []} for n in runners}
    for f, (train, test) in enumerate(kfold(ratings, a.folds, seed=0)):
        for n, run in runners.items():
            times = []
            for rep in range(a.repeats if not n.endswith("svdpp") else 1):
                pred, secs = run(train, test, catalog)
                times.append(secs)
            res[n]["rmse"].append(rmse(test.values, pred))
            res[n]["mae"].append(mae(test.values, pred))
            res[n]["fit"].append(statistics.median(times))
            print(f"fold {f} {n:24s} rmse {res[n]['rmse'][-1]:.4f} fit {res[n]['fit'][-1]:.3f}s",
                  file=sys.stderr, flush=True)
    print("| model | RMSE | MAE | fit s / fold (median of repeats, mean over folds) | per-fold fit s |")
    print("|---|---|---|---|---|")
    for n, d in res.items():
        per = " ".join(f"{x:.2f}" for x in d["fit"])
        print(f"| {n} | {np.mean(d['rmse']):.4f} | {np.mean(d['mae']):.4f} | "
              f"{np.mean(d['fit']):.3f} | {per} |")


if __name__ == "__main__":
    main()
