"""Property tests: parse() never raises and always returns a valid Query."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents.query import MAX_K, MIN_K, Intent, Query

WORDS = st.sampled_from(["movies", "like", "the", "godfather", "3", "twenty", "scary",
                         "rate", "stars", "5", "more", '"', "'", "I", "loved", "was",
                         "terrible", "top", "a", "couple", "of", "?", "!", ",", "2001:",
                         "cape", "fear", "1962", "999999999999", "-3", "\u0000", "\u202e"])


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
