"""A child's age as a genre: "a movie for my 6 year old", "something for a
4-year-old", "for my two year olds" ask for children's films just as "for the kids"
does (that word is in the genre table, intents/lexicon/genres.py). Kept apart from the genre
table because it is a number test, not a phrase: "my 40 year old husband" is no child.
"""
from __future__ import annotations

#: up to this age a film "for my N year old" is a children's film
CHILD_MAX_AGE = 12
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_YEAR = frozenset({"year", "years", "yr", "yrs", "yo"})
_OLD = frozenset({"old", "olds"})


def child_age_at(words: list[str]) -> range | None:
    """The tokens of the first child's age ("6 year old", "4 yo"), else None."""
    for i, w in enumerate(words):
        age = int(w) if w.isdigit() and len(w) <= 2 else _NUMBER_WORDS.get(w)
        if age is None or not 1 <= age <= CHILD_MAX_AGE or i + 1 >= len(words):
            continue
        if words[i + 1] == "yo":
            return range(i, i + 2)
        if words[i + 1] in _YEAR and i + 2 < len(words) and words[i + 2] in _OLD:
            return range(i, i + 3)
    return None
