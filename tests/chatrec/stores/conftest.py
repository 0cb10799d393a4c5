"""Every session store back end runs the same contract suite (test_contract.py):
the `store` fixture is parametrized over BACKENDS.

PostgreSQL runs in the throwaway cluster of the `pg_url` fixture (tests/chatrec/
conftest.py): each test gets its own database.
"""
from __future__ import annotations

import pytest

BACKENDS = ["sqlite", "postgres"]


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
