"""A numbered sequel the catalog lacks: "toy story 4", "Die Hard 3", "Jaws part IV".

The title matcher reads the longest title first, so a sequel the catalog has ("Scream
2", "Alien 3", "Godfather 2" as an alias of Part II) is linked before this is asked. When
only the first film's title matches and a sequel number follows it, the words name
another film: the linker offers the first film as a "did you mean" candidate instead of
linking it (so "I loved Toy Story 4" rates nothing by mistake) or reading the number as a
count ("movies like toy story 3" is no request for 3 films)."""
from __future__ import annotations

import re

_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
# words after a number that make it a rating, a count or a time, not a sequel's number
_NOT_SEQUEL_AFTER = frozenset("""stars star out of points times time more movies
films film flicks picks ones outta""".split())


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) == 1:
        return int(word)
    return _ROMAN.get(word)


def sequel_mark(words: list[str], text_after: str, j: int) -> int:
    """How many tokens from j say a sequel's number ("4", "part 2", "iii"), else 0.
    `text_after` is the message's text right after token j (a "/" makes a rating)."""
    at = j + 1 if j < len(words) and words[j] == "part" else j
    if at >= len(words) or (n := _number(words[at])) is None or n < 2:
        return 0
    after = words[at + 1] if at + 1 < len(words) else ""
    if after in _NOT_SEQUEL_AFTER or after.isdigit() or text_after.lstrip().startswith("/"):
        return 0
    return at + 1 - j


def _numbers(words) -> set[int]:
    return {n for w in words if (n := _number(w)) is not None and n >= 2}


def same_numbers(match, words: list[str], titles: list[str]):
    """A fuzzy `match` for `words`, unless the two name different sequel numbers
    ("godfather part 3" is not "Godfather: Part II"): then unlinked, a candidate only."""
    if match.index is None:
        return match
    said = _numbers(words)
    has = _numbers(re.findall(r"[a-z0-9]+", titles[match.index].lower()))
    if said and said != has:
        return type(match)(None, match.score, match.candidates)
    return match
