"""Property tests: parse() never raises and always returns a valid Query."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents.query import MAX_K, MIN_K, Intent, Query

WORDS = st.sampled_from(["movies", "like", "the", "godfather", "3", "twenty", "scary",
                         "rate", "stars", "5", "more", '"', "'", "I", "loved", "was",
                         "terrible", "top", "a", "couple", "of", "?", "!", ",", "2001:",
                         "cape", "fear", "1962", "999999999999", "-3", "\u0000", "\u202e",
                         "second", "one", "it", "not", "without", "90s", "before", "1970",
                         "seen", "why", "tell", "me", "about", "and", "yes", "no", "only",
                         "just", "fewer", "#3", "number", "the last", "all of them", "horror",
                         "nothing", "but", "from", "the 1980s", "recent", "classic",
                         "who directed", "is", "any good", "thanks", "bye", "3000", "#",
                         "my", "family", "kids", "not for me"])


def check(q, parser, text=None):
    if text is not None:
        # the internal path, without parse()'s last-resort safety net: no bug may hide
        parser._parse(text)
    assert isinstance(q, Query)
    assert isinstance(q.intent, Intent)
    assert isinstance(q.k, int) and MIN_K <= q.k <= MAX_K
    assert q.genre is None or q.genre in parser.catalog.genre_names
    assert q.title is None or q.title in parser.catalog.titles
    assert (q.title is None) == (q.item_id is None)
    assert len(q.candidates) <= 3
    genres = set(parser.catalog.genre_names)
    assert set(q.genres) <= genres and set(q.exclude_genres) <= genres
    assert q.genre == (q.genres[0] if q.genres else None)
    assert set(q.titles) <= set(parser.catalog.titles) and len(q.titles) == len(q.item_ids)
    assert all(isinstance(y, int) for y in (q.year_from, q.year_to) if y is not None)
    assert all(isinstance(r, int) and -2 <= r <= 50 for r in q.refs)
    assert q.ref == (q.refs[0] if q.refs else None)
    assert q.rating is None or 1.0 <= q.rating <= 5.0
    assert not q.ratings or len(q.ratings) == len(q.titles) + len(q.refs)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode(tiny_parser, text):
    check(tiny_parser.parse(text), tiny_parser, text)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=14).map(" ".join))
def test_word_salad_from_the_vocabulary(tiny_parser, text):
    check(tiny_parser.parse(text), tiny_parser, text)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=2000, max_size=5000))
def test_long_input(tiny_parser, text):
    check(tiny_parser.parse(text), tiny_parser, text)
