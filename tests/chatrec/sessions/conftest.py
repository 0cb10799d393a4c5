"""Every session store back end runs the same contract suite (test_contract.py):
the `store` fixture is parametrized over BACKENDS.

A back end also provides `hold_write_lock`: a context manager in which another
connection (as another process would) holds the store's write lock, for the busy
timeout and no_wait() parts of the contract. PostgreSQL runs in the throwaway cluster
of the `pg_url` fixture (tests/chatrec/conftest.py): each test gets its own database;
its "write lock" is an EXCLUSIVE lock on the sessions table (reads go on, writes wait).
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest

# the postgres back end opens its cluster through getfixturevalue, which the component
# plugin cannot see: its needs are marked here (tests/components.py)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.needs("psycopg", "postgres"))]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def make_store(backend, tmp_path, request):
    """A factory: make_store() opens (another handle on) the same store;
    make_store(busy_timeout_ms=...) with a shorter wait for locks."""
    if backend == "sqlite":
        from chatrec.sessions.sqlite import SQLiteSessionStore
        path = tmp_path / "s.db"
        return lambda **kw: SQLiteSessionStore(path, **kw)
    if backend == "postgres":
        from chatrec.sessions.postgres import PostgresSessionStore
        url = request.getfixturevalue("pg_url")
        opened = []

        def make(**kw):
            opened.append(PostgresSessionStore(url, **kw))
            return opened[-1]
        request.addfinalizer(lambda: [s.close() for s in opened])
        return make
    raise AssertionError(backend)


@pytest.fixture
def store(make_store):
    return make_store()


@pytest.fixture
def hold_write_lock(backend, tmp_path, request):
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
    if backend == "postgres":
        import psycopg
        url = request.getfixturevalue("pg_url")

        @contextmanager
        def hold():
            with psycopg.connect(url) as conn:
                conn.execute("LOCK TABLE sessions IN EXCLUSIVE MODE")
                try:
                    yield
                finally:
                    conn.rollback()
        return hold
    raise AssertionError(backend)


@pytest.fixture
def refuse_writes(backend, request):
    """refuse_writes(store): a context manager in which the database refuses the store's
    writes as read-only (and reads go on), as a file system remounted read-only or a
    read-only replica would. SQLite: PRAGMA query_only on the store's connections of
    this thread; PostgreSQL: default_transaction_read_only on the database (its pool
    reopened so every connection has it)."""
    if backend == "sqlite":
        @contextmanager
        def refuse(store):
            conns = [store._conn()]
            with store.no_wait():
                conns.append(store._conn())
            for c in conns:
                c.execute("PRAGMA query_only = ON")
            try:
                yield
            finally:
                for c in conns:
                    c.execute("PRAGMA query_only = OFF")
        return refuse
    if backend == "postgres":
        import psycopg
        url = request.getfixturevalue("pg_url")

        def set_read_only(on: bool):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET default_transaction_read_only = off")
                db = conn.execute("SELECT current_database()").fetchone()[0]
                conn.execute(f'ALTER DATABASE "{db}" SET default_transaction_read_only = '
                             + ("on" if on else "off"))

        @contextmanager
        def refuse(store):
            set_read_only(True)
            store.close()
            try:
                yield
            finally:
                set_read_only(False)
                store.close()
        return refuse
    raise AssertionError(backend)
