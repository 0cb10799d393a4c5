"""`chatrec train --engine spark`: the ALS models fitted by Spark MLlib, the same
artifacts and manifest as the numpy engine, so chat/ask/serve use them unchanged.

Needs the optional extra `pip install 'chatrec[spark]'` (pyspark) and Java 17.

* Spark fits `mf`, `mf-rank` and the ALS part of the `recommend` route's model
  (`rank-blend`): models/engines/spark_als.py says exactly what Spark computes and how
  every hyperparameter maps. What is not ALS stays numpy on the driver: the other
  models (popularity, content, k-NN, hybrid, the rating `blend`: cheap) and
  rank-blend's EASE part (one n_items² inverse) and blend settings. The manifest entry
  of each model says which engine fitted what ("engine", "spark").
* Ratings come from the data home (the dataset `serve` will load), or with
  `--ratings URI` from a Parquet/CSV path that Spark reads itself (HDFS, S3, a shared
  disk): the data never passes through the driver or pandas. Its columns must be
  user_id, item_id, rating (timestamp optional); its ids are mapped to the data home
  dataset's indices inside Spark, and it must hold that dataset's ratings (checked by
  count), because serve loads the data home's dataset next to the artifacts.
* Nothing is half-written: the Spark models are saved into a temporary directory
  next to the artifacts and renamed into place only after every fit succeeded; the
  manifest is written last, atomically.
"""
from __future__ import annotations

import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

from chatrec.errors import ChatrecError, EngineError, UsageError
from chatrec.training.engines.spark_session import first_line, spark_session
from models.data import Catalog, Ratings
from models.errors import DataError, ModelsError
from models.progress import Progress, silent

#: the models Spark fits (rank-blend: its ALS part); the rest is the numpy engine's
SPARK_MODELS = ("mf", "mf-rank", "rank-blend")
REQUIRED_COLUMNS = ("user_id", "item_id", "rating")
_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\d+)?\])?|spark://[^/\s]+(,[^/\s]+)*|yarn|"
                     r"k8s://\S+|mesos://\S+)$")


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """['spark.driver.memory=8g'] -> {'spark.driver.memory': '8g'}."""
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().startswith("spark."):
            raise UsageError(f"--spark-conf: expected spark.KEY=VALUE, got {pair!r}")
        conf[key.strip()] = value.strip()
    return conf


def check_master(master: str, timeout: float = 5.0) -> str:
    """A usable --spark-master, or UsageError in one line. spark://HOST:PORT masters
    are probed with a TCP connect so an unreachable one fails now, not after minutes."""
    if not _MASTER.match(master or ""):
        raise UsageError(f"--spark-master: {master!r} is not a Spark master URL (local[*], "
                         "local[N], spark://HOST:PORT, yarn, k8s://...)")
    if master.startswith("spark://"):
        for hostport in master[len("spark://"):].split(","):
            host, _, port = hostport.rpartition(":")
            try:
                socket.create_connection((host, int(port)), timeout=timeout).close()
            except (OSError, ValueError) as e:
                raise UsageError(f"--spark-master: cannot reach the Spark master at "
                                 f"{hostport}: {getattr(e, 'strerror', None) or e}") from None
    return master


def ratings_frame(spark, ratings: Ratings, catalog: Catalog, uri: str | None, workdir: Path):
    """A Spark DataFrame (u, i, r) on the dataset's dense indices."""
    from pyspark.sql import functions as F

    if uri is None:  # the data home's ratings, handed to Spark as a CSV file
        path = workdir / "ratings.csv"
        import numpy as np
        np.savetxt(path, np.column_stack([ratings.users, ratings.items, ratings.values]),
                   fmt=("%d", "%d", "%.6g"), delimiter=",")
        return spark.read.csv(str(path), schema="u INT, i INT, r DOUBLE")
    raw = _read_uri(spark, uri)
    users = spark.createDataFrame([(str(x), j) for j, x in enumerate(ratings.user_ids.tolist())],
                                  "user_id STRING, u INT")
    items = spark.createDataFrame([(str(x), j) for j, x in enumerate(catalog.item_ids.tolist())],
                                  "item_id STRING, i INT")
    df = (raw.select(F.col("user_id").cast("string"), F.col("item_id").cast("string"),
                     F.col("rating").cast("double").alias("r"))
          .join(F.broadcast(users), "user_id", "left").join(F.broadcast(items), "item_id", "left"))
    stats = df.agg(F.count("*").alias("n"),
                   F.sum(F.when(F.col("u").isNull() | F.col("i").isNull(), 1).otherwise(0))
                   .alias("unknown"),
                   F.sum(F.when(F.col("r").isNull(), 1).otherwise(0)).alias("bad")).first()
    if stats["bad"]:
        raise DataError(f"--ratings {uri}: {stats['bad']:,} rows have no numeric rating")
    if stats["unknown"]:
        raise DataError(f"--ratings {uri}: {stats['unknown']:,} of {stats['n']:,} ratings name "
                        "users or films that the data home's dataset does not have")
    if stats["n"] != len(ratings):
        raise DataError(f"--ratings {uri}: holds {stats['n']:,} ratings, the data home's "
                        f"dataset {len(ratings):,}; the artifacts must match what serve loads")
    return df.select("u", "i", "r")


def _read_uri(spark, uri: str):
    """Parquet (a .parquet file or a directory of them) or CSV with a header row."""
    from pyspark.errors import AnalysisException

    try:
        if uri.rstrip("/").endswith(".csv"):
            df = spark.read.csv(uri, header=True, inferSchema=True)
        else:
            df = spark.read.parquet(uri)
    except AnalysisException as e:
        raise DataError(f"--ratings {uri}: Spark cannot read it: {first_line(e)}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"--ratings {uri}: missing column(s) {', '.join(missing)}; it has "
                        f"{', '.join(df.columns) or 'none'} (needs user_id, item_id, rating; "
                        "timestamp optional)")
    return df


def fit_spark_models(spark, df, names, ratings: Ratings, catalog: Catalog, directory: Path,
                     progress: Progress = silent) -> dict[str, dict]:
    """Fit `names` (of SPARK_MODELS) on the Spark DataFrame, save each into `directory`;
    returns {name: manifest entry}."""
    from chatrec.training.signatures import registry_signature
    from models.engines import spark_als
    from models.registry import model_class

    df = df.repartition(max(2, spark.sparkContext.defaultParallelism)).cache()
    entries, ials = {}, None
    for name in names:
        cls = model_class(name)
        t0 = time.perf_counter()
        if name == "mf":
            model, params = spark_als.fit_mf(df, ratings.n_users, ratings.n_items,
                                             ratings.scale, cls(), progress=progress)
            computed = "biases (Spark aggregations) and factors (Spark ALS on the residuals)"
        else:  # mf-rank, and the ALS part of rank-blend: one Spark fit for both
            if ials is None:
                ials, params = spark_als.fit_ranking(df, ratings.n_users, ratings.n_items,
                                                     model_class("mf-rank")(), progress=progress)
            model = ials
            computed = "user and item factors (Spark implicit ALS) and the popularity prior"
            if name == "rank-blend":
                model = spark_als.fit_rank_blend(ratings, catalog, cls(), ials)
                computed = (f"its mf-rank part: {computed}; numpy on the driver: the EASE "
                            "part and the blend settings chosen on an inner time split")
        seconds = time.perf_counter() - t0
        path = model.save(directory / f"{name}.npz")
        entries[name] = {**registry_signature(name, cls), "file": path.name,
                         "fit_seconds": round(seconds, 4), "bytes": path.stat().st_size,
                         "engine": "spark", "spark": {"computed": computed, "als": params}}
        if callable(getattr(model, "describe", None)):
            entries[name]["learned"] = model.describe()
    df.unpersist()
    return entries


def train_report_spark(dataset: str | None = None, progress: Progress | None = None, *,
                       master: str = "local[*]", ratings_uri: str | None = None,
                       models=None, force: bool = False, conf: dict | None = None,
                       data: tuple[Catalog, Ratings] | None = None):
    """Like chatrec.training.trainer.train_report, with SPARK_MODELS fitted by Spark."""
    from chatrec.data.home import active_dataset, artifacts_dir, write_json_atomic
    from chatrec.training.trainer import (
        MANIFEST,
        _load_data,
        available_models,
        choose_routes,
        read_manifest,
        train_report,
    )

    progress = progress or silent
    check_master(master)
    dataset = dataset or active_dataset()
    wanted = list(models) if models is not None else None
    spark_names = [n for n in SPARK_MODELS if wanted is None or n in wanted]
    spark_names = [n for n in spark_names if n in available_models([n])[0]]
    catalog, ratings = data if data is not None else _load_data(dataset)
    directory = artifacts_dir(dataset)
    tmp = Path(tempfile.mkdtemp(prefix=".spark-", dir=directory))
    try:
        spark, version = spark_session(master, conf or {}, tmp / "checkpoints")
        try:
            df = ratings_frame(spark, ratings, catalog, ratings_uri, tmp)
            entries = fit_spark_models(spark, df, spark_names, ratings, catalog, tmp, progress)
        except (ChatrecError, ModelsError):
            raise
        except Exception as e:  # noqa: BLE001 - a failed Spark job (Py4JJavaError, ...)
            raise EngineError(f"Spark failed on {master}: {first_line(e)}") from None
        # the rest with numpy (reusing what is still valid unless forced)
        others = [n for n in (wanted or available_models()[0]) if n not in spark_names]
        bundle, report = train_report(dataset, progress, models=others, force=force,
                                      data=(catalog, ratings))
        for name, entry in entries.items():  # all fits succeeded: rename into place
            (tmp / entry["file"]).replace(directory / entry["file"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    manifest = read_manifest(directory) or {}
    manifest["models"] = {**manifest.get("models", {}), **entries}
    fitted = {n: m for n, m in bundle.models.items()}
    from models.registry import model_class
    for name, entry in entries.items():
        fitted[name] = model_class(name).load(directory / entry["file"])
    manifest["routes"] = choose_routes(fitted)
    manifest["engines"] = {"spark": {"master": master, "version": version,
                                     "ratings": ratings_uri or "data home",
                                     "models": sorted(entries)}}
    write_json_atomic(directory / MANIFEST, manifest)
    bundle.models, bundle.routes = fitted, manifest["routes"]
    report = {**manifest, "artifacts": str(directory), "models": {
        **report["models"], **{n: {**e, "status": "trained"} for n, e in entries.items()}}}
    return bundle, report
