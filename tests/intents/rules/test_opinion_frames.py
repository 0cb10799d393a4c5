"""Opinions stated in frames the opinion cues do not cover (issue 17): slang and
exclamations of praise, an elliptical second opinion after a comma ("X was great, Y not
so much"), and a rating stated whole before a request ("rate X 5 stars and give me ...")."""
from __future__ import annotations

import pytest

from intents.query import Intent


@pytest.mark.parametrize("text", [
    "fargo is one of my all time faves",
    "Fargo - now that's a movie",
    "Fargo, what a film!",
])
def test_praise_in_other_words_is_a_high_rating(tiny_parser, text):
    q = tiny_parser.parse(text)
    assert q.item_ids == (100,) and q.rating == 5.0


def test_a_second_opinion_after_a_comma_is_its_own(tiny_parser):
    q = tiny_parser.parse("I loved Titanic, Fargo not so much")
    assert q.intent is Intent.RATE
    assert dict(zip(q.item_ids, q.ratings)) == {313: 5.0, 100: 2.0}


@pytest.mark.parametrize("text,said,genres", [
    ("rate fargo 5 stars and give me some crime movies", ((100, 5.0),), ("Crime",)),
    ("Fargo 4/5. now something funny", ((100, 4.0),), ("Comedy",)),
    ("I gave Titanic 2 stars, so any westerns?", ((313, 2.0),), ("Western",)),
])
def test_a_rating_stated_before_a_request_rides_along(tiny_parser, text, said, genres):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.RECOMMEND and q.genres == genres
    assert q.said == said


def test_a_rating_alone_is_still_a_rating(tiny_parser):
    q = tiny_parser.parse("rate fargo 5 stars")
    assert q.intent is Intent.RATE and q.rating == 5.0 and not q.said
