"""A numbered sequel the catalog lacks is asked about, never linked to the first film
nor read as a count (intents/mentions/sequels.py)."""
from __future__ import annotations

import pytest

from intents.mentions.sequels import sequel_mark
from intents.query import Intent


@pytest.mark.parametrize("words,after,n", [
    (["toy", "story", "4"], "", 1), (["jaws", "part", "iv"], " iv", 2),
    (["fargo", "4", "stars"], " stars", 0), (["fargo", "4"], "/5", 0),
    (["fargo", "1"], "", 0), (["fargo", "2", "times"], " times", 0),
])
def test_sequel_mark(words, after, n):
    j = 2 if words[1] == "story" else 1
    assert sequel_mark(words, after, j) == n


def test_a_missing_sequel_offers_the_first_film(tiny_parser):
    q = tiny_parser.parse("movies like Scream 3")
    assert q.intent is Intent.SIMILAR and not q.item_ids and q.k == 5
    assert q.unknown_title == "scream 3" and q.candidates[0].title in ("Scream", "Scream 2")


@pytest.mark.parametrize("text,title", [("movies like Scream 2", "Scream 2"),
                                        ("rate Fargo 4", "Fargo"), ("Fargo 4/5", "Fargo")])
def test_a_sequel_the_catalog_has_and_ratings_are_untouched(tiny_parser, text, title):
    assert tiny_parser.parse(text).titles == (title,)

