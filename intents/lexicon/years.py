"""Release-year constraints in a message: decades, bounds, single years and the
relative words "recent" / "old" / "classic" (DESIGN §2).

`find_years(words, newest)` reads the token words of `text.tokens()` and returns the
bounds plus the tokens it used, so the parser can blank them before it reads counts or
genres. Relative words follow the catalog's `newest` year, not the calendar (recent = its
newest 3 years; old = 30 years older). A comparison ("something older") is relative to
the last list, which only the conversation knows: its span is marked `relative`. Two
decades side by side are either one ("60s or 70s"); open ends ("before 1970", "70s
onward", "nothing older than 1985" = from 1985) intersect that range (`combine`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

RECENT_YEARS = 3
#: how the parser writes a minus sign before a number ("-5" -> "neg5"), so a year
#: below zero survives tokenisation
NEGATIVE = "neg"
OLD_GAP = 30

_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
                 "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
_DECADE = re.compile(r"^(?:(1[89]|20)?(\d)0s)$")           # 1980s, 80s
_PART = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
_BEFORE = frozenset("before pre until till prior earlier older".split())
_AFTER = frozenset("after post later newer".split())
# A bound said as what to leave out ("nothing before 1970", "don't want anything older than
# 1985", "no films after the 80s") keeps the other side: the negation is read back over a
# few words that only name what is left out.
_NEGATORS = frozenset("""nothing none no not never dont doesnt didnt hate hates without avoid
skip exclude""".split())
_LEFT_OUT = frozenset("""anything something stuff films film movies movie ones one made
released from that thats is are was want please really just like likes watch see""".split())
_HEDGES = frozenset("like around about roughly say maybe".split())
# an open end said after a year or decade: "70s onward", "1990 and later", "80s or before"
_STRAIGHT = frozenset("onward onwards forward on up".split())   # right after: "70s on"
_ONWARD = _STRAIGHT | {"later", "newer", "after"}           # "80s and later"
_BACKWARD = frozenset("earlier older before back".split())
_IN = frozenset("in of during released made circa around from".split())
_RANGE_JOIN = frozenset("to and through thru till until".split())
_RECENT = frozenset("recent new newer newest latest modern newish recentish".split())
_OLD = frozenset("old older oldies classic classics vintage oldish".split())
#: comparisons: relative to the last list (the conversation resolves them)
OLDER, NEWER = "older", "newer"
_COMPARABLE = frozenset("recent modern classic vintage".split())   # "more recent"
# "new" and "old" are too common to read everywhere: only right before a film word
_FILM_WORDS = frozenset("""movie movies film films flick flicks ones one stuff picks
releases titles""".split())


@dataclass(frozen=True)
class YearSpan:
    """Inclusive bounds (None = open) and the tokens that said them."""

    year_from: int | None
    year_to: int | None
    used: frozenset[int]
    phrase: str            # as said, for messages ("the 1990s", "before 1970")
    relative: str | None = None    # "recent" / "old" (catalog-relative words), OLDER /
                                   # NEWER (comparisons); None for years said outright


def _decade(word: str, century_hint: int = 1900) -> int | None:
    """'1980s' -> 1980, '80s' -> 1980, 'eighties' -> 1980; None otherwise."""
    if word in _DECADE_WORDS:
        return century_hint + _DECADE_WORDS[word]
    m = _DECADE.match(word)
    if not m:
        return None
    if m.group(1):
        return int(m.group(1)) * 100 + int(m.group(2)) * 10
    tens = int(m.group(2)) * 10
    return (2000 if tens < 20 else 1900) + tens     # "00s"/"10s" are this century


def _year(word: str, short: bool = False) -> int | None:
    """A number that reads as a year: any 4 digits (3000 is a year, just not one any
    film has); with `short`, also '95' -> 1995 / '05' -> 2005 (after before/after/since)."""
    if not word.isdigit():
        return None
    if len(word) == 4:
        return int(word)
    if short and len(word) == 2:
        return (2000 if int(word) < 20 else 1900) + int(word)
    return None


def find_years(words: list[str], newest: int | None,
               genre_words: frozenset[str] = frozenset()) -> list[YearSpan]:
    """Every year constraint in `words` (blanked words are ''), left to right.
    `genre_words` lets "old horror" read "old" as a year word, as "old films" does."""
    spans: list[YearSpan] = []
    used: set[int] = set()
    n = len(words)
    i = 0
    while i < n:
        w = words[i]
        if not w or i in used:
            i += 1
            continue
        span = (_range(words, i) or _bounded(words, i) or _decade_at(words, i)
                or _single(words, i) or _relative(words, i, newest, genre_words))
        if span is None:
            i += 1
            continue
        spans.append(span)
        used |= span.used
        i = max(span.used) + 1
    return spans


def _decade_at(words, i) -> YearSpan | None:
    """'the 90s', 'early 80s', 'the nineteen eighties'."""
    start, part = i, None
    if words[i] in _PART and i + 1 < len(words):
        part, i = words[i], i + 1
    if words[i] == "nineteen" and i + 1 < len(words) and words[i + 1] in _DECADE_WORDS:
        i += 1
    d = _decade(words[i])
    if d is None:
        return None
    lo, hi = _PART.get(part, (0, 9))
    first = start - 1 if start > 0 and words[start - 1] == "the" else start
    said = f"{part + ' ' if part else ''}{d}s"
    k = i + 2 if i + 2 < len(words) and words[i + 1] in ("and", "or") else i + 1
    if k < len(words) and words[k] in (_ONWARD | _BACKWARD if k > i + 1 else _STRAIGHT) and not (
            words[k] in ("on", "up", "back") and k + 1 < len(words)
            and words[k + 1] not in _REQUEST_END):          # "90s on netflix": no bound
        on, used = words[k] in _ONWARD, frozenset(range(first, k + 1))
        return YearSpan(d + lo if on else None, None if on else d + hi, used,
                        f"{said} {'onward' if on else 'and earlier'}")
    return YearSpan(d + lo, d + hi, frozenset(range(first, i + 1)), said)


def _single(words, i) -> YearSpan | None:
    """'from 1995', 'in 1995', '1995 comedies' (four digits); after 'the year' any
    number, even one no film can have ('the year 1000', 'year -5')."""
    y = _year(words[i])
    after_year = i > 0 and words[i - 1] in ("year", "years")
    cue = i > 0 and words[i - 1] in (_IN | {"from"})
    if y is None and (after_year or (cue and words[i].startswith(NEGATIVE))):
        y = _signed(words[i])
    if y is None:
        return None
    if not (cue or after_year) and not 1870 <= y <= 2039:
        return None
    start = i - 1 if cue or after_year else i
    if after_year and start > 0 and words[start - 1] == "the":
        start -= 1
    if start > 0 and words[start - 1] in (_IN | {"from"}):
        start -= 1
    return YearSpan(y, y, frozenset(range(start, i + 1)), str(y))


def _signed(word: str) -> int | None:
    """'5' -> 5, 'neg5' -> -5 (the parser writes a minus sign as 'neg')."""
    if word.startswith(NEGATIVE) and word[len(NEGATIVE):].isdigit():
        return -int(word[len(NEGATIVE):])
    return int(word) if word.isdigit() and len(word) <= 4 else None


def _bounded(words, i) -> YearSpan | None:
    """'before 1970', 'after the 80s', 'since 1990', 'pre 1970', 'older than 1960'."""
    w = words[i]
    if w not in _BEFORE | _AFTER | {"since"}:
        return None
    j = i + 1
    if j < len(words) and words[j] == "than":
        j += 1
    while j < len(words) and words[j] in _HEDGES:      # "after like 1970"
        j += 1
    if j < len(words) and words[j] == "the":
        j += 1
    if j >= len(words):
        return None
    d, y = _decade(words[j]), _year(words[j], short=True)
    if d is None and y is None and words[j].startswith(NEGATIVE):
        y = _signed(words[j])          # "before -5": a year, just not one any film has
    if d is None and y is None:
        return None
    if w in ("older", "newer", "earlier", "later") and words[i + 1] != "than":
        return None          # "older films": handled by _relative
    lo, hi = (d, d + 9) if d is not None else (y, y)
    used = frozenset(range(i, j + 1))
    if _negated(words, i):
        if w in _BEFORE:
            return YearSpan(lo, None, used, f"{_say(d, y)} or later")
        return YearSpan(None, hi if w in _AFTER else lo - 1, used, f"up to {_say(d, y)}")
    if w in _BEFORE:
        return YearSpan(None, lo - 1, used, f"before {_say(d, y)}")
    if w in _AFTER:
        return YearSpan(hi + 1, None, used, f"after {_say(d, y)}")
    return YearSpan(lo, None, used, f"since {_say(d, y)}")


def _negated(words, i) -> bool:
    """A negation before words[i], with only words naming what is left out between."""
    for k in range(i - 1, max(-1, i - 5), -1):
        if words[k] in _NEGATORS:
            return True
        if words[k] not in _LEFT_OUT:
            return False
    return False


def _range(words, i) -> YearSpan | None:
    """'between 1980 and 1990', 'from 1980 to 1990', '1980 to 1990', 'the 70s to the 90s',
    '1980-1990'."""
    j = i + 1 if words[i] in ("between", "from") else i
    a = _endpoint(words, j)
    if a is None:
        return None
    lo, k = a[0], a[2]
    if k >= len(words) or words[k] == "the":
        return None
    if words[k] in _RANGE_JOIN:
        b = _endpoint(words, k + 1)
    else:
        # "1990-1995", "the 70s-80s": the dash is gone from the words, and two years
        # side by side, rising, can only be a range
        b = _endpoint(words, k)
        if b is not None and b[0] <= a[1]:
            return None
    if b is None:
        return None
    return YearSpan(min(lo, b[0]), max(a[1], b[1]), frozenset(range(i, b[2])),
                    f"{a[3]} to {b[3]}")


def _endpoint(words, j):
    """(from, to, next index, text) of a year or decade at j, skipping 'the'."""
    if j < len(words) and words[j] == "the":
        j += 1
    if j >= len(words):
        return None
    d = _decade(words[j])
    if d is not None:
        return d, d + 9, j + 1, f"{d}s"
    if len(words[j]) == 4 and words[j].isdigit():
        y = int(words[j])
        return y, y, j + 1, str(y)
    return None


def _relative(words, i, newest, genre_words=frozenset()) -> YearSpan | None:
    """'recent comedies', 'new releases', 'old westerns', 'an old horror film'."""
    w = words[i]
    if newest is None or w not in _RECENT | _OLD:
        return None
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if w in ("old", "olds") and i > 0 and words[i - 1] in ("year", "years", "yr", "yrs"):
        return None            # "my 6 year old": an age (ages.py), not old films
    if w in ("new", "old", "older", "newer") and nxt not in _FILM_WORDS \
            and nxt not in genre_words and not _genre_like(nxt) \
            and not (w in ("older", "newer") and nxt in _REQUEST_END):
        return None            # "older" alone ends a request: "something older"
    used = frozenset({i})
    newer = w in _RECENT
    compared = w in ("older", "newer")
    before = words[i - 1] if i > 0 else ""
    if before in ("more", "less") and w in _COMPARABLE:
        # "more recent", "less modern", "more classic": a comparison too ("more new
        # releases" is more of them)
        compared, used = True, frozenset({i - 1, i})
        newer = newer == (before == "more")
    if newer:
        return YearSpan(newest - RECENT_YEARS + 1, newest, used, "recent",
                        NEWER if compared else "recent")
    return YearSpan(None, newest - OLD_GAP, used, "classic" if "classic" in w else "old",
                    OLDER if compared else "old")


# words that may end a request after "older"/"newer" ("something a bit older maybe")
_REQUEST_END = frozenset(("", "please", "pls", "instead", "maybe", "perhaps", "then",
                          "now", "though", "this", "too"))


def _genre_like(word: str) -> bool:
    # a cheap test used only for "new"/"old": a plural noun after it ("old westerns")
    return len(word) > 3 and word.endswith("s") and word not in ("was", "is", "this")


def _say(decade: int | None, year: int | None) -> str:
    return f"the {decade}s" if decade is not None else str(year)


def combine(spans: list[YearSpan]) -> tuple[int | None, int | None]:
    """The years every span allows: decades and years said outright are alternatives
    (their covering range); open bounds and catalog-relative words narrow that (the
    intersection may be empty: from > to, a contradiction the service reports rather
    than resolves). A comparison counts only when nothing else is said."""
    said = [s for s in spans if s.relative not in (OLDER, NEWER)] or spans
    either = [s for s in said if s.relative is None and s.year_from is not None
              and s.year_to is not None]
    bounds = [s for s in said if s not in either]
    if either:
        bounds.append(YearSpan(min(s.year_from for s in either),
                               max(s.year_to for s in either), frozenset(), ""))
    lo = [s.year_from for s in bounds if s.year_from is not None]
    hi = [s.year_to for s in bounds if s.year_to is not None]
    return (max(lo) if lo else None), (min(hi) if hi else None)


def comparison(spans: list[YearSpan]) -> str | None:
    """OLDER / NEWER when the only years said are a comparison ("something older")."""
    kinds = {s.relative for s in spans}
    return next(iter(kinds)) if len(kinds) == 1 and kinds <= {OLDER, NEWER} else None
