"""People's names in a message: "Adam Sandler", "Bill Murray", "Meryl Streep". A
capitalised first name (first_names.txt: the US Census's most common, and short forms)
followed by a capitalised surname is a person, not a film the catalog lacks; the
catalog has no cast or crew, so the reply says what it cannot search by (DESIGN §3).
Titles that are a person's name ("Forrest Gump", "Jerry Maguire") are catalog films and
linked before this is asked.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    text = resources.files("intents.lexicon").joinpath("first_names.txt").read_text()
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def is_person(words: list[str], caps: list[bool]) -> bool:
    """words (lowercased, with their capitals) are a person's name: a first name and one
    or two more capitalised words ("adam sandler", "samuel l jackson")."""
    return 2 <= len(words) <= 3 and all(caps) and words[0] in first_names() \
        and all(w.isalpha() for w in words)
