"""Fixtures for the chat service tests that need a trained ML-100K home.

`trained_home_cache` trains ONCE (per machine, reused while the artifacts' manifest
says they are fresh; `load_or_train` retrains stale ones) into the test cache, under
a file lock. `trained_home` gives each test a private copy as $CHATREC_HOME, so a
test can write sessions or kill servers without touching the cache.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import shutil
from pathlib import Path

import pytest

from tests.chatrec.homes import copy_trained


def _cache_root() -> Path:
    env = os.environ.get("CHATREC_TEST_CACHE")
    root = Path(env).expanduser() if env else Path.home() / ".cache" / "chatrec-tests"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="session")
def trained_home_cache(ml100k_dir) -> Path:
    home = _cache_root() / "trained-home"
    with open(_cache_root() / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = os.environ.get("CHATREC_HOME")
        try:
            if not (home / "datasets" / "ml-100k").exists():
                shutil.copytree(ml100k_dir, home / "datasets" / "ml-100k")
            os.environ["CHATREC_HOME"] = str(home)
            from chatrec.training.trainer import load_or_train
            load_or_train("ml-100k")
        finally:
            if old is None:
                os.environ.pop("CHATREC_HOME", None)
            else:
                os.environ["CHATREC_HOME"] = old
            fcntl.flock(lock, fcntl.LOCK_UN)
    return home


@pytest.fixture
def trained_home(tmp_path, monkeypatch, trained_home_cache) -> Path:
    """A private $CHATREC_HOME with ML-100K and fresh artifacts (no sessions yet)."""
    home = copy_trained(trained_home_cache, tmp_path / "home")
    monkeypatch.setenv("CHATREC_HOME", str(home))
    monkeypatch.delenv("CHATREC_DATASET", raising=False)
    monkeypatch.delenv("CHATREC_PARSER", raising=False)
    return home


@pytest.fixture
def servers():
    """start(home, workers=1, *flags, **env) -> a real `chatrec serve` on 127.0.0.1
    (tests/chatrec/serving.py); all are stopped at the end."""
    from tests.chatrec.serving import Server

    started = []

    def start(home, workers=1, *args, **env):
        started.append(Server(home, workers, *args, **env))
        return started[-1]
    yield start
    for s in started:
        s.stop()


_db_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    """A running throwaway PostgreSQL cluster (admin URL: pg_cluster.url). Missing
    server binaries or extras skip its tests loudly, or fail them under CI
    (tests/components.py); a server that is there but will not start always fails."""
    from tests.pgcluster import PgCluster, PgUnavailable

    cluster = PgCluster()
    try:
        cluster.start()
    except PgUnavailable as e:
        cluster.stop()
        pytest.fail(f"PostgreSQL unavailable: {e}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a fresh, empty database in the throwaway cluster."""
    return pg_cluster.create_database(f"t{next(_db_numbers)}")
