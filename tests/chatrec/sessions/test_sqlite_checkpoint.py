"""WAL checkpoints run in a background thread, never inside a turn's COMMIT."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from chatrec.sessions.sqlite import SQLiteSessionStore
from chatrec.sessions.sqlite_checkpoint import EVERY, SAFETY_PAGES
from chatrec.sessions.state import TurnEffects

TURN = {"message": "x" * 200, "reply": "y" * 200, "intent": "help", "items": []}


def _turns(store, n: int) -> None:
    for i in range(n):
        store.apply(f"s{i}", TurnEffects(ratings=[("1", 4.0)], transcript=TURN))


def test_every_so_many_commits_a_background_checkpoint_fills_the_database(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    # a turn's own connection would checkpoint only far past what EVERY turns write
    assert store._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == SAFETY_PAGES
    before = path.stat().st_size
    _turns(store, EVERY - 1)
    store._checkpoints.wait()
    assert path.stat().st_size == before        # all still in the WAL
    _turns(store, 1)
    store._checkpoints.wait()
    assert path.stat().st_size > before         # copied into the database file
    assert SQLiteSessionStore(path).get("s0").ratings == {"1": 4.0}
    store.close()


def test_a_checkpoint_never_recreates_a_deleted_database(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    _turns(store, 3)
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store._checkpoints.checkpoint()
    assert not path.exists()


def test_a_busy_database_skips_the_checkpoint_without_error(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path)
    _turns(store, 2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")      # holds every lock a checkpoint could need
    store._checkpoints.checkpoint()             # returns; nothing raised into a turn
    other.execute("ROLLBACK")
    other.close()
    _turns(store, 1)
    assert store.get("s0").turns == 2


def test_the_background_thread_ends_when_idle_and_comes_back(tmp_path, monkeypatch):
    import chatrec.sessions.sqlite_checkpoint as module
    monkeypatch.setattr(module, "IDLE", 0.05)
    store = SQLiteSessionStore(tmp_path / "s.db")
    _turns(store, EVERY)
    store._checkpoints.wait()
    for _ in range(200):                  # ends within its idle time
        if not store._checkpoints._alive:
            break
        time.sleep(0.01)
    assert not store._checkpoints._alive
    _turns(store, EVERY)                  # the next wake-up starts it again
    assert store._checkpoints._alive
    store._checkpoints.wait()
    store.close()


def test_a_forked_child_never_uses_the_parents_thread_or_connection(tmp_path):
    store = SQLiteSessionStore(tmp_path / "s.db")
    cp = store._checkpoints
    inherited = object()
    cp._pid, cp._alive, cp._conn = -1, True, inherited   # as a child sees it after fork
    _turns(store, 1)
    assert cp._conn is None and not cp._alive           # its own state, from scratch
    _turns(store, EVERY)
    cp.wait()
    assert cp._conn is not inherited and store.get("s0").turns == 2
