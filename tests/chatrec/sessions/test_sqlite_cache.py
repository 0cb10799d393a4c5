"""A session loaded from the connection's cache is the session as stored: after any
mix of turns, from this connection, another one, or another owner."""
from __future__ import annotations

import random

import pytest

from chatrec.errors import NotFound
from chatrec.sessions.columns import state_from_row
from chatrec.sessions.sqlite import SQLiteSessionStore
from chatrec.sessions.state import SessionState, TurnEffects


def _stored(store, sid: str) -> SessionState:
    """The session read from the tables, past any cache."""
    entry = store._load(store._conn(), sid)
    return SessionState(id=sid) if entry is None else state_from_row(sid, *entry)


def _effects(rng: random.Random) -> TurnEffects:
    items = [str(i) for i in range(12)]
    fx = TurnEffects(pending=rng.choice([None, {"then": {"intent": "popular"}}]),
                     transcript={"message": "m", "reply": "r", "intent": "x", "items": []})
    kind = rng.random()
    if kind < 0.2:
        fx.ratings = [(rng.choice(items), float(rng.randint(1, 5)))
                      for _ in range(rng.randint(1, 3))]
    elif kind < 0.3:
        fx.retract = [rng.choice(items)]
    if rng.random() < 0.3:
        fx.seen = rng.sample(items, 2)
    if rng.random() < 0.6:
        fx.shown = rng.sample(items, 4)
        fx.last_items = fx.shown
        fx.last_query, fx.set_last_query, fx.page = {"intent": "similar", "k": 4}, True, 1
    if rng.random() < 0.2:
        fx.user_id, fx.set_user = rng.choice([None, 7, "u8"]), True
    if rng.random() < 0.2:
        fx.focus, fx.set_focus = rng.choice([None, "3"]), True
    if rng.random() < 0.2:
        fx.tastes = {"Comedy": 1.0}
    if rng.random() < 0.1:
        fx.checklist = {"items": ["1"], "open": True}
    return fx


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cached_loads_equal_the_tables_through_any_mix_of_turns(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "s.db"
    store, other = SQLiteSessionStore(path), SQLiteSessionStore(path)
    sids = ["a", "b", "c"]
    for step in range(300):
        sid = rng.choice(sids)
        writer = other if rng.random() < 0.15 else store    # another connection
        action = rng.random()
        if action < 0.03:
            writer.delete(sid)
        elif action < 0.06:
            if not store.load(sid).exists:
                store.apply(sid, TurnEffects())
            with pytest.raises(NotFound):       # another owner's turn: nothing written
                store.apply(sid, _effects(rng), owner="someone else")
        else:
            writer.load(sid)                    # as a turn does: load, then write
            writer.apply(sid, _effects(rng))
        for s in sids:
            assert store.load(s) == _stored(store, s), (step, s)
            assert other.load(s) == _stored(other, s), (step, s)


def test_prune_and_delete_are_seen_by_the_connection_that_made_them(tmp_path):
    store = SQLiteSessionStore(tmp_path / "s.db")
    store.apply("a", TurnEffects(shown=["1"]))
    store.apply("b", TurnEffects(shown=["2"]))
    assert store.load("a").exists and store.load("b").exists     # both cached
    assert store.delete("a")
    assert not store.load("a").exists
    assert store.prune(0, now=store.load("b").updated + 1) == 1
    assert not store.load("b").exists
