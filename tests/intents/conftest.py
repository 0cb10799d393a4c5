"""Fixtures for the intents tests: a tiny catalog with known answers, and the ML-100K
catalog view (from the shared `ml100k` fixture) for the corpus."""
from __future__ import annotations

import pytest

from intents.catalog import TitleCatalog
from intents.rules.parser import RuleParser

GENRES = ("Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
          "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
          "Romance", "Sci-Fi", "Thriller", "War", "Western")

# (item_id, title, year, genres, rating count)
TINY_ROWS = [
    (1, "Toy Story", 1995, ("Animation", "Children's", "Comedy"), 452),
    (50, "Star Wars", 1977, ("Action", "Sci-Fi", "War"), 583),
    (127, "Godfather, The", 1972, ("Crime", "Drama"), 413),
    (187, "Godfather: Part II, The", 1974, ("Crime", "Drama"), 209),
    (28, "Apollo 13", 1995, ("Action", "Drama", "Thriller"), 300),
    (178, "12 Angry Men", 1957, ("Drama",), 125),
    (510, "Magnificent Seven, The", 1954, ("Action", "Western"), 121),
    (135, "2001: A Space Odyssey", 1968, ("Drama", "Mystery", "Sci-Fi"), 259),
    (965, "Funny Face", 1957, ("Comedy", "Musical"), 20),
    (288, "Scream", 1996, ("Horror", "Thriller"), 478),
    (895, "Scream 2", 1997, ("Horror", "Thriller"), 106),
    (218, "Cape Fear", 1991, ("Thriller",), 171),
    (673, "Cape Fear", 1962, ("Film-Noir", "Thriller"), 65),
    (151, "Willy Wonka and the Chocolate Factory", 1971, ("Adventure", "Comedy"), 326),
    (11, "Seven (Se7en)", 1995, ("Crime", "Thriller"), 236),
    (100, "Fargo", 1996, ("Crime", "Drama", "Thriller"), 508),
    (258, "Contact", 1997, ("Drama", "Sci-Fi"), 509),
    (313, "Titanic", 1997, ("Action", "Drama", "Romance"), 350),
    (48, "Hoop Dreams", 1994, ("Documentary",), 117),
    (484, "Maltese Falcon, The", 1941, ("Film-Noir", "Mystery"), 138),
    (603, "Rear Window", 1954, ("Mystery", "Thriller"), 209),
    (432, "Fantasia", 1940, ("Animation", "Children's", "Fantasy", "Musical"), 174),
    (203, "Unforgiven", 1992, ("Western",), 182),
]


@pytest.fixture(scope="session")
def tiny() -> TitleCatalog:
    return TitleCatalog.from_rows(TINY_ROWS, name="tiny")


@pytest.fixture(scope="session")
def tiny_parser(tiny) -> RuleParser:
    return RuleParser(tiny)


@pytest.fixture(scope="session")
def ml100k_view(ml100k):
    """The ML-100K catalog as the parsers see it (counts from the real ratings)."""
    from chatrec.parsers import title_catalog

    catalog, ratings = ml100k
    return title_catalog(catalog, ratings)
