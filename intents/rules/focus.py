""""Something similar", "anything similar but less scary": "similar" with no film after
it is about the film in focus (the one just talked about), as "something like it" is.
Without this the message is a bare request (popular films) or a refine of the last list,
and the film the person was just told about is lost."""
from __future__ import annotations

import re

from intents.query import FOCUS, Intent, Query

# "similar" not followed by what it is similar to ("similar to Heat" names its film)
_BARE_SIMILAR = re.compile(r"\bsimilar\b(?!\s+(?:to|as|in)\b)(?!\s+\w+\s+to\b)", re.I)


def similar_to_focus(query: Query, text: str) -> Query:
    """`query` as a similar request about the film in focus when it says "similar" of
    nothing; else `query` unchanged."""
    if query.intent not in (Intent.RECOMMEND, Intent.REFINE) or query.item_ids \
            or query.refs or query.unknown_title or not _BARE_SIMILAR.search(text):
        return query
    return query.with_(intent=Intent.SIMILAR, refs=(FOCUS,), ref=FOCUS)
