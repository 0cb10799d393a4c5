"""Dispatch on the tiny known catalog: routes, filters, reasons, and reply text."""
from __future__ import annotations

import re

import numpy as np
import pytest

from chatrec.dispatch import Context, Dispatcher
from chatrec.sessions import SessionState
from intents.query import Candidate, Intent, Query
from tests.chatrec.fakes import tiny_bundle


@pytest.fixture(scope="module")
def d():
    return Dispatcher(tiny_bundle())


def run(d, query, ctx=None, state=None):
    return d.handle(query, state or SessionState("s"), ctx or Context())


def titles(reply):
    return [it["title"] for it in reply.items]


def test_similar_brings_the_sequels_first_with_reasons(d):
    r = run(d, Query(Intent.SIMILAR, title="Star Wars", item_id=1, k=2))
    assert titles(r) == ["Empire Strikes Back, The", "Return of the Jedi"]
    assert r.text == "Films like Star Wars (1977):"
    for it in r.items:
        assert it["reason"].startswith("same series; same cast; shares Action, Sci-Fi")
    assert r.effects.last_query == {"intent": "similar", "item_id": 1, "genre": None, "k": 2}
    assert r.effects.shown == ["2", "3"]


def test_similar_honours_the_genre_filter(d):
    r = run(d, Query(Intent.SIMILAR, genre="Horror", title="Star Wars", item_id=1, k=5))
    assert r.items and all("Horror" in it["genres"] for it in r.items)
    assert r.text.startswith("Horror films like Star Wars")


def test_item_fields_are_plain_json_values(d):
    it = run(d, Query(Intent.POPULAR, k=1)).items[0]
    assert set(it) == {"item_id", "title", "year", "genres", "score", "reason"}
    assert type(it["item_id"]) is int and type(it["year"]) is int
    assert type(it["score"]) is float and isinstance(it["genres"], list)


def test_popular_ranks_by_the_model_and_explains_mean_and_count(d):
    r = run(d, Query(Intent.POPULAR, k=10))
    pop = d.bundle.models["popularity"]
    assert [it["score"] for it in r.items] == [round(float(s), 4) for s in
                                               np.sort(pop.scores)[::-1]]
    rat = d.bundle.ratings
    for it in r.items:
        i = d.catalog.index_of(it["item_id"])
        n = int(rat.item_counts()[i])
        assert it["reason"] == f"{rat.item_means()[i]:.2f} average from {n} ratings"


def test_popular_genre_filter(d):
    r = run(d, Query(Intent.POPULAR, genre="Horror", k=10))
    assert sorted(titles(r)) == ["Alien", "Aliens", "Scream"]
    assert r.text == "Top-rated Horror films:"


def test_recommend_without_user_is_popular_with_a_hint(d):
    r = run(d, Query(Intent.RECOMMEND, k=3))
    assert len(r.items) == 3 and "average from" in r.items[0]["reason"]
    assert "I loved" in r.text and "user id" in r.text


def test_recommend_for_unknown_user_says_so(d):
    r = run(d, Query(Intent.RECOMMEND, k=3), Context(user_label=999, unknown_user=True))
    assert r.text.startswith("User 999 is not in the ratings.")


def test_recommend_for_dataset_user_excludes_rated_and_says_why(d):
    u = 0  # rated Star Wars 5, Empire 5, Alien 4, Titanic 1
    r = run(d, Query(Intent.RECOMMEND, k=6), Context(user_index=u, user_label=1))
    rated = set(d.ratings.user_items(u)[0].tolist())
    shown = [d.catalog.index_of(it["item_id"]) for it in r.items]
    assert shown and not rated & set(shown)
    assert r.items[0]["title"] == "Return of the Jedi"
    assert r.items[0]["reason"] in ("because you liked Star Wars (1977)",
                                    "because you liked The Empire Strikes Back (1980)")
    assert r.text == "Picks for user 1:"


def test_session_profile_is_folded_in(d):
    ctx = Context(profile={d.catalog.index_of(10): 5.0})  # loved Scream
    r = run(d, Query(Intent.RECOMMEND, k=2), ctx)
    assert "Horror" in r.items[0]["genres"]
    assert r.items[0]["reason"] == "because you liked Scream (1996)"
    assert "Scream" not in titles(r)


def test_did_you_mean_when_title_is_uncertain(d):
    q = Query(Intent.SIMILAR, candidates=(Candidate("Alien", 4, 70.0),
                                          Candidate("Aliens", 5, 69.0),
                                          Candidate("Scream", 10, 50.0)))
    r = run(d, q)
    assert r.text.endswith("Did you mean: Alien (1979), Aliens (1986) or Scream (1996)?")
    assert r.items == []


def test_clamped_k_is_reported(d):
    r = run(d, Query(Intent.POPULAR, k=50, k_requested=500))
    assert r.text.startswith("You asked for 500; I show 1 to 50 at a time.")
    assert len(r.items) == 10  # the whole tiny catalog


@pytest.mark.parametrize("intent", [Intent.HELP, Intent.GREET, Intent.UNKNOWN, Intent.MORE])
def test_short_answers_are_never_empty(d, intent):
    r = run(d, Query(intent))
    assert r.items == [] and len(r.text) > 20 and "movies like" in r.text


def test_rate_records_and_acknowledges(d):
    r = run(d, Query(Intent.RATE, title="Fargo", item_id=6, rating=5.0))
    assert r.effects.rating == ("6", 5.0)
    assert r.text.startswith("Noted: you rated Fargo (1996) 5/5.")
    r = run(d, Query(Intent.RATE, title="Fargo", item_id=6, rating=9.0))
    assert r.effects.rating == ("6", 5.0)  # clamped to the rating scale


def test_rate_without_a_title_asks_which(d):
    r = run(d, Query(Intent.RATE, rating=5.0))
    assert r.effects.rating is None and r.text.startswith("Which film?")


def test_more_continues_the_last_list_without_repeats(d):
    first = run(d, Query(Intent.POPULAR, k=4))
    state = SessionState("s", last_query=first.effects.last_query, page=1)
    ctx = Context(shown={d.catalog.index_of(i) for i in first.effects.shown})
    more = run(d, Query(Intent.MORE), ctx, state)
    assert len(more.items) == 4 and not set(titles(first)) & set(titles(more))
    assert more.text.startswith("More top-rated films") and more.effects.page == 2


def test_help_lists_catalog_genres(d):
    text = run(d, Query(Intent.HELP)).text
    assert "Genres I know: Action, Animation" in text
    assert re.search(r"'movies like [^']+'", text)
