"""A child's age as a genre: "a movie for my 6 year old", "something for a
4-year-old", "for my two year olds", "my daughter is 5", "the kids are 7 and 9" ask for
children's films just as "for the kids" does (that word is in the genre table, intents/lexicon/genres.py). Kept apart from the genre
table because it is a number test, not a phrase: "my 40 year old husband" is no child.
"""
from __future__ import annotations

#: up to this age a film "for my N year old" is a children's film
CHILD_MAX_AGE = 12
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_YEAR = frozenset({"year", "years", "yr", "yrs", "yo"})
_OLD = frozenset({"old", "olds"})
# a child named, then its age: "my daughter is 5", "my youngest just turned 6", "kids
# are 4 and 6"
_CHILD = frozenset("""son sons daughter daughters kid kids child children boy boys girl
girls grandson granddaughter grandkids grandchildren nephew niece toddler little
youngest oldest""".split())
_IS = frozenset({"is", "are", "just", "turned", "turns", "turning", "aged", "age",
                 "who", "only", "both"})
# ... or named first and then spoken of: "for my daughter, she's 7", "the kids - they're 4"
_PRONOUNS = frozenset({"shes", "hes", "theyre", "she", "he", "they"})


def child_age_at(words: list[str]) -> range | None:
    """The tokens of the first child's age ("6 year old", "4 yo", "is 5" after a
    child), else None. The child's own word ("kids") is left to the genre table."""
    for i, w in enumerate(words):
        age = _age(w)
        if age is None:
            continue
        if i + 1 < len(words) and words[i + 1] == "yo":
            return range(i, i + 2)
        if i + 2 < len(words) and words[i + 1] in _YEAR and words[i + 2] in _OLD:
            return range(i, i + 3)
        said = _after_child(words, i)
        if said is not None:
            end = i + 3 if i + 2 < len(words) and words[i + 1] in _YEAR \
                and words[i + 2] in _OLD else i + 1
            return range(said, end)
    return None


def _age(word: str) -> int | None:
    age = int(word) if word.isdigit() and len(word) <= 2 else _NUMBER_WORDS.get(word)
    return age if age is not None and 1 <= age <= CHILD_MAX_AGE else None


def _after_child(words: list[str], i: int) -> int | None:
    """Where "is" / "are" starts when words[i] is an age said of a child just
    before it ("my daughter is 5"); None otherwise."""
    j = i - 1
    while j >= 0 and words[j] in _IS:
        j -= 1
    if j >= 0 and words[j] in _PRONOUNS and (j < i - 1 or words[j] in ("shes", "hes", "theyre")) \
            and any(w in _CHILD for w in words[:j]):
        return j
    return j + 1 if j >= 0 and j < i - 1 and words[j] in _CHILD else None
