"""Every session store back end runs the same contract suite (test_contract.py):
the `store` fixture is parametrized over BACKENDS.

PostgreSQL runs in a throwaway cluster (tests/pgcluster.py) started once per test
session; each test gets its own database. When PostgreSQL cannot be started here, the
postgres tests FAIL with one line saying what is missing: they never skip.
"""
from __future__ import annotations

import itertools

import pytest

BACKENDS = ["sqlite", "postgres"]
_db_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    """A running throwaway PostgreSQL cluster (admin URL: pg_cluster.url)."""
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


@pytest.fixture(params=BACKENDS)
def make_store(request, tmp_path):
    """A factory: make_store() opens (another handle on) the same store."""
    if request.param == "sqlite":
        from chatrec.stores.sqlite import SQLiteSessionStore
        path = tmp_path / "s.db"
        return lambda: SQLiteSessionStore(path)
    if request.param == "postgres":
        from chatrec.stores.postgres import PostgresSessionStore
        url = request.getfixturevalue("pg_url")
        opened = []

        def make():
            opened.append(PostgresSessionStore(url))
            return opened[-1]
        request.addfinalizer(lambda: [s.close() for s in opened])
        return make
    raise AssertionError(request.param)


@pytest.fixture
def store(make_store):
    return make_store()
