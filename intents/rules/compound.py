"""Two requests in one message: "a couple of musicals and also what's good in sci-fi",
"3 musicals. also something for halloween". Read as one they contradict or drop a part
(Musical and Sci-Fi at once; one of the genres); read as two, each is a whole request.

`second_request` tries the clause boundaries a second request starts at ("and also",
"also", "plus", "and then", a new sentence): when the text before one and the text after
it each parse as a list request, and they ask for different films, the first is the
Query and the second rides along in `then` for the conversation to offer next.

`stated_then_asked` reads a rating stated whole before a request ("rate Pulp Fiction 5
stars and give me some crime movies", "Fargo 4/5. now something funny"): the request is
the Query and the ratings ride along in `said`, to be recorded with the list.
"""
from __future__ import annotations

import itertools
import re

from intents.mentions.titles import ALIAS as SURE_LINK
from intents.query import Intent, Query

_LISTS = (Intent.RECOMMEND, Intent.POPULAR, Intent.SIMILAR)
_JOINER = re.compile(r"(?:[.;!?]+\s+|,?\s+(?:and\s+also|also|plus|and\s+then|and\s+maybe|"
                     r"as\s+well\s+as)\s+)", re.I)
# where a whole statement may end and a request start: a sentence end, a comma, "and",
# "then", "now", "so" (the statement must parse whole as a rating, so these stay safe)
_STATEMENT_END = re.compile(r"(?:[.;!?]+\s*|\s*,\s*(?:and\s+|then\s+|now\s+|so\s+)?|"
                            r"\s+(?:and|then|now|so)\s+)", re.I)
# every rating statement holds a number (cues.RATE): the cheap test before any re-parse
_A_NUMBER = re.compile(r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|ten)\b", re.I)
MAX_STATEMENT = 80     # characters: "rate the good the bad and the ugly 4.5 stars" fits
# two requests in one message come in short messages (ReDial: 99% of seeker messages are
# under 130 characters, all but one under 300): a longer one is read as one request, so
# a 2,000-character message costs one parse, not seven
MAX_COMPOUND = 300
MAX_TRIES = 3          # boundaries tried per message: keeps the cost a few parses


def _differs(a: Query, b: Query) -> bool:
    return (a.genres, a.exclude_genres, a.year_from, a.year_to, a.item_ids, a.intent) != \
        (b.genres, b.exclude_genres, b.year_from, b.year_to, b.item_ids, b.intent)


def _halves(boundary: re.Pattern, text: str):
    """(before, after) at each of the first MAX_TRIES boundaries, both sides non-empty."""
    for hit in itertools.islice(boundary.finditer(text), MAX_TRIES):
        first, second = text[:hit.start()].strip(), text[hit.end():].strip()
        if first and second:
            yield first, second


def second_request(parse, query: Query, text: str) -> Query:
    """`query` with `then` set when `text` makes a second, different list request."""
    if query.intent not in _LISTS + (Intent.REFINE,) or query.then is not None \
            or len(text) > MAX_COMPOUND:
        return query
    for first, second in _halves(_JOINER, text):
        one, two = parse(first), parse(second)
        if one.intent in _LISTS and two.intent in _LISTS and _differs(one, two) and (
                one.has_constraints or one.item_ids) and (two.has_constraints or two.item_ids):
            return one.with_(then=two.to_dict(), said=query.said)
    return query


def stated_then_asked(parse, query: Query, text: str) -> Query:
    """The request after a whole rating statement, with the ratings in `said`; `query`
    itself when the message is not that shape (or already kept the ratings)."""
    if query.intent is Intent.RATE or query.rating is not None or query.said \
            or not _A_NUMBER.search(text) or len(text) > MAX_COMPOUND:
        return query
    for first, second in _halves(_STATEMENT_END, text):
        if len(first) > MAX_STATEMENT:
            break                  # a rating statement is short: no re-parse of long text
        one = parse(first)
        if one.intent is not Intent.RATE or one.rating is None or not one.item_ids \
                or (one.confidence or 0) < SURE_LINK:
            continue                  # (a loose link's opinion is not recorded unasked)
        two = parse(second)
        if two.intent not in _LISTS:
            continue
        ratings = one.ratings or (one.rating,) * len(one.item_ids)
        return two.with_(said=tuple(zip(one.item_ids, ratings)) + tuple(two.said))
    return query
