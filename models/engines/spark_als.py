"""Fit chatrec's two ALS models with Spark MLlib (`pyspark.ml.recommendation.ALS`) and
return them as ordinary model objects (the same arrays the numpy fits produce), so
`save`/`load`, serving and evaluation use them unchanged.

Input: a Spark DataFrame with columns u (int, dense user index), i (int, dense item
index) and r (float rating). Only the learned factors come back to the driver.

How the hyperparameters map (Spark's ALS has no biases and regularizes each row by
λ·n, n = the row's number of ratings — "ALS-WR"):

* `mf` (BiasedMF, r ≈ μ + b_u + b_i + p_u·q_i): μ, b_u, b_i are computed by Spark
  DataFrame aggregations (the alternating damped means of models/recommenders/baseline.py, 4
  sweeps, damping `bias_reg`); Spark ALS then fits p_u·q_i to the residual
  r − μ − b_u − b_i. factors → rank, n_iter → maxIter, seed → seed. Spark's λ·n cannot
  express BiasedMF's λ·n^ν (ν = reg_exponent = 0.5), and Spark cannot refit the
  biases jointly with the factors, so regParam (`spark_reg`, 0.16) and the damping
  (`bias_reg`, 5) are Spark's own settings, chosen on an inner validation split of
  ML-100K (docs/benchmarks/scale.md). The cost of both differences: about +0.01 RMSE.
* `mf-rank` (RankingMF, implicit): Spark's implicit ALS (Hu, Koren & Volinsky) with
  confidence 1 + alpha·r' is fed r' = max(1 + rating_weight·(r − 3), 0.05), which is
  exactly RankingMF's confidence 1 + α·max(1 + rating_weight·(r − 3), 0.05); factors →
  rank, alpha → alpha, reg → regParam (λ·n here vs λ·(n + 1) in RankingMF), n_iter →
  maxIter, seed → seed. The log-popularity prior comes from a Spark count.
* `rank-blend` (the `recommend` route: EASE + mf-rank, models/recommenders/rankblend.py): its mf-rank
  part is the Spark fit above; EASE (one n_items² inverse) and the choice of its blend
  settings on an inner time split stay numpy on the driver. Beyond ease.MAX_ITEMS
  items the model is the factors alone, so everything it learns comes from Spark.
"""
from __future__ import annotations

import numpy as np

from models.progress import Progress, silent

#: the two settings of the explicit model that BiasedMF has no counterpart for, chosen
#: on an inner validation split of ML-100K (bench/bench_spark.py): Spark's regParam
#: (λ·n) and the damping of the bias means (BiasedMF starts from 10; 5 validates better
#: when the biases are not refitted with the factors)
SPARK_MF_REG, BIAS_REG, BIAS_SWEEPS = 0.16, 5.0, 4


def _als(df, **params):
    """Spark's ALS on columns u, i, r; as many blocks as the cluster runs tasks at once
    (Spark's default of 10 costs more in scheduling than it saves on small data)."""
    from pyspark.ml.recommendation import ALS
    blocks = max(1, df.sparkSession.sparkContext.defaultParallelism)
    return ALS(userCol="u", itemCol="i", ratingCol="r", coldStartStrategy="nan",
               numUserBlocks=blocks, numItemBlocks=blocks,
               intermediateStorageLevel="MEMORY_AND_DISK", finalStorageLevel="MEMORY_AND_DISK",
               **params)


def collect_factors(frame, n_rows: int, k: int) -> np.ndarray:
    """Spark's (id, features) factor table -> a dense float32 (n_rows, k) array; rows
    Spark never saw (no ratings) stay zero."""
    out = np.zeros((n_rows, k), np.float32)
    rows = frame.collect()
    if rows:
        out[np.fromiter((r["id"] for r in rows), np.int64, len(rows))] = \
            np.array([r["features"] for r in rows], np.float32)
    return out


def spark_biases(df, n_users: int, n_items: int, reg_u: float = BIAS_REG,
                 reg_i: float = BIAS_REG, sweeps: int = BIAS_SWEEPS):
    """(μ, b_u, b_i) by alternating damped means, each sweep two Spark aggregations.
    The biases stay Spark tables (u, bu) and (i, bi)."""
    from pyspark.sql import functions as F

    mu = float(df.agg(F.avg("r")).first()[0])
    bu = df.select("u").distinct().withColumn("bu", F.lit(0.0))
    for _ in range(sweeps):   # the order of models/baseline.fit_biases: b_i, then b_u
        bi = _damped_mean(df.join(bu, "u"), "i", F.col("r") - mu - F.col("bu"), reg_i, "bi")
        bu = _damped_mean(df.join(bi, "i"), "u", F.col("r") - mu - F.col("bi"), reg_u, "bu")
    return mu, bu, bi


def _damped_mean(frame, key: str, residual, reg: float, name: str):
    from pyspark.sql import functions as F
    return (frame.groupBy(key).agg((F.sum(residual) / (F.count("*") + reg)).alias(name))
            .localCheckpoint())   # cut the lineage: each sweep builds on the last


def _dense(rows, key: str, name: str, n: int) -> np.ndarray:
    out = np.zeros(n)
    for row in rows:
        out[row[key]] = row[name]
    return out


def fit_mf(df, n_users: int, n_items: int, scale, model, spark_reg: float = SPARK_MF_REG,
           bias_reg: float = BIAS_REG, progress: Progress = silent):
    """A fitted BiasedMF (`model` gives factors, n_iter, seed) from Spark."""
    from pyspark.sql import functions as F

    progress(0, 3, "mf: biases (Spark aggregations)")
    mu, bu, bi = spark_biases(df, n_users, n_items, bias_reg, bias_reg)
    resid = (df.join(bu, "u").join(bi, "i")
             .select("u", "i", (F.col("r") - mu - F.col("bu") - F.col("bi")).alias("r")))
    progress(1, 3, "mf: Spark ALS on the residuals")
    als = _als(resid, rank=model.factors, maxIter=model.n_iter, regParam=spark_reg,
               seed=model.seed, implicitPrefs=False)
    fitted = als.fit(resid)
    progress(2, 3, "mf: collecting factors")
    model.user_factors = collect_factors(fitted.userFactors, n_users, model.factors)
    model.item_factors = collect_factors(fitted.itemFactors, n_items, model.factors)
    model.user_bias = _dense(bu.collect(), "u", "bu", n_users)
    model.item_bias = _dense(bi.collect(), "i", "bi", n_items)
    model.mu_arr = np.array([mu])
    model.scale_arr = np.asarray(scale, dtype=np.float64)
    progress(3, 3, "mf: done")
    return mark_fitted(model, n_users, n_items), {
        "rank": model.factors, "maxIter": model.n_iter, "regParam": spark_reg,
        "seed": model.seed, "implicitPrefs": False,
        "biases": f"Spark aggregations: damped means, reg {bias_reg:g}, {BIAS_SWEEPS} sweeps"}


def fit_ranking(df, n_users: int, n_items: int, model, progress: Progress = silent):
    """RankingMF's user/item factors and popularity prior from Spark's implicit ALS."""
    from pyspark.sql import functions as F

    progress(0, 2, "mf-rank: Spark implicit ALS")
    strength = F.greatest(1.0 + model.rating_weight * (F.col("r") - 3.0), F.lit(0.05))
    prefs = df.select("u", "i", strength.alias("r"))
    als = _als(prefs, rank=model.factors, maxIter=model.n_iter, regParam=model.reg,
               alpha=model.alpha, seed=model.seed, implicitPrefs=True)
    fitted = als.fit(prefs)
    progress(1, 2, "mf-rank: collecting factors")
    model.user_factors = collect_factors(fitted.userFactors, n_users, model.factors)
    model.item_factors = collect_factors(fitted.itemFactors, n_items, model.factors)
    counts = np.zeros(n_items)
    for row in df.groupBy("i").count().collect():
        counts[row["i"]] = row["count"]
    model.item_prior = np.log1p(counts) / max(np.log1p(counts).max(), 1e-9)
    progress(2, 2, "mf-rank: done")
    return mark_fitted(model, n_users, n_items), {
        "rank": model.factors, "maxIter": model.n_iter, "regParam": model.reg,
        "alpha": model.alpha, "seed": model.seed, "implicitPrefs": True,
        "rating": f"max(1 + {model.rating_weight:g}·(r − 3), 0.05)"}


def fit_rank_blend(ratings, catalog, model, ials):
    """A RankBlend around `ials` (a RankingMF fitted by `fit_ranking`): the blend's own
    tuning and EASE part run as in RankBlend.fit, its factors are Spark's."""
    model.n_users, model.n_items = ratings.n_users, ratings.n_items
    if model.tune:
        model._tune(ratings, catalog)      # inner time split; numpy iALS on that split
    model._fit_parts(ratings, catalog, ials)
    return mark_fitted(model, ratings.n_users, ratings.n_items)


def mark_fitted(model, n_users: int, n_items: int):
    """Mark a model whose arrays were set from outside as fitted (as `load` does)."""
    model.n_users, model.n_items = n_users, n_items
    model._after_load()
    model._fitted = True
    return model
