"""What only the PostgreSQL store does: choosing it by URL, sharing one database
between processes, migrating an older schema, and one-line errors for bad URLs."""
from __future__ import annotations

import multiprocessing as mp

import pytest

from chatrec.errors import StoreUnavailable, UsageError, exit_code
from chatrec.sessions.factory import open_store
from chatrec.sessions.postgres import PostgresSessionStore, redact
from chatrec.sessions.state import TurnEffects


def test_open_store_chooses_postgres_by_url_and_env(pg_url, monkeypatch, tmp_path):
    assert isinstance(open_store(pg_url), PostgresSessionStore)
    monkeypatch.setenv("CHATREC_SESSIONS_URL", pg_url)
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path))
    store = open_store()
    assert isinstance(store, PostgresSessionStore)
    store.close()
    monkeypatch.setenv("CHATREC_SESSIONS_URL", "mysql://x@y/z")
    with pytest.raises(UsageError, match="CHATREC_SESSIONS_URL: unsupported"):
        open_store()


def _proc_work(url, t):
    store = PostgresSessionStore(url)
    for n in range(30):
        store.apply("shared", TurnEffects(shown=[f"{t}-{n}"], ratings=[(f"{t}-{n}", 3.0)]))
    store.close()


def test_concurrent_processes_share_the_database(pg_url):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_proc_work, args=(pg_url, t)) for t in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    s = PostgresSessionStore(pg_url).get("shared")
    assert s.turns == 90 and len(s.shown) == 90 and len(s.ratings) == 90


def test_a_pool_opened_before_a_fork_is_not_reused_by_the_child(pg_url):
    store = PostgresSessionStore(pg_url)
    store.apply("a", TurnEffects())
    ctx = mp.get_context("fork")
    p = ctx.Process(target=store.apply, args=("a", TurnEffects(seen=["1"])))
    p.start()
    p.join(60)
    assert p.exitcode == 0 and store.get("a").turns == 2 and store.get("a").seen == {"1"}


def test_an_older_schema_is_migrated(pg_url):
    import psycopg  # here, not at the top: a machine without the postgres extra still collects

    with psycopg.connect(pg_url) as conn:
        conn.execute("""
            CREATE SEQUENCE rating_order;
            CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT, turns INTEGER NOT
                NULL DEFAULT 0, last_query TEXT, page INTEGER NOT NULL DEFAULT 0,
                created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL);
            INSERT INTO sessions VALUES ('old', '7', 3, NULL, 0, 1, 2);
        """)
    store = PostgresSessionStore(pg_url)
    s = store.get("old")
    assert (s.user_id, s.turns, s.last_items, s.focus) == (7, 3, [], None)
    store.apply("old", TurnEffects(focus="1", set_focus=True, ratings=[("5", 4.0)]))
    s = store.get("old")
    assert s.focus == "1" and s.turns == 4 and s.ratings == {"5": 4.0}


@pytest.mark.parametrize("make_url, words", [
    (lambda c: f"postgresql://postgres@127.0.0.1:{c.port}/no_such_db", "no_such_db"),
    (lambda c: f"postgresql://nobody:secret@127.0.0.1:{c.port}/postgres", "nobody"),
    (lambda c: "postgresql://postgres@127.0.0.1:1/postgres", "127.0.0.1"),
])
def test_bad_urls_fail_in_one_line_without_the_password(pg_cluster, make_url, words):
    with pytest.raises(StoreUnavailable) as err:
        PostgresSessionStore(make_url(pg_cluster), connect_timeout=2)
    msg = str(err.value)
    assert msg.startswith("CHATREC_SESSIONS_URL: cannot use PostgreSQL at ")
    assert "\n" not in msg and "secret" not in msg and words in msg
    assert exit_code(err.value) == 3


def test_a_failed_turn_writes_nothing_and_the_store_goes_on(pg_url):
    store = PostgresSessionStore(pg_url, max_connections=1)
    with pytest.raises(StoreUnavailable, match="cannot use PostgreSQL"):
        store.apply("a", TurnEffects(seen=["1"], ratings=[("bad\x00id", 4.0)]))
    assert not store.load("a").exists                     # the whole turn rolled back
    store.apply("a", TurnEffects(seen=["1"]))             # the same pooled connection
    assert store.get("a").seen == {"1"} and store.get("a").turns == 1


def test_waiting_for_the_wal_flush_is_opt_in(pg_url, monkeypatch):
    assert PostgresSessionStore(pg_url).fsync_ratings is False
    monkeypatch.setenv("CHATREC_SESSIONS_SYNC", "full")
    store = PostgresSessionStore(pg_url)
    assert store.fsync_ratings is True
    store.apply("a", TurnEffects(ratings=[("1", 4.0)]))
    assert PostgresSessionStore(pg_url).get("a").ratings == {"1": 4.0}


def test_redact_hides_only_the_password():
    assert redact("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
