"""What only the SQLite store does: WAL, sharing the file between processes, opt-in
fsync, and migrating a database written by an older chatrec."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3

from chatrec.sessions import TurnEffects
from chatrec.stores.sqlite import SQLiteSessionStore


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
    store.apply("old", TurnEffects(seen=["1"], focus="1", set_focus=True,
                                   transcript={"message": "m", "reply": "r",
                                               "intent": "seen", "items": []}))
    s = store.get("old", transcript=5)
    assert s.seen == {"1"} and s.focus == "1" and s.transcript[0]["n"] == 4
