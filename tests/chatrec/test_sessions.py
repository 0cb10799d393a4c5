"""Durable sessions: round trips, merges, concurrency, ids, durability settings."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading

import pytest

from chatrec.errors import NotFound, UsageError
from chatrec.sessions import (
    SessionStore, TurnEffects, new_session_id, validate_session_id,
)


@pytest.fixture
def store(tmp_path):
    return SessionStore(tmp_path / "s.db")


def test_fresh_session_is_not_stored_until_a_turn(store):
    state = store.load("abc")
    assert not state.exists and state.turns == 0 and state.ratings == {}
    with pytest.raises(NotFound):
        store.get("abc")


def test_apply_round_trips_every_field(store):
    store.apply("abc", TurnEffects(user_id=42, set_user=True, rating=("7", 5.0),
                                   shown=["1", "2"], last_query={"intent": "popular", "k": 5},
                                   set_last_query=True, page=1))
    s = store.get("abc")
    assert (s.user_id, s.turns, s.page) == (42, 1, 1)
    assert s.ratings == {"7": 5.0} and s.shown == {"1", "2"}
    assert s.last_query == {"intent": "popular", "k": 5}
    assert s.created <= s.updated


def test_string_user_id_keeps_its_type(store):
    store.apply("a", TurnEffects(user_id="42", set_user=True))
    assert store.get("a").user_id == "42"


def test_effects_merge_and_rerating_replaces(store):
    store.apply("a", TurnEffects(rating=("1", 5.0), shown=["1"]))
    store.apply("a", TurnEffects(rating=("2", 2.0), shown=["1", "3"]))
    store.apply("a", TurnEffects(rating=("1", 1.0)))
    s = store.get("a")
    assert s.turns == 3 and s.shown == {"1", "3"}
    assert s.ratings == {"2": 2.0, "1": 1.0}
    assert list(s.ratings) == ["2", "1"]  # rating order: the latest last


def test_page_only_update_keeps_last_query(store):
    store.apply("a", TurnEffects(last_query={"intent": "similar"}, set_last_query=True, page=1))
    store.apply("a", TurnEffects(page=2))
    s = store.get("a")
    assert s.last_query == {"intent": "similar"} and s.page == 2


def test_delete(store):
    store.apply("a", TurnEffects(rating=("1", 4.0), shown=["1"]))
    assert store.delete("a") is True
    assert store.delete("a") is False
    assert not store.load("a").exists
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM shown").fetchone()[0] == 0


def test_wal_mode_and_survives_reopen(tmp_path):
    path = tmp_path / "s.db"
    SessionStore(path).apply("a", TurnEffects(rating=("9", 3.0)))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert SessionStore(path).get("a").ratings == {"9": 3.0}


@pytest.mark.parametrize("good", ["a", "A-b_9", "x" * 64, new_session_id()])
def test_valid_session_ids(good):
    assert validate_session_id(good) == good


@pytest.mark.parametrize("bad", ["", "x" * 65, "a b", "a/b", "é", "a\n", None, 5])
def test_invalid_session_ids(bad):
    with pytest.raises(UsageError):
        validate_session_id(bad)


def test_generated_ids_are_unique_and_valid():
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(validate_session_id(i) for i in ids)


def test_concurrent_threads_lose_no_update(store):
    def work(t):
        for n in range(25):
            store.apply("shared", TurnEffects(shown=[f"{t}-{n}"], rating=(f"{t}-{n}", 4.0)))
    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    s = store.get("shared")
    assert s.turns == 100 and len(s.shown) == 100 and len(s.ratings) == 100


def _proc_work(path, t):
    store = SessionStore(path)
    for n in range(30):
        store.apply("shared", TurnEffects(shown=[f"{t}-{n}"]))


def test_concurrent_processes_share_the_db(tmp_path):
    path = tmp_path / "s.db"
    SessionStore(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_proc_work, args=(path, t)) for t in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    s = SessionStore(path).get("shared")
    assert s.turns == 90 and len(s.shown) == 90


def test_full_sync_for_ratings_is_opt_in(tmp_path, monkeypatch):
    assert SessionStore(tmp_path / "a.db").fsync_ratings is False
    monkeypatch.setenv("CHATREC_SESSIONS_SYNC", "full")
    store = SessionStore(tmp_path / "b.db")
    assert store.fsync_ratings is True
    store.apply("a", TurnEffects(rating=("1", 4.0)))
    assert store._conn().execute("PRAGMA synchronous").fetchone()[0] == 1  # back to NORMAL
    assert SessionStore(tmp_path / "b.db").get("a").ratings == {"1": 4.0}
