"""Spark engine vs numpy engine (issue 10), on the same data and splits in one run.

    python bench/bench_spark.py --part quality         # ML-100K: RMSE 5-fold, NDCG@10 time split
    python bench/bench_spark.py --part scale           # ML-25M-sized synthetic on local[2]
    python bench/bench_spark.py --part scale --case ml-1m

quality: Spark's regParam (λ·n, no counterpart in BiasedMF's λ·n^0.5) and the bias
damping are the two settings that do not map one to one; they are chosen on an inner
validation split of fold 0's training part (a 3 x 2 grid around the values a first
exploration found; 6 Spark fits), never on a test fold. Then `mf` numpy vs Spark on the 5 folds of
models.data.splits.kfold(seed=0), and the recommend route's `rank-blend` (and its
`mf-rank` part alone) numpy vs Spark on the per-user time split.
Targets: |ΔRMSE| ≤ 0.005, |ΔNDCG@10| ≤ 0.005.

scale: the bench_scale.py synthetic set written once to CSV; `mf` by numpy (in a child
process) and by Spark local[2] reading the CSV itself. Reports wall time and peak RSS
(for Spark: driver JVM + Python, the largest resident sizes each reached).
Needs pyspark and Java 17 (pip install -e '.[spark]').
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GRID = [(reg, breg) for reg in (0.13, 0.16, 0.2) for breg in (2.0, 5.0)]


def session(master: str, memory: str = "4g"):
    from pyspark.sql import SparkSession
    s = (SparkSession.builder.master(master).appName("chatrec-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "8").config("spark.driver.memory", memory)
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    s.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="spark-ckpt-"))
    return s


def frame(spark, r):
    rows = list(zip(r.users.tolist(), r.items.tolist(), r.values.astype(float).tolist()))
    return spark.createDataFrame(rows, "u INT, i INT, r DOUBLE").repartition(4).cache()


def rmse_of(model, test) -> float:
    p = model.predict(test.users, test.items)
    return float(np.sqrt(np.mean((p - test.values) ** 2)))


def quality(master: str) -> dict:
    from _data import load

    from models.data.splits import kfold, time_split
    from models.engines import spark_als
    from models.eval.protocols import topn_metrics
    from models.recommenders.factorization import BiasedMF, RankingMF

    catalog, ratings = load("ml-100k")
    spark = session(master, "2g")
    out = {"master": master, "spark": spark.version}
    # 1. settings on an inner validation split of fold 0's training part
    train0, _ = next(kfold(ratings, 5, seed=0))
    inner, val = next(kfold(train0, 5, seed=1))
    df = frame(spark, inner)
    out["numpy_val_rmse"] = rmse_of(BiasedMF().fit(inner, catalog), val)
    scores = {}
    for reg, breg in GRID:
        m, _ = spark_als.fit_mf(df, inner.n_users, inner.n_items, inner.scale, BiasedMF(),
                                spark_reg=reg, bias_reg=breg)
        scores[(reg, breg)] = rmse_of(m, val)
        print(f"validation regParam={reg} bias_reg={breg}: {scores[(reg, breg)]:.4f}",
              file=sys.stderr, flush=True)
    df.unpersist()
    reg, breg = min(scores, key=scores.get)
    out["chosen"] = {"regParam": reg, "bias_reg": breg, "val_rmse": scores[(reg, breg)]}
    out["validation"] = {f"{a}/{b}": round(v, 4) for (a, b), v in scores.items()}
    # 2. rating prediction, 5 folds
    folds = []
    for n, (train, test) in enumerate(kfold(ratings, 5, seed=0)):
        t0 = time.perf_counter()
        numpy_model = BiasedMF().fit(train, catalog)
        t1 = time.perf_counter()
        df = frame(spark, train)
        df.count()
        t2 = time.perf_counter()
        spark_model, _ = spark_als.fit_mf(df, train.n_users, train.n_items, train.scale,
                                          BiasedMF(), spark_reg=reg, bias_reg=breg)
        t3 = time.perf_counter()
        df.unpersist()
        folds.append({"fold": n, "numpy_rmse": rmse_of(numpy_model, test),
                      "spark_rmse": rmse_of(spark_model, test),
                      "numpy_s": round(t1 - t0, 2), "spark_s": round(t3 - t2, 2)})
        print(json.dumps(folds[-1]), file=sys.stderr, flush=True)
    out["folds"] = folds
    out["rmse"] = {k: float(np.mean([f[f"{k}_rmse"] for f in folds])) for k in ("numpy", "spark")}
    # 3. top-N on the time split: the recommend route's model (rank-blend), whose ALS
    #    part Spark fits (its EASE part and blend settings are numpy either way)
    from models.recommenders.rankblend import RankBlend
    train, test = time_split(ratings)
    numpy_blend = RankBlend().fit(train, catalog)
    df = frame(spark, train)
    spark_ials, _ = spark_als.fit_ranking(df, train.n_users, train.n_items, RankingMF())
    spark_blend = spark_als.fit_rank_blend(train, catalog, RankBlend(), spark_ials)
    numpy_ials = RankingMF().fit(train, catalog)
    out["ndcg10"] = {"numpy": topn_metrics(numpy_blend, train, test)[0]["ndcg@10"],
                     "spark": topn_metrics(spark_blend, train, test)[0]["ndcg@10"],
                     "mf-rank numpy": topn_metrics(numpy_ials, train, test)[0]["ndcg@10"],
                     "mf-rank spark": topn_metrics(spark_ials, train, test)[0]["ndcg@10"]}
    out["targets_met"] = {
        "rmse": abs(out["rmse"]["spark"] - out["rmse"]["numpy"]) <= 0.005,
        "ndcg10": abs(out["ndcg10"]["spark"] - out["ndcg10"]["numpy"]) <= 0.005}
    out["load_average"] = os.getloadavg()
    spark.stop()
    return out


def _peak_rss_gb(pid: int) -> float:
    """VmHWM (peak resident size) of a process, in GiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def scale_child(case: str, engine: str, csv: str, master: str) -> dict:
    from bench_scale import CASES, synthetic
    spec = CASES[case]
    catalog, ratings = synthetic(spec["n_users"], spec["n_items"], spec["n_ratings"])
    from models.recommenders.factorization import BiasedMF
    out = {"case": case, "engine": engine, "ratings": len(ratings)}
    t0 = time.perf_counter()
    if engine == "numpy":
        BiasedMF().fit(ratings, catalog)
        out["fit_s"] = round(time.perf_counter() - t0, 1)
        out["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)
        return out
    from models.engines import spark_als
    spark = session(master, "10g")
    df = spark.read.csv(csv, schema="u INT, i INT, r DOUBLE").repartition(8).cache()
    spark_als.fit_mf(df, ratings.n_users, ratings.n_items, ratings.scale, BiasedMF())
    out["fit_s"] = round(time.perf_counter() - t0, 1)
    jvm = spark.sparkContext._gateway.proc.pid  # the driver JVM (local mode: all of Spark)
    out["peak_rss_gb"] = {"jvm": round(_peak_rss_gb(jvm), 2), "python": round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)}
    spark.stop()
    return out


def scale(case: str, master: str) -> dict:
    from bench_scale import CASES, synthetic
    spec = CASES[case]
    tmp = Path(tempfile.mkdtemp(prefix="chatrec-spark-bench-"))
    csv = tmp / "ratings.csv"
    _, ratings = synthetic(spec["n_users"], spec["n_items"], spec["n_ratings"])
    np.savetxt(csv, np.column_stack([ratings.users, ratings.items, ratings.values]),
               fmt=("%d", "%d", "%.1f"), delimiter=",")
    del ratings
    runs = {}
    for engine in ("spark", "numpy"):
        r = subprocess.run([sys.executable, __file__, "--child", engine, "--case", case,
                            "--csv", str(csv), "--master", master],
                           capture_output=True, text=True)
        if r.returncode != 0:
            runs[engine] = {"error": r.stderr.strip().splitlines()[-1:]}
        else:
            runs[engine] = json.loads(r.stdout.strip().splitlines()[-1])
    csv.unlink()
    return {"case": case, "master": master, "runs": runs, "load_average": os.getloadavg(),
            "cluster_command": "chatrec train --engine spark --spark-master spark://HOST:7077 "
            "--ratings hdfs:///data/ratings.parquet --spark-conf spark.executor.memory=8g"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("quality", "scale"), default="quality")
    ap.add_argument("--case", default="ml-25m")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(scale_child(args.case, args.child, args.csv, args.master)))
        return 0
    result = quality(args.master) if args.part == "quality" else scale(args.case, args.master)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
