"""Title search (chatrec/conversation/search.py): the chat's TitleMatcher for whole titles, typed
prefixes for completion, fuzzy candidates only when nothing else matched."""
from __future__ import annotations

from chatrec.conversation.search import TitleSearch
from intents.catalog import TitleCatalog

ROWS = [  # item_id, title, year, genres, ratings
    (1, "Godfather, The", 1972, ("Crime",), 400),
    (2, "Godfather: Part II, The", 1974, ("Crime",), 200),
    (3, "My Man Godfrey", 1936, ("Comedy",), 10),
    (4, "Star Wars", 1977, ("Sci-Fi",), 580),
    (5, "Star Maps", 1997, ("Drama",), 5),
    (6, "Cape Fear", 1962, ("Thriller",), 80),
    (7, "Cape Fear", 1991, ("Thriller",), 120),
    (8, "Fargo", 1996, ("Crime",), 500),
]


def titles(search: TitleSearch, text: str, limit: int = 10) -> list[tuple[str, int]]:
    return [(ROWS[i][1], ROWS[i][2]) for i in search.find(text, limit)]


def make() -> TitleSearch:
    return TitleSearch(TitleCatalog.from_rows(ROWS))


def test_typed_prefix_completes_titles_starting_with_it_first():
    s = make()
    assert titles(s, "godf") == [("Godfather, The", 1972), ("Godfather: Part II, The", 1974),
                                 ("My Man Godfrey", 1936)]
    assert titles(s, "star w") == [("Star Wars", 1977)]   # no fuzzy noise after a match


def test_whole_titles_match_like_the_chat():
    s = make()
    assert titles(s, "the godfather")[0] == ("Godfather, The", 1972)
    assert titles(s, "godfather 2")[0] == ("Godfather: Part II, The", 1974)  # sequel number
    assert titles(s, "cape fear 1962")[0] == ("Cape Fear", 1962)             # year picks
    assert titles(s, "cape fear")[0] == ("Cape Fear", 1991)                  # more-rated


def test_typos_get_fuzzy_candidates_and_nonsense_gets_none():
    s = make()
    assert titles(s, "star wors")[0] == ("Star Wars", 1977)
    assert titles(s, "fargp")[0] == ("Fargo", 1996)
    assert titles(s, "zzzzqqq") == []


def test_empty_text_lists_the_most_rated_and_limit_holds():
    s = make()
    assert titles(s, "", limit=3) == [("Star Wars", 1977), ("Fargo", 1996),
                                      ("Godfather, The", 1972)]
    assert len(s.find("godf", 2)) == 2
