"""Scale benchmark on synthetic MovieLens-shaped data (not a test).

    python bench/bench_scale.py --case ml-1m    # train_all on 1M ratings (~1 min)
    python bench/bench_scale.py --case ml-25m   # every model and the turns (~30-40 min)
    python bench/bench_scale.py --case ml-25m --fraction 0.1 --parts start,turns

Cases (targets from issues 2 and 8):
- ml-1m:  1M ratings, 6k users, 4k items: train ALL registry models (train_all, which
          also saves every artifact) in < 60 s and < 2 GB peak RSS; then `mf-rank` vs
          implicit's ALS (when installed: run with the bench venv's python) with the same
          factors (64) and sweeps (10), median of 3 fits each: mf-rank <= implicit.
- ml-25m: ML-25M's shape (162,541 users, 59,047 items, 25M ratings) registered with
          `chatrec data add` and driven through the product's commands, one process
          per step: a start trains only the routes' models; every model < 10 min and
          < 8 GB; warm turns popular and recommend < 20 ms, similar < 50 ms; the first
          turn of each route < 0.5 s after the start (bench/_scale_25m.py).

Data: bench/_scale_data.py (Zipf-like item popularity, Pareto user activity with at
least 20 ratings, ratings from biases + a rank-4 taste term + noise).

Each case runs in its own subprocess; its peak memory is the child's
resource.getrusage(RUSAGE_SELF).ru_maxrss (the whole process, data included), which
numpy allocations count toward (tracemalloc would miss them).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scale_data import synthetic  # noqa: E402

from models.data import Catalog, Ratings  # noqa: E402

CASES = {
    "ml-1m": dict(n_users=6_000, n_items=4_000, n_ratings=1_000_000, limit_s=60, limit_gb=2),
}
def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB


def run_case(name: str) -> dict:
    """Runs inside the child process."""
    spec = CASES[name]
    t0 = time.perf_counter()
    catalog, ratings = synthetic(spec["n_users"], spec["n_items"], spec["n_ratings"])
    out = {"case": name, "ratings": len(ratings), "users": ratings.n_users,
           "items": ratings.n_items, "generate_s": round(time.perf_counter() - t0, 2),
           "rss_after_data_gb": round(_rss_gb(), 3)}
    os.environ["CHATREC_HOME"] = tempfile.mkdtemp(prefix="chatrec-bench-")
    from chatrec.training.trainer import train_report
    t0 = time.perf_counter()
    _, report = train_report(name, data=(catalog, ratings))
    out["train_s"] = round(time.perf_counter() - t0, 2)
    out["fit_s"] = {n: e["fit_seconds"] for n, e in report["models"].items()}
    out["skipped"], out["failed"] = report["skipped"], report["failed"]
    out.update(versus_implicit(catalog, ratings))
    out["peak_rss_gb"] = round(_rss_gb(), 3)
    out["ok"] = out["train_s"] < spec["limit_s"] and out["peak_rss_gb"] < spec["limit_gb"] and (
        not out.get("failed")) and out.get("mf_rank_vs_implicit", 0) <= 1
    return out


def versus_implicit(catalog: Catalog, ratings: Ratings, repeats: int = 3) -> dict:
    """Median fit seconds of mf-rank and implicit's ALS, 64 factors, 10 sweeps each
    (implicit with BLAS on one thread, as it asks; its OpenMP loop uses every core)."""
    try:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits
    except ImportError:
        return {"implicit": "not installed"}
    from models.recommenders.ials import RankingMF
    X = ratings.csr().copy()
    X.data[:] = 1.0

    def implicit_fit():
        with threadpool_limits(1, "blas"):
            AlternatingLeastSquares(factors=64, iterations=10, random_state=0).fit(
                X, show_progress=False)

    def median_seconds(fit) -> float:
        fit()  # warm-up (numba's compiled kernel loads on first use)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fit()
            times.append(time.perf_counter() - t)
        return round(float(np.median(times)), 3)
    ours = median_seconds(lambda: RankingMF(factors=64, n_iter=10).fit(ratings, catalog))
    theirs = median_seconds(implicit_fit)
    return {"mf_rank_fit_s": ours, "implicit_als_fit_s": theirs,
            "mf_rank_vs_implicit": round(ours / theirs, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=[*CASES, "ml-25m"], action="append")
    ap.add_argument("--fraction", type=float, default=1.0,
                    help="ml-25m: this fraction of the users and ratings (all 59,047 items)")
    ap.add_argument("--parts", default="data,start,train,turns",
                    help="ml-25m: which steps (data,start,train,turns)")
    ap.add_argument("--home", help="ml-25m: reuse this CHATREC_HOME (default: a fresh one)")
    ap.add_argument("--models", help="ml-25m: the models to train (default: all)")
    ap.add_argument("--turns", type=int, default=200, help="ml-25m: warm turns per route")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child)))
        return 0
    results = []
    for name in args.case or list(CASES):
        if name == "ml-25m":
            from _scale_25m import run
            res = run(args.fraction, args.home, args.models.split(",") if args.models else None,
                      args.turns, tuple(args.parts.split(",")))
            results.append(res)
            print(json.dumps(res), flush=True)
            continue
        proc = subprocess.run([sys.executable, __file__, "--child", name],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            results.append({"case": name, "ok": False, "error": proc.stderr[-500:]})
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["children_maxrss_gb"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2, 3)
        results.append(res)
        print(json.dumps(res), flush=True)
    return 0 if all(r.get("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
