"""Top-N benchmark on the per-user time split: chatrec models vs implicit's ALS and a
numpy EASE anchor, all scored by the same code (models.eval.protocols.topn_metrics).

Run:
    /tmp/benchenv/bin/python bench/bench_topn.py [--models mf-rank,mf,baseline,popularity,item-knn]

implicit is used with its defaults (factors=100, regularization=0.01, alpha=1.0,
iterations=15) on the binary train matrix. EASE is reported three ways: on the binary
matrix (λ=500, a common default); on rating values with λ=5000, the λ a validation time
split inside train picks (the rule chatrec's own models follow); and on rating values with
λ=2000, its best λ on the test split itself — an upper bound that favours the peer.
Prints a Markdown table (fit seconds: median of --repeats fits).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import load  # noqa: E402
from models.ease import fit_ease  # noqa: E402
from models.eval.protocols import topn_metrics  # noqa: E402
from models.registry import model_class  # noqa: E402
from models.data.splits import time_split  # noqa: E402


class Scores:
    """Adapter: anything with score_users(users) -> (n, n_items) for topn_metrics."""

    def __init__(self, fn):
        self.score_users = fn


def fit_chatrec(name, train, catalog):
    m = model_class(name)()
    m.fit(train, catalog)
    return m


def fit_implicit(train, catalog, **params):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit asks for this
    from implicit.cpu.als import AlternatingLeastSquares
    X = train.csr().copy()
    X.data[:] = 1.0
    m = AlternatingLeastSquares(**params, random_state=0)
    m.fit(X, show_progress=False)
    return Scores(lambda u: m.user_factors[u] @ m.item_factors.T)


def fit_implicit_tuned(train, catalog):
    """implicit ALS with factors/regularization/alpha picked on a time split inside
    train (the same rule chatrec's models follow), then refit on all of train."""
    inner, val = time_split(train)
    grid = [dict(factors=f, regularization=r, alpha=a, iterations=15)
            for f in (32, 64, 128) for r in (0.01, 0.1, 1.0) for a in (1.0, 5.0, 20.0)]
    best = max(grid, key=lambda g: topn_metrics(fit_implicit(inner, catalog, **g),
                                                inner, val)[0]["ndcg@10"])
    print(f"# implicit-als tuned on validation: {best}", file=sys.stderr)
    return fit_implicit(train, catalog, **best)


def fit_ease_anchor(train, catalog, lam=500.0, binary=True):
    X = train.csr().copy()
    if binary:
        X.data[:] = 1.0
    B = fit_ease(X, lam)
    return Scores(lambda u: np.asarray(X[u] @ B))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mf-rank,mf,baseline,popularity,item-knn,user-knn")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)
    catalog, ratings = load("ml-100k")
    train, test = time_split(ratings)
    fitters = {n: (lambda tr, c, n=n: fit_chatrec(n, tr, c)) for n in a.models.split(",") if n}
    try:
        import implicit  # noqa: F401
        fitters["implicit-als (defaults)"] = fit_implicit
        fitters["implicit-als (validation-tuned)"] = fit_implicit_tuned
    except ImportError as e:
        print(f"# implicit unavailable: {e}", file=sys.stderr)
    fitters["ease (binary, λ=500)"] = fit_ease_anchor
    fitters["ease (values, λ=5000: validation pick)"] = (
        lambda tr, c: fit_ease_anchor(tr, c, 5000.0, binary=False))
    fitters["ease (values, λ=2000: best on test)"] = (
        lambda tr, c: fit_ease_anchor(tr, c, 2000.0, binary=False))
    keys = ("precision@10", "recall@10", "ndcg@10", "map@10", "mrr", "hit_rate@10",
            "coverage", "novelty")
    print("| model | " + " | ".join(keys) + " | fit s |")
    print("|---|" + "---|" * (len(keys) + 1))
    for n, fit in fitters.items():
        times = []
        try:
            for _ in range(a.repeats):
                t = time.perf_counter()
                model = fit(train, catalog)
                times.append(time.perf_counter() - t)
        except (ImportError, AttributeError) as e:
            print(f"# {n} unavailable: {e}", file=sys.stderr)
            continue
        res, _ = topn_metrics(model, train, test)
        cells = " | ".join(f"{res[k]:.4f}" if k != "novelty" else f"{res[k]:.2f}" for k in keys)
        print(f"| {n} | {cells} | {statistics.median(times):.3f} |", flush=True)


if __name__ == "__main__":
    main()
