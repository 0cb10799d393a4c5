"""Numbers in words: how many items a message asks for, and the rating it states.

Counts work on the message's word list *after* the parser has blanked the words that
belong to a title, a rating or a year, so "movies like Apollo 13" has no "13" left to
read and "3 movies like 2001: A Space Odyssey" only has the "3".
"""
from __future__ import annotations

from intents.query import DEFAULT_K

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12, "couple": 2, "few": 3, "pair": 2, "handful": 5,
}
# Words after a number that make it something other than a count.
_NOT_COUNT_AFTER = frozenset("""stars star out percent pm am oclock min mins minute
minutes hour hours hr hrs year years yr yrs old th st nd rd times dollars bucks
seasons season episodes episode degrees of""".split())
# Words before a number that make it a name, not a count.
_NOT_COUNT_BEFORE = frozenset("""episode part chapter number no season vol volume
shes hes theyre im aged age turned turns turning""".split())   # ... or an age: "she's 40"
# "one" is mostly a pronoun ("a good one", "that one"): a count only after these...
_ONE_AFTER = frozenset("top just only me us give show recommend suggest pick want need "
                       "find get".split())
# ...or before these.
_ONE_BEFORE = frozenset("""more movie film flick comedy drama thriller pick title
recommendation suggestion good great solid""".split())
# "few"/"couple"/"pair"/"dozen"/"handful" only count in these shapes.
_QUANTIFIER_PREV = frozenset({"a", "the", "another", "just"})


def extract_count(words: list[str], genre_words: frozenset = frozenset()) -> int | None:
    """The first count in `words` (blanked words are ''), or None if none is asked."""
    n = len(words)
    for i, w in enumerate(words):
        if not w:
            continue
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < n else ""
        if prev in _NOT_COUNT_BEFORE:
            continue                # "episode 4", "part 2"
        if w.startswith("neg") and w[3:].isdigit() and nxt not in _NOT_COUNT_AFTER:
            return -int(w[3:][:18])     # "-3 comedies": a count, clamped (and said) later
        if w.isdigit():
            of_them = nxt == "of" and i + 2 < n and words[i + 2] in ("them", "those", "these")
            if _looks_like_year(w) or (nxt in _NOT_COUNT_AFTER and not of_them):
                continue            # years ("1995") and ratings ("4 stars")
            # still a count, clamped later; capped so it fits an int64 in JSON clients
            return int(w) if len(w) <= 18 else 10**18
        value = NUMBER_WORDS.get(w)
        if value is None:
            continue
        of_them = nxt == "of" and i + 2 < n and words[i + 2] in ("them", "those", "these")
        if nxt in _NOT_COUNT_AFTER and not (w in ("couple", "few", "dozen") and nxt == "of") \
                and not of_them:
            continue
        if w in ("few", "couple", "pair", "handful"):
            if prev in _QUANTIFIER_PREV or nxt == "of":
                return value
            continue
        if w == "dozen":
            if prev == "a" and i >= 2 and words[i - 2] == "half":
                return 6
            return 12
        if w == "hundred" and prev in ("a", "one"):
            return 100
        if w == "one":
            if prev in _ONE_AFTER or nxt in _ONE_BEFORE or nxt in genre_words:
                return 1
            continue
        return value
    return None


def _looks_like_year(w: str) -> bool:
    return len(w) == 4 and 1870 <= int(w) <= 2039


def count_or_default(words: list[str], genre_words: frozenset = frozenset()) -> int:
    k = extract_count(words, genre_words)
    return DEFAULT_K if k is None else k


def rating_value(raw: str, scale: str | None) -> float:
    """'4' -> 4.0; '8' with '/10' -> 4.0; clamped to 1..5."""
    from intents.lexicon.cues import RATING_WORDS
    raw = "-" + raw[3:] if raw.startswith("neg") else raw   # "-5 stars": the parser's "neg5"
    value = float(RATING_WORDS.get(raw, raw))
    if (scale and "10" in scale) or (scale and "ten" in scale) or value > 5:
        value = value / 2.0
    return float(min(5.0, max(1.0, value)))
