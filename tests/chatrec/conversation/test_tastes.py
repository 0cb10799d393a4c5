"""Cold start (issue 17, item 10): the genres heard so far, kept in the session, and
the first lists of a session with no rating, on the tiny known catalog."""
from __future__ import annotations

import numpy as np
import pytest

from chatrec.conversation.dispatch import Context, Dispatcher
from chatrec.conversation.replies import join_words
from chatrec.conversation.tastes import (
    AVOID,
    LEAN,
    QUALITY,
    Starters,
    heard,
    lean_reason,
    lean_text,
)
from chatrec.sessions.state import SessionState
from intents.query import Intent, Query
from tests.chatrec.fakes import tiny_bundle


@pytest.fixture(scope="module")
def d():
    return Dispatcher(tiny_bundle())


def test_heard_counts_wishes_and_exclusions_as_net_mentions():
    t = heard({}, Query(Intent.RECOMMEND, genres=("Comedy", "Crime")))
    assert t == {"Comedy": 1.0, "Crime": 1.0}
    t = heard(t, Query(Intent.REFINE, genres=("Comedy",), exclude_genres=("Horror",)))
    assert t == {"Comedy": 2.0, "Crime": 1.0, "Horror": -1.0}
    # "no horror" then "ok, horror": back to neutral, and neutral genres are dropped
    assert heard(t, Query(Intent.RECOMMEND, genres=("Horror",))) == {"Comedy": 2.0,
                                                                      "Crime": 1.0}
    assert heard(t, Query(Intent.GREET)) is None            # nothing new: no write


def test_heard_is_capped_so_one_repeated_word_cannot_take_over():
    t = {}
    for _ in range(20):
        t = heard(t, Query(Intent.RECOMMEND, genres=("Comedy",)))
    assert t == {"Comedy": 5.0}


def test_starters_with_nothing_heard_rank_by_log_count_and_average():
    b = tiny_bundle()
    counts, means = b.ratings.item_counts(), b.ratings.item_means()
    s = Starters(b.catalog, counts, means, b.ratings.scale)
    expect = np.log1p(counts) + QUALITY * means            # tiny data is on 1-5 already
    np.testing.assert_allclose(s.scores({})[counts > 0], expect[counts > 0])
    assert np.all(np.isneginf(s.scores({})[counts == 0]))


def test_starters_lean_to_the_genres_heard_and_away_from_those_ruled_out():
    b = tiny_bundle()
    counts, means = b.ratings.item_counts(), b.ratings.item_means()
    s = Starters(b.catalog, counts, means, b.ratings.scale)
    base = s.scores({})
    comedy = b.catalog.genre_mask("Comedy")
    horror = b.catalog.genre_mask("Horror")
    leaned = s.scores({"Comedy": 3.0, "Horror": -1.0})
    np.testing.assert_allclose(leaned - base, LEAN * comedy - AVOID * horror)
    # two genres share the lean by how often each was heard
    both = s.scores({"Comedy": 3.0, "Crime": 1.0}) - base
    np.testing.assert_allclose(both, LEAN * (0.75 * comedy + 0.25 * b.catalog.genre_mask("Crime")))


def test_lean_words():
    assert lean_text({}, join_words) == ""
    assert lean_text({"Comedy": 2.0}, join_words) == ", leaning to Comedy (you mentioned it)"
    assert lean_text({"Comedy": 1.0, "Crime": 2.0, "Horror": -1.0}, join_words) == (
        ", leaning to Crime and Comedy (you mentioned them), keeping away from Horror")
    assert lean_reason(["Comedy", "Crime"], {"Crime": 1.0}) == "Crime, which you mentioned"
    assert lean_reason(["Drama"], {"Crime": 1.0}) is None


def test_a_genre_heard_earlier_leans_the_first_what_should_i_watch(d):
    plain = d.handle(Query(Intent.RECOMMEND, k=10), SessionState("a"), Context())
    first = d.handle(Query(Intent.RECOMMEND, genres=("Horror",), k=3), SessionState("b"),
                     Context())
    assert first.effects.tastes == {"Horror": 1.0}          # stored with the turn
    ctx = Context(tastes=first.effects.tastes)
    leaned = d.handle(Query(Intent.RECOMMEND, k=10), SessionState("b"), ctx)
    horror = [it["title"] for it in leaned.items if "Horror" in it["genres"]]
    assert [it["title"] for it in leaned.items][:len(horror)] == horror   # they lead
    assert [it["title"] for it in plain.items][:len(horror)] != horror
    assert "leaning to Horror (you mentioned it)" in leaned.text
    assert leaned.effects.tastes is None                    # nothing new heard
    assert leaned.effects.last_query["tastes"] == {"Horror": 1.0}   # `more` pages the same
    for it in leaned.items:
        assert ("Horror, which you mentioned" in it["reason"]) == ("Horror" in it["genres"])


def test_why_a_leaned_starter_says_so(d):
    ctx = Context(tastes={"Horror": 2.0})
    shown = d.handle(Query(Intent.RECOMMEND, k=3), SessionState("c"), ctx)
    state = SessionState("c", last_query=shown.effects.last_query,
                         last_items=shown.effects.last_items)
    why = d.handle(Query(Intent.WHY, ref=1), state, ctx)
    assert "Horror, which you mentioned" in why.text
    assert "no ratings from you yet" in why.text


def test_tastes_survive_in_the_store(tmp_path):
    from tests.chatrec.fakes import tiny_service
    svc = tiny_service(tmp_path / "s.sqlite3")
    sid = svc.turn("recommend 3 horror", "t")["session_id"]
    assert svc.sessions.load(sid).tastes == {"Horror": 1.0}
    body = svc.turn("recommend", sid)
    assert "leaning to Horror" in body["reply"]
