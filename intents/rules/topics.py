"""What a request asks that the catalog cannot measure, kept as the Query's topic so the
reply can say so instead of dropping it: a person ("anything with Tom Hanks?", "a
Tarantino fan"), running time or gore ("a short comedy", "nothing too gory").
"""
from __future__ import annotations

from intents.lexicon import talk
from intents.lexicon.people import person_topic
from intents.query import Intent, Query
from intents.rules.slots import Slot

# requests answered with a list (a topic there is a criterion the catalog can't apply)
LIST_INTENTS = frozenset({Intent.RECOMMEND, Intent.SIMILAR, Intent.POPULAR, Intent.REFINE})


def unmeasured(query: Query, c: str) -> Query:
    """A list request that also asks by running time or gore keeps that as its
    topic, so the reply can say it was not applied (rather than drop it)."""
    topic = talk.unmeasured(c) if query.intent in LIST_INTENTS else None
    return query.with_(topic=topic) if topic and query.topic is None else query


def people(query: Query, raw: str, slot: Slot | None, is_title, is_request_word) -> Query:
    """"any with Tom Hanks?", "comedies directed by Woody Allen", "what would a
    Tarantino fan like": the catalog has no cast or crew, so say the topic and let
    the service explain (a message that asks nothing else becomes a question about
    that missing data). Names that are titles are films (intents/lexicon/people.py)."""
    if query.topic is not None:
        return query
    found = person_topic(raw, is_title, is_request_word)
    if found is None or (slot and slot.mentions and any(
            f.match is not None and f.match.index is not None for f in slot.mentions)
            and query.intent is not Intent.SIMILAR):
        return query
    topic, as_taste = found
    if as_taste and query.titles:
        return query                  # "for fans of Star Trek: First Contact": a film
    # the person is the whole request ("anything with Tom Hanks?", "movies
    # directed by Hitchcock", "what would a Tarantino fan like"): a list would
    # silently drop them, so it is a question about the missing data
    bare = not (query.genres or query.exclude_genres or query.year_from
                or query.year_to or query.titles or query.refs)
    if query.intent in (Intent.UNKNOWN, Intent.GREET, Intent.HELP) or (bare and (
            as_taste or query.intent in (Intent.RECOMMEND, Intent.POPULAR))):
        return query.with_(intent=Intent.INFO, topic=topic, rating=None, ratings=(),
                           unknown_title=None, candidates=())   # a taste, no film
    return query.with_(topic=topic)
