"""The rule parser on wishes with a direction (issue 17, item 7), on the tiny catalog:
the Query fields they become, on which intents, and how they meet the other
constraints of the message."""
from __future__ import annotations

import pytest

from intents.query import Intent


@pytest.mark.parametrize("text,intent", [
    ("something less famous", Intent.POPULAR), ("less popular stuff", Intent.POPULAR),
    ("hidden gems please", Intent.REFINE), ("any underrated thrillers?", Intent.RECOMMEND),
    ("not so mainstream", Intent.POPULAR), ("cult classics", Intent.POPULAR),
    ("movies like Fargo but less famous", Intent.SIMILAR),
])
def test_less_watched_wishes_rank_by_hidden_on_every_list_intent(tiny_parser, text, intent):
    q = tiny_parser.parse(text)
    assert (q.intent, q.rank_by) == (intent, "hidden")
    assert q.year_from is None and q.year_to is None      # "cult classics": no years


@pytest.mark.parametrize("text,intent", [
    ("I loved Fargo, so underrated", Intent.RATE), ("I hated Fargo, way too popular", Intent.RATE),
    ("I have seen Fargo, it is underrated", Intent.SEEN),
])
def test_a_statement_takes_no_ranking(tiny_parser, text, intent):
    q = tiny_parser.parse(text)
    assert q.intent is intent and q.rank_by is None


def test_popular_still_means_most_watched(tiny_parser):
    assert tiny_parser.parse("what's popular").rank_by == "count"


@pytest.mark.parametrize("text,genres,exclude", [
    ("no scary stuff please, my son has nightmares", (), ("Horror",)),
    ("no horror, it gives me nightmares", (), ("Horror",)),
    ("nothing scary because the kids get nightmares", ("Children's",), ("Horror",)),
    ("my son gets nightmares, so nothing scary", (), ("Horror",)),
    ("we want nothing too scary for the kids", ("Children's",), ("Horror",)),
    ("i dont want anything scary, my daughter is 5", ("Children's",), ("Horror",)),
    ("comedies but not comedy", ("Comedy",), ("Comedy",)),   # one clause: still asked about
    ("no horror or romance", (), ("Horror", "Romance")),
    ("a live action kids movie", ("Children's",), ("Animation",)),
    ("nothing live action", ("Animation",), ()),
])
def test_a_negated_mood_keeps_the_positive_wish(tiny_parser, text, genres, exclude):
    q = tiny_parser.parse(text)
    assert (q.genres, q.exclude_genres) == (genres, exclude)
    assert q.k_requested is None                           # "is 5" is an age, no count


def test_live_action_is_never_the_action_genre(tiny_parser):
    assert "Action" not in tiny_parser.parse("live action please").genres


@pytest.mark.parametrize("text,bounds", [
    ("maybe 60s or 70s", (1960, 1979)), ("something funny, 80s maybe", (1980, 1989)),
    ("comedies from the 80s or 90s", (1980, 1999)),
])
def test_decades_said_loosely_are_a_range(tiny_parser, text, bounds):
    q = tiny_parser.parse(text)
    assert (q.year_from, q.year_to) == bounds and q.unknown_title is None


@pytest.mark.parametrize("text,relative", [
    ("something older", "older"), ("newer ones", "newer"), ("something more recent", "newer"),
    ("an older comedy", "older"),
])
def test_comparisons_are_relative_with_the_catalog_meaning_as_fallback(tiny_parser, text,
                                                                       relative):
    q = tiny_parser.parse(text)
    assert q.years_relative == relative
    assert (q.year_from is None) == (relative == "older")


def test_plain_relative_years_stay_catalog_relative(tiny_parser):
    q = tiny_parser.parse("recent comedies")
    assert q.years_relative is None and q.year_from is not None


@pytest.mark.parametrize("text,version", [
    ("the original", "original"), ("the remake", "remake"), ("no, the first version", "original"),
    ("the newer version", "remake"),
])
def test_versions_are_a_direction_not_years(tiny_parser, text, version):
    q = tiny_parser.parse(text)
    assert (q.intent, q.version) == (Intent.REFINE, version)
    assert q.year_from is None and q.year_to is None       # not "before 1969"


def test_the_original_of_a_named_film_keeps_the_film(tiny_parser):
    q = tiny_parser.parse("the original Cape Fear")
    assert q.version == "original" and q.titles == ("Cape Fear",)


def test_the_query_round_trips_its_new_fields(tiny_parser):
    from intents.query import Query
    q = tiny_parser.parse("something older")
    assert Query.from_dict(q.to_dict()) == q
