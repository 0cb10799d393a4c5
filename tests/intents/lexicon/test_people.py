"""People named without capitals (intents/lexicon/people.py): the frame around a first
name and the word after it says it is a person, so the reply can say the catalog has
no cast or crew data instead of dropping the request."""
from __future__ import annotations

import pytest

from intents.lexicon.people import person_topic


def no_titles(name: str) -> bool:
    return name in {"forrest gump"}          # a title that is a name: a film


@pytest.mark.parametrize("text,topic", [
    ("do you have any tom hanks movies", "cast"),
    ("anything with bill murray", "cast"),
    ("and something by christopher nolan?", "director"),
    ("a comedy with will ferrell please", "cast"),
    ("im a big meryl streep fan", "cast"),
    ("films by frank capra", "director"),
    ("grace kelly films", "cast"),
])
def test_a_lowercase_name_in_a_people_frame_is_a_person(text, topic):
    assert person_topic(text, no_titles)[0] == topic


@pytest.mark.parametrize("text", [
    "i will be watching with my wife",       # "will", "may", "mark": words too
    "something my mom may like",
    "with my friend mark",
    "any art films",                          # a kind of film, not a name
    "forrest gump movies",                    # a title that is a name
    "with grace and style",
])
def test_ordinary_words_and_titles_are_no_person(text):
    assert person_topic(text, no_titles, lambda w: w in {"films", "art"}) is None
