"""References to the films of the last list: "the second one", "number 3", "#3",
"the last one", "that one", "it", "all of them" (DESIGN §2 `ref`).

`ref_at(words, i)` reads a reference that starts at token i (where a title could
start, after "like", "about", "loved", "seen", "why"...) and returns (ref, end). The
parser is stateless: it only says which position was meant; the service resolves it
against the session's last list.
"""
from __future__ import annotations

import re

from intents.lexicon.cues import sentinel_index
from intents.query import ALL, FOCUS, LAST, THEM

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8,
    "9th": 9, "10th": 10, "last": LAST, "final": LAST, "latter": LAST, "former": 1,
    # common misspellings (a reference shape is required, so "back and forth" is none)
    "frist": 1, "secnd": 2, "secound": 2, "thrid": 3, "forth": 4, "fouth": 4, "fith": 5,
    "fifht": 5,
}
# words that may follow an ordinal: "the second one", "the third film"
_NOUNS = frozenset("""one film movie pick option suggestion recommendation title choice
entry item""".split())
# words that may precede a number: "number 3", "#3" (written as "number 3"), "no. 3"
_NUMBER_LEAD = frozenset("number no num option pick film movie item choice".split())
_PRONOUNS = {("that", "one"): FOCUS, ("this", "one"): FOCUS, ("that", "film"): FOCUS,
             ("that", "movie"): FOCUS, ("this", "film"): FOCUS, ("this", "movie"): FOCUS,
             ("it",): FOCUS, ("its",): FOCUS, ("thats",): FOCUS, ("that",): FOCUS,
             ("this",): FOCUS, ("them", "all"): ALL,
             ("all", "of", "them"): ALL, ("all", "of", "those"): ALL,
             ("all", "of", "these"): ALL, ("all", "those"): ALL, ("all", "these"): ALL,
             ("those",): THEM, ("these",): THEM, ("them",): THEM, ("all", "three"): ALL,
             ("both",): THEM, ("both", "of", "them"): THEM, ("all",): ALL,
             ("any", "of", "them"): ALL, ("any", "of", "those"): ALL,
             ("any", "of", "these"): ALL, ("none", "of", "them"): ALL,
             ("none", "of", "those"): ALL}
# an ordinal before one of these counts times, not films: "the first time I saw it",
# "last night", "the second half", "the last episode" are no position in a list
_NOT_FILMS = frozenset("""time times night nights week weeks weekend weekends month months
year years day days morning evening summer winter spring fall autumn season seasons
episode episodes half hour hours minute minutes scene scenes part parts chapter
chapters book books game games date couple few""".split())
# "both" / "all" before a title and these is a determiner of the films named ("both
# Heat and Fargo", "all Star Wars movies"), not the last list ("Love both. Heat is ...")
_DETERMINES = {"both": frozenset({"and"}),
               "all": frozenset("movies films ones series sequels".split())}
MAX_POSITION = 50
# "number two", "pick three": positions said in words
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_NUMERIC_ORDINAL = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)$")


def ref_at(words: list[str], i: int, pronouns: bool = True,
           breaks: frozenset[int] = frozenset()) -> tuple[int, int] | None:
    """(ref, end) for a reference starting at token i, else None. With `pronouns`
    False only explicit positions count ("the second one", "number 2"). `breaks`:
    tokens that follow punctuation, where a bare ordinal ends a clause ("2nd. what is
    it?") and so is a position too."""
    n = len(words)
    if i >= n:
        return None
    j = i + 1 if words[i] == "the" else i
    if j < n and words[j] not in ORDINALS and _NUMERIC_ORDINAL.match(words[j]):
        value = int(_NUMERIC_ORDINAL.match(words[j]).group(1))
        if j + 1 < n and words[j + 1] in _NOT_FILMS:      # "the 2nd time"
            return None
        end = j + 1 + (j + 1 < n and words[j + 1] in _NOUNS)
        return (value, end) if 1 <= value <= MAX_POSITION else None
    if j > i and j + 1 < n and words[j] == "top" and words[j + 1] in _NOUNS:
        return 1, j + 2          # "the top one": the first of the list
    if j < n and words[j] in ORDINALS:
        end = j + 1
        if end < n and words[end] in _NOT_FILMS:
            return None
        if end < n and words[end] in _NOUNS:
            end += 1
        elif j == i and words[j] not in ("last", "final") and end not in breaks \
                and end != n:
            return None          # "first time", "second guess": not a reference
        return ORDINALS[words[j]], end
    if j < n and words[j] in _NUMBER_LEAD and j + 1 < n and (
            words[j + 1].isdigit() or words[j + 1] in _NUMBER_WORDS):
        value = _NUMBER_WORDS.get(words[j + 1]) or (
            int(words[j + 1]) if len(words[j + 1]) <= 3 else 0)
        if 1 <= value <= MAX_POSITION:
            return value, j + 2
    if pronouns and j == i:
        for size in (3, 2, 1):
            key = tuple(words[i:i + size])
            if len(key) == size and key in _PRONOUNS:
                if size == 1 and i + 2 < n and sentinel_index(words[i + 1]) is not None \
                        and words[i + 2] in _DETERMINES.get(key[0], ()):
                    return None      # "both Heat and Fargo", "all Star Wars films": films
                return _PRONOUNS[key], i + size
    return None


_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}


def range_at(words: list[str], i: int) -> tuple[list[int], int] | None:
    """"the first two", "the top 3 ones": positions 1..N and the end token."""
    j = i + 1 if i < len(words) and words[i] == "the" else i
    if j + 1 < len(words) and words[j] in ("first", "top") and words[j + 1] in _COUNTS:
        end = j + 2 + (j + 2 < len(words) and words[j + 2] in ("ones", "films", "movies"))
        return list(range(1, _COUNTS[words[j + 1]] + 1)), end
    return None


def bare_ref(words: list[str]) -> int | None:
    """The whole message is a reference or a small number ("2", "the second",
    "#3"): the position, else None."""
    if len(words) == 1 and words[0].isdigit() and len(words[0]) <= 2 \
            and 1 <= int(words[0]) <= 10:
        return int(words[0])
    found = ref_at(words, 0, pronouns=False)
    if found and found[1] == len(words):
        return found[0]
    if len(words) == 1 and words[0] in ORDINALS:
        return ORDINALS[words[0]]
    return None


def describe(ref: int) -> str:
    """'the second film', 'the last film', 'that film' for replies."""
    if ref == LAST:
        return "the last film"
    if ref == FOCUS:
        return "that film"
    if ref in (ALL, THEM):
        return "those films"
    names = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
             "twelfth").split()
    return f"the {names[ref - 1]} film" if 1 <= ref <= len(names) else f"film #{ref}"
