"""Every session store back end runs the same contract suite (test_contract.py):
the `store` fixture is parametrized over the back ends available here.

A back end also provides `hold_write_lock`: a context manager in which another
connection (as another process would) holds the store's write lock, for the busy
timeout and no_wait() parts of the contract."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest

BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def make_store(backend, tmp_path):
    """A factory: make_store() opens (another handle on) the same store;
    make_store(busy_timeout_ms=...) with a shorter wait for locks."""
    if backend == "sqlite":
        from chatrec.stores.sqlite import SQLiteSessionStore
        path = tmp_path / "s.db"
        return lambda **kw: SQLiteSessionStore(path, **kw)
    raise AssertionError(backend)


@pytest.fixture
def store(make_store):
    return make_store()


@pytest.fixture
def hold_write_lock(backend, tmp_path):
    if backend == "sqlite":
        @contextmanager
        def hold():
            conn = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                conn.execute("ROLLBACK")
                conn.close()
        return hold
    raise AssertionError(backend)
