"""Wishes with a direction in the conversation (issue 17, item 7), on a tiny known
catalog: hidden gems on every list route, "older" / "newer" than the last list, and
"the original" / "the remake" among films of one title."""
from __future__ import annotations

import numpy as np
import pytest

from chatrec.conversation.constraints import LessWatched
from chatrec.conversation.dispatch import Context, Dispatcher
from chatrec.conversation.followups import NEWER, OLDER, pick_version
from chatrec.sessions.state import SessionState
from chatrec.training.bundle import Bundle
from intents.query import Intent, Query
from models.recommenders.popularity import Popularity
from tests.chatrec.fakes import FILMS, RATINGS, FakeMF, FakeSimilar, tiny_bundle
from tests.factories import make_catalog, make_ratings

# the tiny films plus a title made three times (ids 11, 12, 13) and its sequel (14)
VERSIONS = [("Cape Fear", 1962, ("Thriller",), ()), ("Cape Fear", 1991, ("Thriller",), ()),
            ("Cape Fear", 1995, ("Thriller",), ()), ("Cape Fear 2", 1997, ("Thriller",), ())]
MORE_RATINGS = [(0, 10, 4), (1, 10, 5), (2, 11, 3), (3, 11, 4), (4, 11, 4), (5, 11, 2),
                (0, 12, 3)]


def versions_bundle() -> Bundle:
    films = FILMS + VERSIONS
    cat = make_catalog([f[0] for f in films], years=[f[1] for f in films],
                       genres=[f[2] for f in films], links=[f[3] for f in films])
    rat = make_ratings(RATINGS + MORE_RATINGS, n_items=len(films))
    sim = FakeSimilar().fit(rat, cat)
    models = {"fake-similar": sim, "fake-mf": FakeMF(sim).fit(rat, cat),
              "popularity": Popularity(C=2.0).fit(rat, cat)}
    return Bundle("tiny", cat, rat, models, routes={"recommend": "fake-mf",
                                                    "similar": "fake-similar",
                                                    "popular": "popularity"})


@pytest.fixture(scope="module")
def d():
    return Dispatcher(tiny_bundle())


@pytest.fixture(scope="module")
def v():
    return Dispatcher(versions_bundle())


def after(d, reply, state=None):
    """The session state once `reply`'s effects are stored."""
    fx = reply.effects
    return SessionState("s", last_query=fx.last_query, last_items=fx.last_items or [],
                        focus=fx.focus, pending=fx.pending)


# ---- hidden gems ------------------------------------------------------------------------
def test_less_watched_is_the_films_outside_the_most_watched_quarter():
    counts = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 100])
    lw = LessWatched(counts)
    assert lw.cap == 7 and lw.mask.tolist() == [False] + [True] * 6 + [False] * 3
    assert "fewer than 7 ratings" in lw.words()


@pytest.mark.parametrize("intent", [Intent.POPULAR, Intent.RECOMMEND])
def test_hidden_gems_rank_the_less_watched_by_weighted_average(d, intent):
    r = d.handle(Query(intent, k=10, rank_by="hidden"), SessionState("s"), Context())
    counts = d.facts.counts
    ids = [d.catalog.index_of(it["item_id"]) for it in r.items]
    assert ids and all(counts[i] < d.lists.less_watched.cap for i in ids)
    assert [d.facts.weighted[i] for i in ids] == sorted((d.facts.weighted[i] for i in ids),
                                                        reverse=True)
    assert r.text.startswith("Hidden gems: top-rated films among the less-watched")
    assert r.effects.last_query["rank_by"] == "hidden"
    why = d.handle(Query(Intent.WHY, ref=1), after(d, r), Context())
    assert "weighted average" in why.text and "among the less-watched films" in why.text


def test_hidden_gems_keep_the_similar_and_personal_routes_order(d):
    r = d.handle(Query(Intent.SIMILAR, item_ids=(1,), titles=("Star Wars",), k=10,
                       rank_by="hidden"), SessionState("s"), Context())
    assert r.items and "less-watched ones only" in r.text
    assert all(d.facts.counts[d.catalog.index_of(it["item_id"])] < d.lists.less_watched.cap
               for it in r.items)
    r = d.handle(Query(Intent.RECOMMEND, k=10, rank_by="hidden"), SessionState("s"),
                 Context(user_index=0))
    assert r.text.startswith("Picks for user") and "less-watched ones only" in r.text


def test_hidden_gems_as_a_refinement_keep_the_last_lists_constraints(d):
    first = d.handle(Query(Intent.POPULAR, k=5, genres=("Sci-Fi",), rank_by="count"),
                     SessionState("s"), Context())
    r = d.handle(Query(Intent.REFINE, rank_by="hidden"), after(d, first), Context())
    assert r.items and all("Sci-Fi" in it["genres"] for it in r.items)
    assert r.effects.last_query["rank_by"] == "hidden"


# ---- older / newer than the last list ------------------------------------------------------
def test_older_than_a_list_with_years_goes_before_them(d):
    first = d.handle(Query(Intent.RECOMMEND, k=5, year_from=1990, year_to=1999),
                     SessionState("s"), Context())
    r = d.handle(Query(Intent.REFINE, year_to=1968, years_relative="older"),
                 after(d, first), Context())
    assert r.text.startswith("Older than the last list:")
    assert r.items and all(it["year"] < 1990 for it in r.items)
    assert r.effects.last_query["filter"]["year_to"] == 1989


def test_newer_than_a_list_without_years_goes_past_its_middle_year(d):
    first = d.handle(Query(Intent.POPULAR, k=5, rank_by="count"), SessionState("s"),
                     Context())
    years = sorted(it["year"] for it in first.items)
    r = d.handle(Query(Intent.REFINE, year_from=1996, year_to=1998, years_relative="newer"),
                 after(d, first), Context())
    assert r.effects.last_query["filter"]["year_from"] == years[len(years) // 2] + 1
    assert r.items and all(it["year"] > years[len(years) // 2] for it in r.items)


def test_with_nothing_to_compare_the_catalog_meaning_stands(d):
    # (the parser gives the catalog's "old" as the bound; here 1980 for the tiny years)
    r = d.handle(Query(Intent.REFINE, year_to=1980, years_relative="older"),
                 SessionState("s"), Context())
    assert r.items and all(it["year"] <= 1980 for it in r.items)
    assert not r.text.startswith("Older than")


# ---- versions -------------------------------------------------------------------------------
def test_pick_version_goes_to_the_original_or_the_next_remake(v):
    f = v.facts
    c62, c91, c95 = (f.catalog.index_of(i) for i in (11, 12, 13))
    assert pick_version(c91, f, OLDER) == c62 and pick_version(c62, f, OLDER) is None
    assert pick_version(c62, f, NEWER) == c91 and pick_version(c91, f, NEWER) == c95
    assert pick_version(c95, f, NEWER) is None
    assert pick_version(f.catalog.index_of(6), f, OLDER) is None     # Fargo: only one


def test_the_original_of_a_named_film(v):
    r = v.handle(Query(Intent.SIMILAR, item_ids=(12,), titles=("Cape Fear",),
                       version="original"), SessionState("s"), Context())
    assert r.text.startswith("Films like Cape Fear (1962)")
    r = v.handle(Query(Intent.SIMILAR, item_ids=(6,), titles=("Fargo",), version="original"),
                 SessionState("s"), Context())
    assert r.text.startswith("I have only one Fargo: Fargo (1996).")   # likely the original


@pytest.mark.parametrize("intent, rating", [(Intent.SIMILAR, None), (Intent.RATE, 5.0),
                                            (Intent.RATE, 1.0), (Intent.SEEN, None),
                                            (Intent.INFO, None)])
def test_a_later_version_the_catalog_lacks_is_said_and_offered_never_taken(v, intent, rating):
    # "the new Fargo", "I loved the remake of Fargo", "seen the Fargo remake": the catalog
    # has one Fargo (1996); the later one is not it, so nothing is listed or written for
    # it until the person says the catalog's film is the one they meant
    r = v.handle(Query(intent, item_ids=(6,), titles=("Fargo",), version="remake",
                       rating=rating), SessionState("s"), Context())
    assert r.text.startswith("A later Fargo isn't in my catalog") and "Fargo (1996)" in r.text
    assert not r.effects.ratings and not r.effects.seen and not r.items
    assert r.effects.pending["candidates"] == ["6"]
    yes = v.handle(Query(Intent.CHOOSE, topic="yes"), after(v, r), Context())
    if intent is Intent.RATE:
        assert yes.effects.ratings and yes.effects.ratings[0][0] == "6"
    else:
        assert not yes.effects.ratings


def test_the_original_after_a_rating_takes_the_rating_back(v):
    noted = v.handle(Query(Intent.RATE, item_ids=(12,), titles=("Cape Fear",), rating=5.0),
                     SessionState("s"), Context())
    assert "Cape Fear (1962)" in noted.text and noted.effects.pending["replaces"] == "12"
    fixed = v.handle(Query(Intent.REFINE, version="original"), after(v, noted), Context())
    assert fixed.effects.ratings and fixed.effects.ratings[0][0] == "11"
    assert fixed.effects.retract == ["12"]
    kept = v.handle(Query(Intent.REFINE, version="remake"), after(v, noted), Context())
    assert "Cape Fear (1995)" in kept.text and kept.effects.retract == ["12"]


def test_the_remake_of_the_film_in_focus(v):
    info = v.handle(Query(Intent.INFO, item_ids=(11,), titles=("Cape Fear",)),
                    SessionState("s"), Context())
    r = v.handle(Query(Intent.REFINE, version="remake"), after(v, info), Context())
    assert r.text.startswith("Cape Fear (1991)")
    r = v.handle(Query(Intent.INFO, version="remake"), after(v, info), Context())
    assert r.text.startswith("Cape Fear (1991)")


def test_a_version_of_nothing_asks_which_film(v):
    r = v.handle(Query(Intent.REFINE, version="original"), SessionState("s"), Context())
    assert r.text.startswith("The original of which film?") and "Cape Fear" in r.text
    assert not r.items


def test_the_original_of_a_numbered_sequel_is_the_first_film(v):
    f = v.facts
    sequel, first = f.catalog.index_of(14), f.catalog.index_of(11)
    assert f.first_of_series(sequel) == first and f.first_of_series(first) is None
    assert pick_version(sequel, f, OLDER) == first
    info = v.handle(Query(Intent.INFO, item_ids=(14,), titles=("Cape Fear 2",)),
                    SessionState("s"), Context())
    r = v.handle(Query(Intent.REFINE, version="original"), after(v, info), Context())
    assert r.text.startswith("Cape Fear (1962)")
