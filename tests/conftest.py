"""Shared fixtures.

- `ml100k`: session-scoped `(catalog, ratings)` of MovieLens 100K. The dataset is
  fetched ONCE per machine into `$CHATREC_TEST_CACHE` (default
  `~/.cache/chatrec-tests`), under a file lock so parallel runs (pytest-xdist, two
  terminals) do not download twice. A failed fetch FAILS the test, never skips it.
- `ml100k_dir`: session-scoped path of that cached dataset folder.
- `chatrec_home`: function-scoped fresh `$CHATREC_HOME` (a tmp dir) whose
  `datasets/ml-100k` is a copy of the cached dataset, so code under test that loads
  the active dataset finds it without downloading, and cannot damage the cache.

Tests using `ml100k`, `ml100k_dir` or `chatrec_home` are marked `movielens`
automatically (`pytest -m "not movielens"` runs the rest).

Tests that need a system component pip does not install (Chromium, Java 17, the
PostgreSQL server) are skipped loudly where it is missing, and fail under CI=true or
CHATREC_REQUIRE_ALL=1: tests/components.py. No other test may skip.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["tests.components"]   # skip-or-fail for missing system components
ML_FIXTURES = {"ml100k", "ml100k_dir", "chatrec_home"}


def _cache_root() -> Path:
    env = os.environ.get("CHATREC_TEST_CACHE")
    root = Path(env).expanduser() if env else Path.home() / ".cache" / "chatrec-tests"
    root.mkdir(parents=True, exist_ok=True)
    return root


def pytest_collection_modifyitems(config, items):
    """Mark every test that needs MovieLens, so it can be selected or deselected."""
    for item in items:
        if ML_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.movielens)


@pytest.fixture(scope="session")
def ml100k_dir() -> Path:
    """The cached ML-100K folder (fetched on first use, once per machine)."""
    from chatrec.data import datasets

    root = _cache_root() / "datasets"
    root.mkdir(exist_ok=True)
    with open(_cache_root() / ".fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits, then finds it there
        try:
            return datasets.fetch("ml-100k", root=root, say=lambda msg: None)
        except Exception as e:  # noqa: BLE001 - any failure must fail loudly, not skip
            pytest.fail(f"could not fetch ML-100K into the test cache {root}: {e}", pytrace=False)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def ml100k(ml100k_dir):
    """(Catalog, Ratings) of MovieLens 100K: 1,682 items, 943 users, 100,000 ratings.
    Shared by the whole session: treat it as read-only."""
    from chatrec.data import datasets

    return datasets.load("ml-100k", root=ml100k_dir.parent, fetch_missing=False)


@pytest.fixture
def chatrec_home(tmp_path, monkeypatch, ml100k_dir) -> Path:
    """A fresh $CHATREC_HOME holding a private copy of ML-100K as the active dataset."""
    home = tmp_path / "chatrec-home"
    shutil.copytree(ml100k_dir, home / "datasets" / "ml-100k")
    monkeypatch.setenv("CHATREC_HOME", str(home))
    monkeypatch.delenv("CHATREC_DATASET", raising=False)
    return home


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession (local[2]) shared by every Spark test of the run. Needs
    pyspark and Java 17: without them its tests are skipped loudly, or fail under CI
    (tests/components.py checks before this runs)."""
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[2]").appName("chatrec-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.driver.memory", "1g").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
