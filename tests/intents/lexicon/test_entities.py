"""Counts: digits, number words, quantifiers, and the things that are not counts."""
from __future__ import annotations

import pytest

from intents.lexicon.counts import extract_count, rating_value


@pytest.mark.parametrize("text,k", [
    ("top 10 comedies", 10), ("give me three", 3), ("a couple of films", 2),
    ("a few westerns", 3), ("a dozen movies", 12), ("half a dozen movies", 6),
    ("twenty thrillers", 20), ("one comedy", 1), ("give me one", 1),
    ("recommend a comedy", None), ("an action film", None), ("movies from 1995", None),
    ("a good one", None), ("that one", None), ("4 stars", None),
    ("star wars episode 4", None), ("part 2", None), ("nothing here", None),
])
def test_extract_count(text, k):
    assert extract_count(text.split()) == k


def test_blanked_words_are_ignored():
    assert extract_count(["movies", "like", "", ""]) is None
    assert extract_count(["3", "movies", "like", "", "", ""]) == 3


@pytest.mark.parametrize("raw,scale,value", [
    ("4", None, 4.0), ("five", None, 5.0), ("8", "/10", 4.0), ("2", " out of 10", 1.0),
    ("0", None, 1.0), ("4.5", None, 4.5), ("9", None, 4.5),
])
def test_rating_value(raw, scale, value):
    assert rating_value(raw, scale) == value
