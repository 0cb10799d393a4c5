"""Wishes with a direction, word by word (issue 17, item 7): fewer people's films,
which version of a title, years compared with the last list, decades said loosely, a
child's age said as a sentence, and words that rule a genre out."""
from __future__ import annotations

import re

import pytest

from intents.lexicon.ages import child_age_at
from intents.lexicon.genres import GenreMatcher
from intents.lexicon.text import clean, tokens
from intents.lexicon.versions import ORIGINAL, REMAKE, find_version
from intents.lexicon.wishes import find_hidden
from intents.lexicon.years import NEWER, OLDER, combine, comparison, find_years
from tests.intents.conftest import GENRES


def words(text: str) -> list[str]:
    return [t.word for t in tokens(clean(text))]


def breaks(text: str) -> frozenset[int]:
    """Tokens that start a clause (after , . ; ! ?), as the parser finds them."""
    c = clean(text)
    toks = tokens(c)
    return frozenset(i for i in range(1, len(toks))
                     if re.search(r"[,.;!?]", c[toks[i - 1].end:toks[i].start]))


# a popularity word turned down, a subject saying few people, or a word meaning it alone:
# none of these phrasings is listed anywhere as a whole
@pytest.mark.parametrize("text", [
    "something less famous", "not so mainstream", "less popular stuff", "lesser-known comedies",
    "a little-known western", "nothing too mainstream", "i dont want anything popular",
    "not necessarily popular but good", "anything but mainstream", "not very well known ones",
    "those are too popular", "rarely seen films", "less watched stuff",
    "something nobody has heard of", "films that not many people have seen",
    "a movie hardly anyone knows", "hidden gems please", "any underrated thrillers?",
    "cult classics", "something obscure", "stuff under the radar", "off the beaten path",
    "overlooked dramas", "an indie film", "non-mainstream picks", "unpopular ones",
])
def test_wishes_for_less_watched_films(text):
    assert find_hidden(words(text)) is not None


@pytest.mark.parametrize("text", [
    "what's popular", "the most famous ones", "very popular comedies", "I like popular movies",
    "recommend something I have not seen", "a few movies I've seen", "I've seen a few of those",
    "it's not a film I've seen", "movies I haven't watched", "top rated", "what should I watch?",
    "a well known classic", "something famous",
])
def test_no_wish_without_a_downward_word(text):
    assert find_hidden(words(text)) is None


def test_the_wish_takes_its_words_so_no_one_reads_them_again():
    w = words("cult classics from the 80s")
    assert find_hidden(w) == frozenset({0, 1})        # "classics" is no year bound here


@pytest.mark.parametrize("text,version", [
    ("the original", ORIGINAL), ("no, the first version", ORIGINAL), ("the remake", REMAKE),
    ("the newer version please", REMAKE), ("the older edition", ORIGINAL),
    ("the reboot", REMAKE), ("its original", ORIGINAL), ("the original movie", ORIGINAL),
    ("the latest version", REMAKE), ("the original cut", ORIGINAL),
    ("I meant the original", ORIGINAL), ("we want the remake", REMAKE),
    ("I loved it. The remake?", REMAKE),
])
def test_versions(text, version):
    found = find_version(words(text), breaks(text))
    assert found is not None and (found.which, found.picked) == (version, True)


@pytest.mark.parametrize("text", [
    "the remake was beyond bad", "there is an old version", "the original is better",
    "an older version", "Oh okay. I just ordered the original on Amazon",
    "I loved the styles in the original", "i saw It but i like the original better"])
def test_versions_talked_about_are_not_picked(text):
    found = find_version(words(text), breaks(text))
    assert found is not None and not found.picked


@pytest.mark.parametrize("text", [
    "something original", "an original film", "original movies", "the first one",
    "the second one", "the older one", "a new movie", "didn't know they remade that",
])
def test_not_versions(text):
    # praise, positions in the last list, and comparisons of years are read elsewhere
    assert find_version(words(text)) is None


@pytest.mark.parametrize("said", [["the", "new", "", "", ""], ["i", "loved", "the", "latest", ""],
                                  ["that", "newer", "", ""], ["seen", "the", "recent", "", "yet"]])
def test_new_before_a_title_the_parser_took_is_a_later_version(said):
    found = find_version(said)
    assert found is not None and found.which == REMAKE


@pytest.mark.parametrize("said", [["a", "new", "", ""], ["new", ""], ["the", "new", "one"],
                                  ["something", "new", "like", ""]])
def test_new_without_the_before_a_title_is_no_version(said):
    assert find_version(said) is None


def test_the_original_before_a_title_the_parser_took():
    found = find_version(["the", "original", ""])
    assert (found.which, found.used, found.picked) == (ORIGINAL, frozenset({1}), True)


@pytest.mark.parametrize("text,relative", [
    ("something older", OLDER), ("older ones", OLDER), ("an older comedy", OLDER),
    ("newer ones", NEWER), ("something more recent", NEWER), ("more modern stuff", NEWER),
    ("less recent ones", OLDER), ("more classic films", OLDER),
])
def test_comparisons_of_years_are_marked_relative(text, relative):
    spans = find_years(words(text), 1998, frozenset({"comedy"}))
    assert comparison(spans) == relative
    lo, hi = combine(spans)           # the catalog's old / recent, for nothing to compare
    assert (lo, hi) == ((None, 1968) if relative == OLDER else (1996, 1998))


@pytest.mark.parametrize("text", ["recent films", "old westerns", "more new releases",
                                  "from the 90s", "older comedies from the 80s"])
def test_plain_years_are_no_comparison(text):
    assert comparison(find_years(words(text), 1998, frozenset())) is None


@pytest.mark.parametrize("text,bounds", [
    ("maybe 60s or 70s", (1960, 1979)), ("the 80s and 90s", (1980, 1999)),
    ("1995 or 1997", (1995, 1997)), ("something funny, 80s maybe", (1980, 1989)),
    ("recent films from the 90s", (1996, 1998)),          # narrowed by "recent"
    ("70s or 80s, before 1985", (1970, 1984)),            # and by an open bound
    ("before 1970 and after 1990", (1991, 1969)),         # still a contradiction
    ("older comedies from the 80s", (1980, 1989)),        # said outright beats compared
])
def test_decades_side_by_side_are_either_one(text, bounds):
    assert combine(find_years(words(text), 1998, frozenset({"comedies"}))) == bounds


@pytest.mark.parametrize("text,age", [
    ("my daughter is 5", "5"), ("the kids are 4 and 7", "4"), ("my son is only 7", "7"),
    ("my youngest just turned 6", "6"), ("my daughter is 5 years old", "5"),
    ("for my 6 year old", "6"),
])
def test_a_childs_age_said_as_a_sentence(text, age):
    w = words(text)
    found = child_age_at(w)
    assert found is not None and age in [w[i] for i in found]


@pytest.mark.parametrize("text", ["my son is 40", "i have 5 kids", "kids 5", "5 movies"])
def test_no_childs_age(text):
    assert child_age_at(words(text)) is None


G = GenreMatcher(GENRES)


@pytest.mark.parametrize("text,genre", [
    ("live action", "Animation"), ("a live-action remake", "Animation"),
    ("for adults", "Children's"), ("something adult", "Children's"),
])
def test_words_that_rule_a_genre_out(text, genre):
    hits = G.find(words(text))
    assert [(h.genre, h.against) for h in hits] == [(genre, True)]
    assert G.best(words(text)) is None                # never the genre asked for


def test_live_action_is_not_the_action_genre():
    assert [h.genre for h in G.find(words("live action kids movie"))] == ["Animation",
                                                                         "Children's"]
    assert [h.genre for h in G.find(words("an action movie"))] == ["Action"]


@pytest.mark.parametrize("text,bounds", [
    ("gangster movies, but nothing before 1970", (1970, None)),
    ("nothing older than 1985", (1985, None)),
    ("I don't want anything made before the 80s", (1980, None)),
    ("no films after 1990 please", (None, 1990)),
    ("not after the 80s", (None, 1989)),
    ("comedies before 1970", (None, 1969)),              # no negation: as said
    ("no horror, westerns before 1970", (None, 1969)),   # the negation is the genre's
])
def test_a_bound_said_as_what_to_leave_out_keeps_the_other_side(text, bounds):
    assert combine(find_years(words(text), 1998, frozenset())) == bounds


@pytest.mark.parametrize("text,bounds", [
    ("70s onward", (1970, None)), ("the 80s and later", (1980, None)),
    ("80s or earlier", (None, 1989)), ("westerns from the 60s on please", (1960, None)),
    ("from the 90s on netflix", (1990, 1999)),          # "on" starts another phrase
    ("anything after like 1970", (1971, None)),          # a hedge before the year
    ("he doesn't like anything after like 1970", (None, 1970)),
])
def test_open_ends_said_after_a_decade_and_hedged_years(text, bounds):
    assert combine(find_years(words(text), 1998, frozenset())) == bounds


def test_an_age_is_never_a_wish_for_old_films():
    w = words("for my 6 year old, she's obsessed with animals")
    assert combine(find_years(w, 1998, frozenset())) == (None, None)
    assert child_age_at(w) is not None
