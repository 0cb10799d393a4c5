"""TitleMatcher on a tiny catalog: forms, partial titles, typos, ties, thresholds."""
from __future__ import annotations

import pytest

from intents.catalog import TitleCatalog
from intents.mentions.titles import ACCEPT, TitleMatcher, title_forms


def title_of(cat, m):
    return None if m.index is None else cat.titles[m.index]


@pytest.mark.parametrize("text,expected", [
    ("the godfather", "Godfather, The"),
    ("Godfather", "Godfather, The"),
    ("GODFATHER!!", "Godfather, The"),
    ("godfather, the", "Godfather, The"),
    ("the godfather part 2", "Godfather: Part II, The"),
    ("Godfather Part II", "Godfather: Part II, The"),
    ("willy wonka", "Willy Wonka and the Chocolate Factory"),
    ("star wors", "Star Wars"),
    ("godfathr", "Godfather, The"),
    ("se7en", "Seven (Se7en)"),
    ("seven", "Seven (Se7en)"),
    ("2001 a space odyssey", "2001: A Space Odyssey"),
    ("scream", "Scream"),
    ("scream 2", "Scream 2"),
    ("magnificent seven", "Magnificent Seven, The"),
])
def test_match(tiny, text, expected):
    assert title_of(tiny, tiny.titles_matcher.match(text)) == expected


def test_exact_beats_partial_and_scores_are_ordered(tiny):
    m = tiny.titles_matcher
    assert m.match("scream").score == 100.0
    assert ACCEPT <= m.match("willy wonka").score < 100.0
    assert ACCEPT <= m.match("star wors").score < 100.0
    # a longer share of the title scores higher (length-aware partial rule)
    assert m.prefix("willy wonka and the chocolate").score > m.prefix("willy wonka").score


@pytest.mark.parametrize("span", ["willy wonka and", "willy wonka and the"])
def test_a_title_cut_short_never_ends_on_a_joining_word(tiny, span):
    # "seen Batman and Clueless": "Batman and" is Batman and a list going on, not the
    # first words of "Batman & Robin"
    assert tiny.titles_matcher.prefix(span) is None
    assert tiny.titles_matcher.prefix(span.split(" and")[0]).index is not None


def test_tie_goes_to_more_rated_and_year_disambiguates(tiny):
    m = tiny.titles_matcher
    hit = m.match("cape fear")
    assert tiny.item_ids[hit.index] == 218          # 171 ratings beats 65
    assert tiny.item_ids[m.match("cape fear 1962").index] == 673
    assert tiny.item_ids[m.match("Cape Fear (1962)").index] == 673


def test_tie_break_is_by_count_not_order():
    rows = [(1, "Twin Film", 1990, (), 3), (2, "Twin Film", 1991, (), 90)]
    cat = TitleCatalog.from_rows(rows)
    assert cat.item_ids[TitleMatcher(cat).match("twin film").index] == 2


def test_below_threshold_gives_candidates_not_a_guess(tiny):
    m = tiny.titles_matcher.match("godzilla returns")
    assert m.index is None
    assert m.score < ACCEPT
    assert len(m.candidates) <= 3


def test_nonsense_has_no_match(tiny):
    assert tiny.titles_matcher.match("qqqxxzz").index is None
    assert tiny.titles_matcher.match("").index is None


def test_title_forms():
    canon, alias = title_forms("Godfather: Part II, The")
    assert canon[0] == "godfather part 2"
    assert "the godfather part 2" in canon
    canon, alias = title_forms("Seven (Se7en)")
    assert canon == ["seven"] and alias == ["se7en"]
    canon, _ = title_forms("Die Hard")   # "Die" is not an article at the front
    assert canon == ["die hard"]
    canon, _ = title_forms("Heat (1995)")  # ml-latest style year suffix
    assert canon == ["heat"]


def test_a_matcher_from_its_saved_state_matches_the_same(tiny):
    """state() survives JSON (how chatrec caches it) and gives the same answers."""
    import json
    built = TitleMatcher(tiny)
    state = json.loads(json.dumps(built.state()))
    restored = TitleMatcher(tiny, state)
    for text in ("the godfather", "godfather part 2", "willy wonka", "star wors", "se7en",
                 "magnificent", "star", "nothing like this at all"):
        assert restored.match(text) == built.match(text), text
    assert restored.contained("the chocolate factory one") == \
        built.contained("the chocolate factory one")
