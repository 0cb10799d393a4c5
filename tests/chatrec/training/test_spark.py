"""`train --engine spark` end to end on a tiny dataset in local mode: the same
artifacts and manifest as numpy (serve reuses them), ratings read by Spark from a CSV or
Parquet URI, and bad input (master, columns, counts) in one line with nothing
half-written."""
from __future__ import annotations

import json

import numpy as np
import pytest

from chatrec.cli.main import main
from chatrec.errors import UsageError
from chatrec.training.engines.spark import check_master, train_report_spark
from chatrec.training.trainer import train_report
from models.errors import DataError
from tests.factories import make_catalog, make_ratings

MODELS = ["popularity", "mf", "mf-rank", "rank-blend"]


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path / "home"))
    rng = np.random.default_rng(1)
    rows = [(u, i, float(rng.integers(1, 6)), u * 10 + i) for u in range(12) for i in range(8)
            if rng.random() < 0.7]
    catalog = make_catalog([f"Film {i}" for i in range(8)], item_ids=np.arange(101, 109))
    ratings = make_ratings(rows, 8, user_ids=np.arange(1, 13) * 7)
    return catalog, ratings, rows


def artifacts(tmp_path):
    return tmp_path / "home" / "artifacts" / "tiny"


def test_spark_artifacts_are_the_numpy_formats_and_are_reused(spark, tiny, tmp_path):
    catalog, ratings, _ = tiny
    bundle, report = train_report_spark("tiny", master="local[2]", models=MODELS,
                                        data=(catalog, ratings))
    manifest = json.loads((artifacts(tmp_path) / "manifest.json").read_text())
    assert {n: e.get("engine", "numpy") for n, e in manifest["models"].items()} == {
        "popularity": "numpy", "mf": "spark", "mf-rank": "spark", "rank-blend": "spark"}
    assert manifest["engines"]["spark"]["master"] == "local[2]"
    assert "Spark ALS" in manifest["models"]["mf"]["spark"]["computed"]
    assert "numpy on the driver: the EASE part" in \
        manifest["models"]["rank-blend"]["spark"]["computed"]
    assert manifest["routes"]["recommend"] == "rank-blend"
    blend = bundle.models["rank-blend"]   # its factors are the Spark mf-rank's
    assert np.array_equal(blend.item_factors, bundle.models["mf-rank"].item_factors)
    assert not list(artifacts(tmp_path).glob(".spark-*"))        # temp dir gone
    # the numpy engine (what serve's load_or_train runs) keeps them: not retrained
    again, report2 = train_report("tiny", models=MODELS, force=False, data=(catalog, ratings))
    assert {n: e["status"] for n, e in report2["models"].items()} == {
        n: "up to date" for n in MODELS}
    u, i = ratings.users[:5], ratings.items[:5]
    assert np.allclose(again.models["mf"].predict(u, i), bundle.models["mf"].predict(u, i))


def test_ratings_uri_is_read_by_spark_and_checked(spark, tiny, tmp_path):
    catalog, ratings, rows = tiny
    good = tmp_path / "ratings.csv"
    good.write_text("user_id,item_id,rating,timestamp\n" + "".join(
        f"{(u + 1) * 7},{101 + i},{r},{t}\n" for u, i, r, t in rows))
    _, report = train_report_spark("tiny", master="local[2]", models=["mf"],
                                   ratings_uri=str(good), data=(catalog, ratings))
    assert report["models"]["mf"]["engine"] == "spark"
    assert report["engines"]["spark"]["ratings"] == str(good)

    wrong = str(tmp_path / "wrong.parquet")
    spark.createDataFrame([(1, 101, 4.0)], "user INT, movie INT, stars DOUBLE") \
        .write.parquet(wrong)
    before = sorted(p.name for p in artifacts(tmp_path).iterdir())
    with pytest.raises(DataError, match=r"missing column\(s\) user_id, item_id, rating; it "
                                        r"has user, movie, stars"):
        train_report_spark("tiny", master="local[2]", models=MODELS, ratings_uri=wrong,
                           data=(catalog, ratings))
    short = tmp_path / "short.csv"
    short.write_text("user_id,item_id,rating\n7,101,4\n")
    with pytest.raises(DataError, match="holds 1 ratings, the data home's dataset"):
        train_report_spark("tiny", master="local[2]", models=MODELS, ratings_uri=str(short),
                           data=(catalog, ratings))
    assert sorted(p.name for p in artifacts(tmp_path).iterdir()) == before  # untouched
    # the same ratings as Parquet (what a cluster would read from HDFS or S3)
    parquet = str(tmp_path / "ratings.parquet")
    spark.read.csv(str(good), header=True, inferSchema=True).write.parquet(parquet)
    _, report = train_report_spark("tiny", master="local[2]", models=["mf-rank"],
                                   ratings_uri=parquet, data=(catalog, ratings))
    assert report["models"]["mf-rank"]["engine"] == "spark"


@pytest.mark.parametrize("master, words", [
    ("localhost", "is not a Spark master URL"),
    ("spark://127.0.0.1:1", "cannot reach the Spark master at 127.0.0.1:1"),
])
def test_bad_masters_fail_before_spark_starts(master, words):
    with pytest.raises(UsageError, match=words):
        check_master(master, timeout=2)


def test_cli_bad_master_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path))
    assert main(["train", "--engine", "spark", "--spark-master", "spark://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["chatrec: error: --spark-master: cannot reach the Spark master at "
                   "127.0.0.1:1: Connection refused"]
    assert main(["train", "--ratings", "x.parquet"]) == 2
    assert "need --engine spark" in capsys.readouterr().err
