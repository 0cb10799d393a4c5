"""What only the SQLite store does: WAL, sharing the file between processes, opt-in
fsync, migrating a database written by an older chatrec, watching the file (deleted,
replaced, read-only, not a database) and giving pruned space back."""
from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chatrec.errors import StoreUnavailable
from chatrec.sessions.sqlite import SQLiteSessionStore
from chatrec.sessions.state import TurnEffects


def test_wal_mode(tmp_path):
    path = tmp_path / "s.db"
    SQLiteSessionStore(path).apply("a", TurnEffects(ratings=[("9", 3.0)]))
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _proc_work(path, t):
    store = SQLiteSessionStore(path)
    for n in range(30):
        store.apply("shared", TurnEffects(shown=[f"{t}-{n}"]))


def test_concurrent_processes_share_the_db(tmp_path):
    path = tmp_path / "s.db"
    SQLiteSessionStore(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_proc_work, args=(path, t)) for t in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    s = SQLiteSessionStore(path).get("shared")
    assert s.turns == 90 and len(s.shown) == 90


def test_full_sync_for_ratings_is_opt_in(tmp_path, monkeypatch):
    assert SQLiteSessionStore(tmp_path / "a.db").fsync_ratings is False
    monkeypatch.setenv("CHATREC_SESSIONS_SYNC", "full")
    store = SQLiteSessionStore(tmp_path / "b.db")
    assert store.fsync_ratings is True
    store.apply("a", TurnEffects(ratings=[("1", 4.0)]))
    assert store._conn().execute("PRAGMA synchronous").fetchone()[0] == 1  # back to NORMAL
    assert SQLiteSessionStore(tmp_path / "b.db").get("a").ratings == {"1": 4.0}


def test_a_database_from_the_first_release_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT, turns INTEGER NOT NULL
            DEFAULT 0, last_query TEXT, page INTEGER NOT NULL DEFAULT 0,
            created REAL NOT NULL, updated REAL NOT NULL);
        CREATE TABLE ratings (session_id TEXT NOT NULL, item_id TEXT NOT NULL,
            rating REAL NOT NULL, at REAL NOT NULL, PRIMARY KEY (session_id, item_id));
        CREATE TABLE shown (session_id TEXT NOT NULL, item_id TEXT NOT NULL,
            PRIMARY KEY (session_id, item_id)) WITHOUT ROWID;
        INSERT INTO sessions VALUES ('old', '7', 3, '{"intent": "popular", "k": 5}', 1, 1, 2);
        INSERT INTO ratings VALUES ('old', '50', 5.0, 1);
    """)
    conn.commit()
    conn.close()
    store = SQLiteSessionStore(path)
    s = store.get("old")
    assert (s.user_id, s.turns, s.ratings, s.last_items, s.focus) == (7, 3, {"50": 5.0}, [],
                                                                      None)
    assert s.tastes == {}
    assert s.owner is None  # and the expiry index came with the new columns:
    assert "sessions_updated" in {r[1] for r in store._conn().execute(
        "PRAGMA index_list(sessions)")}
    store.apply("old", TurnEffects(seen=["1"], focus="1", set_focus=True,
                                   transcript={"message": "m", "reply": "r",
                                               "intent": "seen", "items": []}))
    s = store.get("old", transcript=5)
    assert s.seen == {"1"} and s.focus == "1" and s.transcript[0]["n"] == 4


# ---- the file: deleted, replaced, read-only, not a database ---------------------------
def test_a_database_deleted_while_running_is_refused_not_written_into(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    store.apply("a", TurnEffects(ratings=[("1", 5.0)]))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    health = store.check()
    assert not health.ok and "missing" in health.detail
    with pytest.raises(StoreUnavailable, match="deleted or replaced"):
        store.apply("a", TurnEffects(ratings=[("2", 5.0)]))  # would vanish at restart
    with pytest.raises(StoreUnavailable):
        store.delete("a")
    assert store.load("a").ratings == {"1": 5.0}  # reads still see what was there


def test_a_database_replaced_while_running_is_reported(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    store.apply("a", TurnEffects())
    SQLiteSessionStore(tmp_path / "other.db").apply("b", TurnEffects())
    os.replace(tmp_path / "other.db", path)
    assert "replaced" in store.check().detail and not store.check().ok
    with pytest.raises(StoreUnavailable, match="restart"):
        store.apply("a", TurnEffects())


def test_not_a_database_is_one_clear_error(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable, match="cannot be used"):
        SQLiteSessionStore(path)


def test_a_read_only_database_is_refused_at_open_and_reported(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real_access(p, mode))
    assert "read-only" in store.check().detail
    with pytest.raises(StoreUnavailable, match="read-only"):
        SQLiteSessionStore(path)


def test_a_folder_that_cannot_be_created_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot create"):
        SQLiteSessionStore(tmp_path / "file" / "home" / "s.db")


def test_health_checks_never_drop_sqlites_locks(tmp_path):
    """Closing any descriptor of a file drops all of the process's POSIX locks on it:
    a health check that opened the file to read its header let another process's
    close delete the live -wal file, and later commits went to a deleted inode."""
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    store.apply("a", TurnEffects())
    for _ in range(3):
        assert store.check().ok
    subprocess.run([sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect("
                    "sys.argv[1]); c.execute('SELECT COUNT(*) FROM sessions').fetchall(); "
                    "c.close()", str(path)], check=True)
    assert Path(f"{path}-wal").exists()  # still ours: the other close did not take it
    store.apply("a", TurnEffects(ratings=[("1", 4.0)]))
    assert SQLiteSessionStore(path).get("a").ratings == {"1": 4.0}


# ---- schema and space -------------------------------------------------------------------
def test_new_databases_give_pruned_space_back(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    turn = {"message": "x" * 500, "reply": "y" * 500, "intent": "help", "items": []}
    for n in range(300):
        store.apply(f"s{n}", TurnEffects(ratings=[(str(i), 4.0) for i in range(20)],
                                         transcript=turn))
    store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = store.stats().bytes
    assert store.prune(0, now=time.time() + 1) == 300
    store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = store.stats().bytes
    assert after < before / 4, (before, after)


# ---- a full disk (issue 18) ------------------------------------------------------------
def _fill(store, prefix: str) -> list[str]:
    """Turns until the store refuses one; the ids of the sessions acknowledged."""
    acked = []
    for n in range(10_000):
        try:
            store.apply(f"{prefix}{n}", TurnEffects(ratings=[("1", 4.0)],
                                                   transcript={"message": "x" * 3000}))
        except StoreUnavailable as e:
            return acked, str(e)
        acked.append(f"{prefix}{n}")
    raise AssertionError("the store never filled up")


def test_a_full_database_is_named_and_loses_nothing(tmp_path, monkeypatch):
    """SQLite's own size cap (max_page_count) fails writes exactly as a full disk does
    (SQLITE_FULL), without needing a small file system."""
    from chatrec.sessions import write_health
    monkeypatch.setattr(write_health, "PROBE_EVERY", 3600.0)  # turns only, at first
    store = SQLiteSessionStore(tmp_path / "s.db")
    store.apply("first", TurnEffects())
    conns = [store._conn()]
    with store.no_wait():
        conns.append(store._conn())
    pages = conns[0].execute("PRAGMA page_count").fetchone()[0]
    for c in conns:
        c.execute(f"PRAGMA max_page_count = {pages + 20}")
    acked, error = _fill(store, "s")
    assert acked and "disk holding the sessions database" in error and "is full" in error
    assert "rollback" not in error
    health = store.check()
    assert health.degraded and "is full" in health.detail
    assert all(store.load(sid).ratings == {"1": 4.0} for sid in acked)  # none lost
    for c in conns:
        c.execute("PRAGMA max_page_count = 1073741823")  # space is back
    assert store.check().degraded                        # no write has said so yet
    monkeypatch.setattr(write_health, "PROBE_EVERY", 0.0)
    assert store.check().ok                              # the probe wrote
    store.apply("after", TurnEffects(ratings=[("2", 5.0)]))
    assert store.get("after").ratings == {"2": 5.0}


def test_a_really_full_file_system(tmp_path, monkeypatch):
    """The finding as it happened: a 2 MB tmpfs home. Needs root to mount one (the CI
    and this machine run as root); elsewhere the max_page_count test above covers it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; test_a_full_database_is_named covers "
                    "the same path")
    from chatrec.sessions import write_health
    monkeypatch.setattr(write_health, "PROBE_EVERY", 0.0)
    mnt = tmp_path / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
    try:
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * 1_200_000)   # someone else's file takes most of it
        store = SQLiteSessionStore(mnt / "s.db")
        acked, error = _fill(store, "s")
        assert acked and "is full" in error and "rollback" not in error
        assert store.check().degraded
        filler.unlink()                        # space comes back
        assert store.check().ok
        store.apply("after", TurnEffects(ratings=[("2", 5.0)]))
        assert all(store.load(sid).ratings == {"1": 4.0} for sid in acked)
        store.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
