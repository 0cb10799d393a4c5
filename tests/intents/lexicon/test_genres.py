"""Genre synonyms and typos, built from the catalog's own genre names."""
from __future__ import annotations

import pytest

from intents.lexicon.genres import GenreMatcher
from tests.intents.conftest import GENRES

G = GenreMatcher(GENRES)


def best(text):
    return G.best(text.lower().replace("-", " ").split())


@pytest.mark.parametrize("text,genre", [
    ("funny", "Comedy"), ("comedies", "Comedy"), ("comedys", "Comedy"),
    ("scary", "Horror"), ("spooky", "Horror"), ("horror", "Horror"), ("horor", "Horror"),
    ("sci fi", "Sci-Fi"), ("science fiction", "Sci-Fi"), ("scifi", "Sci-Fi"),
    ("sci-fi", "Sci-Fi"), ("cartoon", "Animation"), ("animated", "Animation"),
    ("kids", "Children's"), ("family", "Children's"), ("children", "Children's"),
    ("romantic", "Romance"), ("love story", "Romance"), ("suspense", "Thriller"),
    ("suspenseful", "Thriller"), ("thriler", "Thriller"), ("gangster", "Crime"),
    ("mob", "Crime"), ("heist", "Crime"), ("cowboy", "Western"), ("cowboys", "Western"),
    ("noir", "Film-Noir"), ("film noir", "Film-Noir"), ("whodunit", "Mystery"),
    ("detective", "Mystery"), ("documentaries", "Documentary"), ("docs", "Documentary"),
    ("musicals", "Musical"), ("fantasy", "Fantasy"), ("war", "War"),
    ("action", "Action"), ("adventure", "Adventure"), ("drama", "Drama"),
])
def test_synonyms_and_typos(text, genre):
    assert best(text) == genre


@pytest.mark.parametrize("text", ["sunny day", "eastern europe", "a dream", "i love it",
                                  "horrible", "the prime minister", "mirror"])
def test_real_words_are_not_genre_typos(text):
    assert best(text) is None


def test_noun_beats_adjective():
    assert best("romantic comedy") == "Comedy"
    assert best("funny horror movies") == "Horror"
    assert best("action movies with romance") == "Action"


def test_synonyms_follow_the_catalog_spelling():
    g = GenreMatcher(("Children", "Comedy", "Sci-Fi"))   # ml-latest spells it "Children"
    assert g.best(["kids"]) == "Children"
    assert g.best(["western"]) is None                   # not in this catalog
    assert g.canonical("sci fi") == "Sci-Fi"
    assert g.canonical("SCI-FI") == "Sci-Fi"
    assert g.canonical("Westerns") is None
    assert g.canonical(3) is None
