"""The session store contract, for every back end: round trips of every field, merges,
re-ratings, transcripts, deletion, concurrent turns that never lose an update, owners,
expiry, statistics, bounded lock waits (StoreBusy, no_wait) and the health check."""
from __future__ import annotations

import threading
import time

import pytest

from chatrec.errors import NotFound, StoreBusy
from chatrec.sessions.state import TRANSCRIPT_KEEP, TurnEffects


def test_fresh_session_is_not_stored_until_a_turn(store):
    state = store.load("abc")
    assert not state.exists and state.turns == 0 and state.ratings == {}
    with pytest.raises(NotFound):
        store.get("abc")


def test_apply_round_trips_every_field(store):
    store.apply("abc", TurnEffects(
        user_id=42, set_user=True, ratings=[("7", 5.0), ("8", 2.0)], seen=["9"],
        shown=["1", "2"], last_query={"intent": "popular", "k": 5}, set_last_query=True,
        page=1, last_items=["1", "2"], pending={"query": {"intent": "similar"},
                                                "candidates": ["3"]},
        focus="7", set_focus=True, tastes={"Comedy": 2.0, "Horror": -1.0}))
    s = store.get("abc")
    assert (s.user_id, s.turns, s.page, s.focus) == (42, 1, 1, "7")
    assert s.tastes == {"Comedy": 2.0, "Horror": -1.0}
    assert s.ratings == {"7": 5.0, "8": 2.0} and s.shown == {"1", "2"} and s.seen == {"9"}
    assert s.last_query == {"intent": "popular", "k": 5} and s.last_items == ["1", "2"]
    assert s.pending == {"query": {"intent": "similar"}, "candidates": ["3"]}
    assert s.created <= s.updated


def test_pending_lasts_one_turn_and_focus_until_replaced(store):
    store.apply("a", TurnEffects(pending={"candidates": ["1"]}, focus="5", set_focus=True))
    store.apply("a", TurnEffects())
    s = store.get("a")
    assert s.pending is None and s.focus == "5"
    store.apply("a", TurnEffects(focus=None, set_focus=True))
    assert store.get("a").focus is None


def test_checklist_record_lasts_until_replaced(store):
    store.apply("a", TurnEffects(checklist={"items": ["3", "1"], "open": True}))
    store.apply("a", TurnEffects())
    assert store.get("a").checklist == {"items": ["3", "1"], "open": True}
    store.apply("a", TurnEffects(checklist={"items": ["3", "1"], "open": False}))
    assert store.get("a").checklist == {"items": ["3", "1"], "open": False}
    store.apply("b", TurnEffects())
    assert store.get("b").checklist is None


def test_tastes_stay_until_a_turn_replaces_them(store):
    store.apply("a", TurnEffects(tastes={"Comedy": 1.0}))
    store.apply("a", TurnEffects())               # a turn that heard no genre
    assert store.get("a").tastes == {"Comedy": 1.0}
    store.apply("a", TurnEffects(tastes={}))
    assert store.get("a").tastes == {}


def test_string_user_id_keeps_its_type_and_can_be_dropped(store):
    store.apply("a", TurnEffects(user_id="42", set_user=True))
    assert store.get("a").user_id == "42"
    store.apply("a", TurnEffects(user_id=None, set_user=True))
    assert store.get("a").user_id is None


def test_effects_merge_and_rerating_replaces(store):
    store.apply("a", TurnEffects(ratings=[("1", 5.0)], shown=["1"], seen=["4"]))
    store.apply("a", TurnEffects(ratings=[("2", 2.0)], shown=["1", "3"], seen=["4", "5"]))
    store.apply("a", TurnEffects(ratings=[("1", 1.0)]))
    s = store.get("a")
    assert s.turns == 3 and s.shown == {"1", "3"} and s.seen == {"4", "5"}
    assert s.ratings == {"2": 2.0, "1": 1.0}
    assert list(s.ratings) == ["2", "1"]  # rating order: the latest last


def test_retract_takes_back_a_rating_and_a_seen_mark_before_the_new_ones(store):
    store.apply("a", TurnEffects(ratings=[("1", 5.0), ("2", 4.0)], seen=["3", "4"]))
    store.apply("a", TurnEffects(retract=["1", "3"], ratings=[("5", 5.0)], seen=["6"]))
    store.apply("a", TurnEffects(retract=["6"], seen=["6"]))    # the same turn puts it back
    s = store.get("a")
    assert s.ratings == {"2": 4.0, "5": 5.0} and s.seen == {"4", "6"}


def test_page_only_update_keeps_last_query_and_items(store):
    store.apply("a", TurnEffects(last_query={"intent": "similar"}, set_last_query=True,
                                 page=1, last_items=["4"]))
    store.apply("a", TurnEffects(page=2))
    s = store.get("a")
    assert s.last_query == {"intent": "similar"} and s.page == 2 and s.last_items == ["4"]


def test_transcript_keeps_the_latest_turns_in_order(store):
    for n in range(TRANSCRIPT_KEEP + 5):
        store.apply("a", TurnEffects(transcript={"message": f"m{n}", "reply": f"r{n}",
                                                 "intent": "help", "items": []}))
    assert store.load("a").transcript == []           # only get() reads it
    turns = store.get("a", transcript=3).transcript
    assert [t["message"] for t in turns] == [f"m{TRANSCRIPT_KEEP + n}" for n in (2, 3, 4)]
    assert [t["n"] for t in turns] == [TRANSCRIPT_KEEP + 3, TRANSCRIPT_KEEP + 4,
                                       TRANSCRIPT_KEEP + 5]
    assert len(store.get("a", transcript=10_000).transcript) == TRANSCRIPT_KEEP


def test_delete_removes_everything(store):
    store.apply("a", TurnEffects(ratings=[("1", 4.0)], shown=["1"], seen=["2"],
                                 transcript={"message": "x", "reply": "y", "intent": "help",
                                             "items": []}))
    assert store.delete("a") is True
    assert store.delete("a") is False
    assert not store.load("a").exists and store.count() == 0
    store.apply("a", TurnEffects())
    s = store.get("a", transcript=5)
    assert s.ratings == {} and s.seen == set() and s.transcript == [] and s.turns == 1


def test_survives_reopen(make_store):
    make_store().apply("a", TurnEffects(ratings=[("9", 3.0)], seen=["8"]))
    s = make_store().get("a")
    assert s.ratings == {"9": 3.0} and s.seen == {"8"}


def test_concurrent_threads_lose_no_update(store):
    def work(t):
        for n in range(25):
            store.apply("shared", TurnEffects(shown=[f"{t}-{n}"], ratings=[(f"{t}-{n}", 4.0)],
                                              seen=[f"s{t}-{n}"]))
    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    s = store.get("shared")
    assert s.turns == 100 and len(s.shown) == 100 and len(s.ratings) == 100
    assert len(s.seen) == 100


# ---- owners --------------------------------------------------------------------------
def test_a_session_belongs_to_the_owner_that_created_it(store):
    store.apply("s", TurnEffects(ratings=[("1", 5.0)]), owner="key:a")
    assert store.load("s").owner == "key:a" and store.get("s").owner == "key:a"
    with pytest.raises(NotFound):  # another owner cannot add a turn...
        store.apply("s", TurnEffects(ratings=[("2", 1.0)]), owner="key:b")
    with pytest.raises(NotFound):  # ...nor can a caller without a key
        store.apply("s", TurnEffects())
    assert store.delete("s", owner="key:b") is False and store.delete("s") is False
    s = store.get("s")
    assert s.ratings == {"1": 5.0} and s.turns == 1  # nothing of theirs was written
    store.apply("s", TurnEffects(ratings=[("3", 4.0)]), owner="key:a")
    assert store.get("s").turns == 2
    assert store.delete("s", owner="key:a") is True and store.count() == 0


# ---- expiry and statistics -----------------------------------------------------------
def test_prune_deletes_only_idle_sessions_and_everything_they_hold(store):
    for n in range(450):  # more than one batch
        store.apply(f"old{n}", TurnEffects(ratings=[("1", 4.0)], seen=["2"], shown=["3"],
                                           transcript={"message": "m", "reply": "r",
                                                       "intent": "help", "items": []}))
    time.sleep(0.02)
    cut = time.time()  # the old ones are idle at least 0.01 s before this; fresh is not
    time.sleep(0.02)
    store.apply("fresh", TurnEffects(ratings=[("1", 4.0)]))
    assert store.stats(idle_seconds=3600).expired == 0
    assert store.prune(0.01, now=cut + 0.01) == 450
    assert store.count() == 1 and store.get("fresh").ratings == {"1": 4.0}
    stats = store.stats()
    assert (stats.sessions, stats.ratings, stats.transcript_turns) == (1, 1, 0)
    assert store.prune(0.01, now=cut + 0.01) == 0


def test_stats_count_what_is_stored(store):
    store.apply("a", TurnEffects(ratings=[("1", 4.0), ("2", 3.0)],
                                 transcript={"message": "m", "reply": "r", "intent": "rate",
                                             "items": []}))
    store.apply("b", TurnEffects())
    stats = store.stats(idle_seconds=0)
    assert (stats.sessions, stats.ratings, stats.transcript_turns) == (2, 2, 1)
    assert stats.expired == 2  # idle for more than 0 s: both
    assert stats.bytes > 0 and stats.oldest_update <= stats.newest_update
    assert set(stats.to_dict()) >= {"backend", "location", "sessions", "bytes"}


# ---- locks, health ---------------------------------------------------------------------
def test_a_lock_held_past_the_busy_timeout_is_store_busy(make_store, hold_write_lock):
    store = make_store(busy_timeout_ms=200)
    store.apply("a", TurnEffects())
    with hold_write_lock():
        t = time.monotonic()
        with pytest.raises(StoreBusy):
            store.apply("a", TurnEffects(ratings=[("1", 5.0)]))
        waited = time.monotonic() - t
        assert 0.15 < waited < 10  # waited its busy timeout (0.2 s), then gave up
        assert store.load("a").turns == 1  # reads go on while a writer holds the lock
    store.apply("a", TurnEffects(ratings=[("1", 5.0)]))  # and writes once it is gone
    assert store.get("a").ratings == {"1": 5.0}


def test_no_wait_fails_at_once_and_then_waits_again(make_store, hold_write_lock):
    store = make_store(busy_timeout_ms=10_000)
    store.apply("a", TurnEffects())
    with hold_write_lock():
        t = time.monotonic()
        with pytest.raises(StoreBusy), store.no_wait():
            store.apply("a", TurnEffects())
        assert time.monotonic() - t < 5  # not the 10 s busy timeout
        with store.no_wait():
            assert store.load("a").exists  # reads never wait anyway
    with store.no_wait():
        store.apply("a", TurnEffects())
    assert store.get("a").turns == 2


def test_check_is_ok_and_answers_at_once_under_a_held_lock(make_store, hold_write_lock):
    store = make_store(busy_timeout_ms=10_000)
    store.apply("a", TurnEffects())
    health = store.check()
    assert health.ok and health.detail == "ok" and health.backend
    with hold_write_lock():
        t = time.monotonic()
        assert store.check().ok
        assert time.monotonic() - t < 5  # never waits for the lock


def test_refused_writes_are_named_and_degrade_health_until_a_write_succeeds(
        store, refuse_writes, monkeypatch):
    """Finding (issue 18): a full disk came back as "cannot rollback - no transaction is
    active" while the health check said ok. A write refused for space or permission
    says so, nothing acknowledged is lost, and check() reports the store degraded
    until a write (a turn, or check()'s own probe) succeeds again."""
    from chatrec.errors import StoreUnavailable
    from chatrec.sessions import write_health

    store.apply("a", TurnEffects(ratings=[("7", 5.0)]))
    monkeypatch.setattr(write_health, "PROBE_EVERY", 3600.0)  # no probe: turns only
    with refuse_writes(store):
        with pytest.raises(StoreUnavailable, match="read-only") as failed:
            store.apply("a", TurnEffects(ratings=[("8", 1.0)]))
        assert "no transaction is active" not in str(failed.value)
        assert "nothing saved before is lost" in str(failed.value)
        health = store.check()
        assert (health.ok, health.degraded) == (False, True) and "read-only" in health.detail
        assert store.load("a").ratings == {"7": 5.0}            # reads go on
    assert store.check().degraded                               # until a write succeeds:
    store.apply("a", TurnEffects(ratings=[("8", 1.0)]))
    assert store.check().ok and store.get("a").ratings == {"7": 5.0, "8": 1.0}

    monkeypatch.setattr(write_health, "PROBE_EVERY", 0.0)     # the probe, every check
    with refuse_writes(store):
        with pytest.raises(StoreUnavailable):
            store.delete("a")
        assert store.check().degraded                           # the probe fails too
    assert store.check().ok                                     # the probe wrote: ok
    assert store.get("a").ratings == {"7": 5.0, "8": 1.0}
