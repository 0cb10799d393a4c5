"""Two requests in one message: "a couple of musicals and also what's good in sci-fi",
"3 musicals. also something for halloween". Read as one they contradict or drop a part
(Musical and Sci-Fi at once; one of the genres); read as two, each is a whole request.

`second_request` tries the clause boundaries a second request starts at ("and also",
"also", "plus", "and then", a new sentence): when the text before one and the text after
it each parse as a list request, and they ask for different films, the first is the
Query and the second rides along in `then` for the conversation to offer next.
"""
from __future__ import annotations

import re

from intents.query import Intent, Query

_LISTS = (Intent.RECOMMEND, Intent.POPULAR, Intent.SIMILAR)
_JOINER = re.compile(r"(?:[.;!?]+\s+|,?\s+(?:and\s+also|also|plus|and\s+then|and\s+maybe|"
                     r"as\s+well\s+as)\s+)", re.I)
MAX_TRIES = 3          # boundaries tried per message: keeps the cost a few parses


def _differs(a: Query, b: Query) -> bool:
    return (a.genres, a.exclude_genres, a.year_from, a.year_to, a.item_ids, a.intent) != \
        (b.genres, b.exclude_genres, b.year_from, b.year_to, b.item_ids, b.intent)


def second_request(parse, query: Query, text: str) -> Query:
    """`query` with `then` set when `text` makes a second, different list request."""
    if query.intent not in _LISTS + (Intent.REFINE,) or query.then is not None:
        return query
    for n, hit in enumerate(_JOINER.finditer(text)):
        if n >= MAX_TRIES:
            break
        first, second = text[:hit.start()].strip(), text[hit.end():].strip()
        if not first or not second:
            continue
        one, two = parse(first), parse(second)
        if one.intent in _LISTS and two.intent in _LISTS and _differs(one, two) and (
                one.has_constraints or one.item_ids) and (two.has_constraints or two.item_ids):
            return one.with_(then=two.to_dict(), said=query.said)
    return query
