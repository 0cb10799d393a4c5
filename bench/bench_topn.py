"""Top-N benchmark on the per-user time split: chatrec's models vs implicit's ALS and
EASE, defaults and tuned side by side in one run, all scored by the same code
(models.eval.protocols.topn_metrics).

Run:
    /tmp/benchenv/bin/python bench/bench_topn.py [--repeats 3]

Tuning (bench/_tuning.py): every tuned row picks the best of at most 12 settings by
NDCG@10 on the SAME inner validation split (the per-user time split of the training
part, models.solvers.tuning.inner_split "time"); the test split is never seen. `rank-blend`
(the recommend route) tunes itself the same way inside `fit` (10 candidates).
- implicit ALS: input binary (every rating), binary (ratings >= 4) or the rating value
  as confidence x regularization 3, 10, 30, 100; 64 factors, 15 iterations; with BLAS
  on one thread (implicit's own advice; its OpenMP loop uses every core).
- EASE: defaults = binary (every rating), lambda 500; tuned over binary (ratings >= 4)
  with lambda 100-2000 and rating values with 1000-20000. One more EASE row is the
  issue's anchor: binary >= 4, lambda 200, the best setting ON THE TEST SPLIT (an upper
  bound that favours the peer; no tuned row may use it).
- mf-rank: factors x regularization x rating weight.
Also `mf-rank` vs implicit ALS fit time with the same factors (64) and sweeps (10).
Prints Markdown tables (fit seconds: median of --repeats fits of the chosen setting).
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

from models.data.splits import time_split  # noqa: E402
from models.eval.protocols import topn_metrics  # noqa: E402
from models.recommenders.ease import fit_ease  # noqa: E402
from models.registry import model_class  # noqa: E402
from models.solvers.tuning import RankingValidation, grid, inner_split  # noqa: E402

KEYS = ("precision@10", "recall@10", "ndcg@10", "map@10", "mrr", "hit_rate@10", "coverage",
        "novelty")
GRIDS = {  # 12 candidates each (bench/_tuning.BUDGET)
    "implicit": grid(input=["binary", "binary>=4", "rating"], regularization=[3, 10, 30, 100]),
    "ease": ([{"input": "binary>=4", "lam": x} for x in (100, 200, 300, 500, 1000, 2000)]
             + [{"input": "rating", "lam": x} for x in (1000, 2000, 3000, 5000, 10000, 20000)]),
    "mf-rank": grid(factors=[64, 128], reg=[0.2, 0.4, 1.0], rating_weight=[1.0, 2.0]),
}


class Scores:
    """Adapter: anything with score_users(users) -> (n, n_items) for topn_metrics."""

    def __init__(self, fn):
        self.score_users = fn


def matrix(train, kind: str):
    """users x items input of a peer: 0/1 for every rating, 0/1 for ratings >= 4, or the
    rating value."""
    X = train.csr().copy().astype(np.float32)
    if kind == "binary":
        X.data[:] = 1.0
    elif kind == "binary>=4":
        X.data = (X.data >= 4).astype(np.float32)
        X.eliminate_zeros()
    return X


def fit_chatrec(name, train, catalog, **params):
    return model_class(name)(**params).fit(train, catalog)


def fit_implicit(train, catalog, input="binary", **params):
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits
    m = AlternatingLeastSquares(**{"factors": 64, "iterations": 15, **params},
                                random_state=0)
    with threadpool_limits(1, "blas"):
        m.fit(matrix(train, input), show_progress=False)
    return Scores(lambda u: m.user_factors[u] @ m.item_factors.T)


def fit_ease_peer(train, catalog, input="binary", lam=500.0):
    X = matrix(train, input)
    B = fit_ease(X, float(lam))
    return Scores(lambda u: np.asarray(X[u] @ B))


def tuned(label, fit, candidates, inner, val, catalog):
    check = RankingValidation(inner, val)
    params, secs = tune(label, candidates,
                        lambda p: check.ndcg(fit(inner, catalog, **p).score_users(check.users)),
                        {})
    return (lambda tr, c: fit(tr, c, **params)), params, secs


def timing_vs_implicit(train, catalog, repeats: int) -> str:
    """mf-rank vs implicit ALS fit seconds, same factors (64) and sweeps (10)."""
    def med(f):
        f()  # warm-up: numba's compiled kernel is loaded on first use
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        return statistics.median(times)
    ours = med(lambda: fit_chatrec("mf-rank", train, catalog, factors=64, n_iter=10))
    theirs = med(lambda: fit_implicit(train, catalog, "binary", iterations=10))
    return (f"| fit s, 64 factors, 10 sweeps | mf-rank {ours:.3f} | implicit ALS {theirs:.3f} "
            f"| ratio {ours / theirs:.2f} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="rank-blend,mf-rank,item-knn,user-knn,popularity,mf")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-peers", action="store_true", help="chatrec's models only")
    a = ap.parse_args(argv)
    catalog, ratings = load("ml-100k")
    train, test = time_split(ratings)
    inner, val = inner_split(train, "time")                # the one shared validation split
    fitters = {n: (lambda tr, c, n=n: fit_chatrec(n, tr, c)) for n in a.models.split(",") if n}
    chosen, search = {}, {}
    if "mf-rank" in fitters:
        fitters["mf-rank (tuned)"], chosen["mf-rank"], search["mf-rank"] = tuned(
            "mf-rank", lambda tr, c, **p: fit_chatrec("mf-rank", tr, c, **p),
            GRIDS["mf-rank"], inner, val, catalog)
    peers = {} if a.no_peers else {"implicit-als": fit_implicit, "ease": fit_ease_peer}
    try:
        import implicit  # noqa: F401
    except ImportError as e:
        print(f"# implicit unavailable: {e}", file=sys.stderr)
        peers.pop("implicit-als", None)
    for name, fit in peers.items():
        fitters[f"{name} (defaults)"] = fit
        fitters[f"{name} (tuned)"], chosen[name], search[name] = tuned(
            name, fit, GRIDS[name.split("-")[0]], inner, val, catalog)
    if "ease" in peers:
        fitters["ease (binary>=4, λ=200: best on test)"] = (
            lambda tr, c: fit_ease_peer(tr, c, "binary>=4", 200.0))
    print("| model | " + " | ".join(KEYS) + " | fit s |")
    print("|---|" + "---|" * (len(KEYS) + 1))
    for n, fit in fitters.items():
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            model = fit(train, catalog)
            times.append(time.perf_counter() - t)
        res, _ = topn_metrics(model, train, test)
        cells = " | ".join(f"{res[k]:.4f}" if k != "novelty" else f"{res[k]:.2f}" for k in KEYS)
        print(f"| {n} | {cells} | {statistics.median(times):.3f} |", flush=True)
    for n, p in chosen.items():
        print(f"\ntuned on validation: {n} {p} (search {search[n]:.1f} s)")
    if "implicit-als" in peers:
        print("\n" + timing_vs_implicit(ratings, catalog, a.repeats) + "  (all of ML-100K)")


if __name__ == "__main__":
    main()
