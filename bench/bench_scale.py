"""Scale benchmark on synthetic MovieLens-shaped data (not a test).

    python bench/bench_scale.py                 # both cases, results as JSON + a table
    python bench/bench_scale.py --case ml-1m    # one case

Cases (targets from issues 2 and 8):
- ml-1m:  1M ratings, 6k users, 4k items: train ALL registry models (train_all, which
          also saves every artifact) in < 60 s and < 2 GB peak RSS; then `mf-rank` vs
          implicit's ALS (when installed: run with the bench venv's python) with the same
          factors (64) and sweeps (10), median of 3 fits each: mf-rank <= implicit.
- ml-25m: 25M ratings, 160k users, 60k items: train `mf` in < 5 min and < 8 GB;
          top-10 for one user (recommend, excluding the user's ratings) < 10 ms,
          median over 1,000 random users.

Data: item popularity is Zipf-like (p_i ~ 1/(rank+10)^0.9, then shuffled), user
activity is Pareto-distributed with at least 20 ratings (as MovieLens), each user's
items drawn without replacement by popularity; ratings come from user and item
biases plus a rank-4 taste term and noise, rounded to 1..5. Everything is vectorized.

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
    "ml-1m": dict(n_users=6_000, n_items=4_000, n_ratings=1_000_000, models="all",
                  limit_s=60, limit_gb=2),
    "ml-25m": dict(n_users=160_000, n_items=60_000, n_ratings=25_000_000, models="mf",
                   limit_s=300, limit_gb=8),
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
    if spec["models"] == "all":
        os.environ["CHATREC_HOME"] = tempfile.mkdtemp(prefix="chatrec-bench-")
        from chatrec.training.trainer import train_report
        t0 = time.perf_counter()
        _, report = train_report(name, data=(catalog, ratings))
        out["train_s"] = round(time.perf_counter() - t0, 2)
        out["fit_s"] = {n: e["fit_seconds"] for n, e in report["models"].items()}
        out["skipped"], out["failed"] = report["skipped"], report["failed"]
        out.update(versus_implicit(catalog, ratings))
    else:
        from models.registry import model_class
        cls = model_class(spec["models"])
        t0 = time.perf_counter()
        model = cls().fit(ratings, catalog)
        out["train_s"] = round(time.perf_counter() - t0, 2)
        out["fit_s"] = {spec["models"]: out["train_s"]}
        rng = np.random.default_rng(1)
        csr = ratings.csr()
        lat = []
        for u in rng.choice(ratings.n_users, 1000, replace=False):
            t = time.perf_counter()
            model.recommend(int(u), 10, exclude=csr.indices[csr.indptr[u]:csr.indptr[u + 1]])
            lat.append(time.perf_counter() - t)
        out["top10_ms_median"] = round(1000 * float(np.median(lat)), 3)
        out["top10_ms_p95"] = round(1000 * float(np.percentile(lat, 95)), 3)
    out["peak_rss_gb"] = round(_rss_gb(), 3)
    out["ok"] = out["train_s"] < spec["limit_s"] and out["peak_rss_gb"] < spec["limit_gb"] and (
        out.get("top10_ms_median", 0) < 10) and not out.get("failed") and (
        out.get("mf_rank_vs_implicit", 0) <= 1)
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
    ap.add_argument("--case", choices=list(CASES), action="append")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child)))
        return 0
    results = []
    for name in args.case or list(CASES):
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
