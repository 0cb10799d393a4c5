"""Dispatch on the tiny known catalog: routes, filters, reasons, and reply text."""
from __future__ import annotations

import re

import numpy as np
import pytest

from chatrec.conversation.dispatch import Context, Dispatcher
from chatrec.sessions.state import SessionState
from intents.query import Candidate, Intent, Query
from tests.chatrec.fakes import tiny_bundle


@pytest.fixture(scope="module")
def d():
    # the routes themselves; the checklist that opens a newcomer's first open request
    # is tested in test_checklist.py
    return Dispatcher(tiny_bundle(), checklist=False)


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
    assert r.effects.last_query == {"intent": "similar", "k": 2, "rank_by": None,
                                    "item_ids": [1], "filter": {"genres": [], "exclude": [],
                                                                "year_from": None,
                                                                "year_to": None}}
    assert r.effects.shown == ["2", "3"] and r.effects.last_items == ["2", "3"]


def test_similar_honours_the_genre_filter(d):
    r = run(d, Query(Intent.SIMILAR, genre="Horror", title="Star Wars", item_id=1, k=5))
    assert r.items and all("Horror" in it["genres"] for it in r.items)
    assert r.text.startswith("Horror films like Star Wars")


def test_item_fields_are_plain_json_values(d):
    it = run(d, Query(Intent.POPULAR, k=1)).items[0]
    assert set(it) == {"item_id", "title", "year", "genres", "score", "reason"}
    assert type(it["item_id"]) is int and type(it["year"]) is int
    assert type(it["score"]) is float and isinstance(it["genres"], list)


def test_top_rated_ranks_by_the_weighted_average_it_shows(d):
    r = run(d, Query(Intent.POPULAR, k=10, rank_by="rating"))
    rat = d.bundle.ratings
    counts, means = rat.item_counts(), rat.item_means()
    m = float(np.median(counts[counts > 0]))          # the IMDb-style prior
    mu = float(rat.values.mean())
    shown = []
    for it in r.items:
        i = d.catalog.index_of(it["item_id"])
        weighted = (counts[i] * means[i] + m * mu) / (counts[i] + m)
        assert it["reason"] == (f"{weighted:.2f} weighted average ({means[i]:.2f} from "
                                f"{counts[i]} ratings)")
        shown.append(weighted)
    assert shown == sorted(shown, reverse=True)       # the order agrees with the numbers


def test_most_watched_ranks_by_count(d):
    r = run(d, Query(Intent.POPULAR, k=10, rank_by="count"))
    counts = [int(re.search(r"from (\d+) ratings", it["reason"]).group(1)) for it in r.items]
    assert counts == sorted(counts, reverse=True) and r.text.startswith("Most-watched")


def test_popular_genre_filter(d):
    r = run(d, Query(Intent.POPULAR, genre="Horror", k=10))
    assert sorted(titles(r)) == ["Alien", "Aliens", "Scream"]
    assert r.text.startswith("Top-rated Horror films, by weighted average")
    assert r.text.endswith("(only 3 qualify)")       # fewer than asked: said, not padded


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
    q = Query(Intent.SIMILAR, candidates=(Candidate("Alien", 4, 80.0),
                                          Candidate("Aliens", 5, 76.0),
                                          Candidate("Scream", 10, 72.7)),
              unknown_title="alein")
    r = run(d, q)
    # only close candidates are offered (72.7 is as close as "amelie" to "alien":
    # not close), numbered, and the question stays open
    assert "Did you mean 1. Alien (1979) or 2. Aliens (1986)?" in r.text
    assert r.items == [] and r.effects.pending["candidates"] == ["4", "5"]
    assert r.effects.pending["query"]["intent"] == "similar"


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
    assert r.effects.ratings == [("6", 5.0)] and r.effects.focus == "6"
    assert r.text.startswith("Noted: you loved Fargo (1996) (5/5).")
    r = run(d, Query(Intent.RATE, title="Fargo", item_id=6, rating=9.0))
    assert r.effects.ratings == [("6", 5.0)]  # clamped to the rating scale


def test_rate_several_films_with_their_own_opinions(d):
    q = Query(Intent.RATE, item_ids=(6, 8), titles=("Fargo", "Titanic"), rating=5.0,
              ratings=(5.0, 1.0))
    r = run(d, q)
    assert r.effects.ratings == [("6", 5.0), ("8", 1.0)]
    assert r.text.startswith("Noted: you loved Fargo (1996) (5/5) and you hated Titanic")


def test_rate_without_a_title_asks_which(d):
    r = run(d, Query(Intent.RATE, rating=5.0))
    assert r.effects.ratings == [] and r.text.startswith("Which film?")


def test_more_continues_the_last_list_without_repeats(d):
    first = run(d, Query(Intent.RECOMMEND, k=4))
    state = SessionState("s", last_query=first.effects.last_query, page=1)
    ctx = Context(shown={d.catalog.index_of(i) for i in first.effects.shown})
    more = run(d, Query(Intent.MORE), ctx, state)
    assert len(more.items) == 4 and not set(titles(first)) & set(titles(more))
    assert more.text.startswith("More popular films") and more.effects.page == 2


def test_help_lists_catalog_genres(d):
    text = run(d, Query(Intent.HELP)).text
    assert "Genres I know: Action, Animation" in text
    assert re.search(r"'movies like [^']+'", text)


# ---- a title two films share ("Cape Fear", 1962 and 1991) ---------------------------------
@pytest.fixture(scope="module")
def remakes():
    from chatrec.training.bundle import Bundle
    from models.recommenders.popularity import Popularity
    from tests.chatrec.fakes import FakeMF, FakeSimilar
    from tests.factories import make_catalog, make_ratings

    cat = make_catalog(["Cape Fear", "Cape Fear", "Fargo"], years=[1962, 1991, 1996],
                       genres=[("Thriller",)] * 3, links=[()] * 3, item_ids=[10, 20, 30])
    rows = [(u, i, 4.0) for u in range(6) for i in (1, 2)] + [(0, 0, 4.0), (1, 0, 3.0)]
    rat = make_ratings(rows, 3)            # the 1991 film is the more rated one
    sim = FakeSimilar().fit(rat, cat)
    models = {"fake-similar": sim, "fake-mf": FakeMF(sim).fit(rat, cat),
              "popularity": Popularity(C=2.0).fit(rat, cat)}
    return Dispatcher(Bundle("tiny", cat, rat, models, routes={
        "recommend": "fake-mf", "similar": "fake-similar", "popular": "popularity"}))


def _turns(d, *queries):
    """Run queries as consecutive turns of one session; the replies."""
    state, out = SessionState("s"), []
    for q in queries:
        r = d.handle(q, state, Context())
        fx = r.effects
        for i in fx.retract:
            state.ratings.pop(i, None)
            state.seen.discard(i)
        state.ratings.update(fx.ratings)
        state.seen.update(fx.seen)
        state.pending = fx.pending
        out.append(r)
    return out


LOVED_CAPE_FEAR = Query(Intent.RATE, title="Cape Fear", item_id=20, rating=5.0)


def test_a_title_alone_takes_the_most_rated_version_and_offers_the_other(remakes):
    r = _turns(remakes, LOVED_CAPE_FEAR)[0]
    assert r.effects.ratings == [("20", 5.0)]
    assert r.text.endswith("(There's also Cape Fear (1962): say 'the 1962 one' if you "
                           "meant that.)")
    assert r.effects.pending["candidates"] == ["10"] and r.effects.pending["replaces"] == "20"


@pytest.mark.parametrize("answer", [
    Query(Intent.REFINE, year_from=1962, year_to=1962),     # "I meant the 1962 one"
    Query(Intent.REFINE, year_to=1968),                     # "the older one"
    Query(Intent.CHOOSE, ref=1, topic="yes"),               # "yes"
])
def test_the_other_version_moves_the_rating(remakes, answer):
    first, second = _turns(remakes, LOVED_CAPE_FEAR, answer)
    assert second.effects.ratings == [("10", 5.0)] and second.effects.retract == ["20"]
    assert "Cape Fear (1962) (5/5)" in second.text and "Taken back: Cape Fear (1991)" \
        in second.text
    assert second.effects.pending is None           # not offered back again


def test_no_keeps_the_version_taken_and_a_seen_mark_moves_too(remakes):
    _, kept = _turns(remakes, LOVED_CAPE_FEAR, Query(Intent.CHOOSE, topic="no"))
    assert kept.text == "OK, Cape Fear (1991)." and not kept.effects.retract
    seen = Query(Intent.SEEN, title="Cape Fear", item_id=20)
    _, moved = _turns(remakes, seen, Query(Intent.REFINE, year_from=1962, year_to=1962))
    assert moved.effects.seen == ["10"] and moved.effects.retract == ["20"]


def test_a_typed_year_or_another_film_offers_nothing(remakes):
    older = Query(Intent.RATE, title="Cape Fear", item_id=10, rating=5.0)   # "(1962)"
    fargo = Query(Intent.RATE, title="Fargo", item_id=30, rating=5.0)
    for q in (older, fargo):
        r = _turns(remakes, q)[0]
        assert "There's also" not in r.text and r.effects.pending is None


def test_what_have_i_rated_lists_the_session_and_the_known_user(d):
    mine = Query(Intent.INFO, topic="mine")
    assert run(d, mine).text.startswith("You haven't rated anything yet.")
    ctx = Context(profile={5: 5.0, 7: 1.0}, seen={3, 5})
    text = run(d, mine, ctx).text
    assert text == ("In this conversation you rated Fargo (1996) (5/5) and Titanic (1997) "
                    "(1/5). You've seen Alien (1979).")
    known = run(d, mine, Context(user_index=0, user_label=1)).text
    n = len(d.bundle.ratings.user_items(0)[0])
    assert known == f"You are user 1 of tiny, with {n:,} ratings there."


@pytest.mark.parametrize("topic,words", [("runtime", "running times"),
                                         ("content", "how gory or violent")])
def test_a_list_asked_by_what_the_catalog_cannot_measure_says_so(d, topic, words):
    r = run(d, Query(Intent.RECOMMEND, genre="Comedy", topic=topic, k=2))
    assert r.items and all("Comedy" in it["genres"] for it in r.items)
    assert r.text.startswith(f"I have no data on {words}")


def test_which_one_is_best_rated_answers_about_that_film_of_the_last_list(d):
    state = SessionState("s", last_query={"intent": "popular", "k": 3},
                         last_items=["6", "8", "1"])           # Fargo, Titanic, Star Wars
    rated = d.facts.weighted
    best = max((5, 7, 0), key=lambda i: rated[i])
    r = run(d, Query(Intent.INFO, refs=(-2,), ref=-2, rank_by="rating"), state=state)
    position = (5, 7, 0).index(best) + 1
    assert r.text.startswith(f"Of those 3 films, the best-rated is #{position}: "
                             f"{d.facts.display[best]}")
    assert [it["title"] for it in r.items] == [d.facts.titles[best]]


def test_the_same_list_asked_again_shows_other_films(d):
    q = Query(Intent.POPULAR, k=3)
    first = run(d, q)
    ids = [str(it["item_id"]) for it in first.items]
    state = SessionState("s", last_query=first.effects.last_query, last_items=ids,
                         shown=set(ids))
    shown = {d.catalog.index_of(i) for i in ids}          # as the service builds it
    again = run(d, q, ctx=Context(shown=shown), state=state)
    assert again.items and not {str(it["item_id"]) for it in again.items} & set(ids)
    assert again.text.startswith("More")


def test_a_list_asked_again_after_a_rating_is_the_new_list(d):
    q = Query(Intent.POPULAR, k=3)
    first = run(d, q)
    state = SessionState("s", last_query=first.effects.last_query,
                         last_items=["999999"])           # another list was shown last
    assert titles(run(d, q, state=state)) == titles(first)
