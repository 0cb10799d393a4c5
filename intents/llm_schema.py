"""What the LLM is asked for and how its answer is checked: the one tool, the system
prompt, and `canonicalize(args, catalog) -> Query`.

Canonicalisation is the rule parser's: the genre goes through the same GenreMatcher
and the title through the same TitleMatcher (same acceptance threshold), and k is
clamped the same way. Anything that does not fit raises `Rejected(reason)`; the LLM
parser then falls back to the rules and records the reason.
"""
from __future__ import annotations

import json
import re

from intents.catalog import TitleCatalog
from intents.query import DEFAULT_K, Intent, Query, clamp_k
from intents.titles import ACCEPT

TOOL_NAME = "parse_request"

SYSTEM_PROMPT = """You turn one message to a movie recommender into a structured call.
Always answer by calling the tool `parse_request`, never with text.
Intents: similar (more films like a named seed title), recommend (suggestions, no seed
title, no popularity cue), popular (top / best / trending / most watched), more (continue
the previous list: "more", "next", "something else"), rate (a statement about one film:
"I loved X", "X was terrible", "rate X 4 stars"), help, greet, unknown (anything else).
genre: one of the allowed genres or null (map synonyms: funny -> Comedy, scary -> Horror).
A genre word that is part of a movie title is not a genre.
title: the movie title the message names, as written, or null.
k: how many films are asked for (an integer; 5 if the message gives no number). Numbers
that are part of a title ("Apollo 13") are not counts.
rating: for rate only, 1 to 5 (loved ~ 5, hated ~ 1)."""


class Rejected(Exception):
    """The LLM's arguments cannot be used; str(e) is the fallback reason."""


def tool_definition(catalog: TitleCatalog) -> dict:
    """The OpenAI-style tool whose parameters are the Query fields."""
    genres = list(catalog.genre_names)
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Record the structured request contained in the user's message.",
            "parameters": {
                "type": "object",
                "properties": {
                    "intent": {"type": "string", "enum": [i.value for i in Intent]},
                    "genre": {"type": ["string", "null"], "enum": genres + [None],
                              "description": "a catalog genre, or null"},
                    "title": {"type": ["string", "null"],
                              "description": "the movie title named in the message, or null"},
                    "k": {"type": "integer", "minimum": 1, "maximum": 50,
                          "description": "number of movies asked for; 5 if not said"},
                    "rating": {"type": ["number", "null"], "minimum": 1, "maximum": 5,
                               "description": "for intent=rate: 1..5"},
                },
                "required": ["intent"],
                "additionalProperties": False,
            },
        },
    }


def arguments_from_content(content: str) -> dict:
    """A tool call leaked into the message text. Parsed strictly: the whole content must
    be one JSON object (optionally inside a single ``` fence), either the arguments
    themselves or {"name": "parse_request", "arguments": ...}. Prose never parses."""
    text = content.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    if fence:
        text = fence.group(1)
    try:
        obj = json.loads(text)
    except ValueError:
        raise Rejected("no tool call (the reply was text)") from None
    if not isinstance(obj, dict):
        raise Rejected("no tool call (the reply was JSON but not an object)")
    if "name" in obj and ("arguments" in obj or "parameters" in obj):
        if obj["name"] != TOOL_NAME:
            raise Rejected(f"unexpected tool {str(obj['name'])[:40]!r} in the reply text")
        return decode_arguments(obj.get("arguments", obj.get("parameters")))
    if "intent" in obj:
        return obj
    raise Rejected("no tool call (the reply was JSON without a parse_request call)")


def decode_arguments(raw) -> dict:
    """Tool-call arguments: a JSON string per the API (a dict is tolerated)."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        raise Rejected("tool arguments are not a JSON string")
    try:
        args = json.loads(raw)
    except ValueError:
        raise Rejected("tool arguments are not valid JSON") from None
    if not isinstance(args, dict):
        raise Rejected("tool arguments are not a JSON object")
    return args


def canonicalize(args: dict, catalog: TitleCatalog) -> Query:
    """Validate the arguments and snap them to the catalog, exactly like the rules."""
    intent_raw = args.get("intent")
    try:
        intent = Intent(intent_raw.strip().lower() if isinstance(intent_raw, str) else "")
    except ValueError:
        raise Rejected(f"unknown intent {_short(intent_raw)}") from None

    k_raw = args.get("k")
    if k_raw is None:
        k_value = DEFAULT_K
    elif isinstance(k_raw, bool) or not isinstance(k_raw, (int, float)):
        raise Rejected(f"k is not an integer ({type(k_raw).__name__} {_short(k_raw)})")
    elif isinstance(k_raw, float) and not k_raw.is_integer():
        raise Rejected(f"k is not an integer ({k_raw})")
    else:
        k_value = int(k_raw)
    k, k_requested = clamp_k(k_value)

    genre_raw = args.get("genre")
    genre = None
    if _present(genre_raw):
        genre = catalog.genres_matcher.canonical(genre_raw)
        if genre is None:
            raise Rejected(f"unknown genre {_short(genre_raw)}")

    title_raw = args.get("title")
    title = item_id = confidence = None
    if _present(title_raw):
        if not isinstance(title_raw, str):
            raise Rejected("title is not a string")
        match = catalog.titles_matcher.match(title_raw)
        if match.index is None or match.score < ACCEPT:
            raise Rejected(f"off-catalog title {_short(title_raw)}")
        title, item_id = catalog.titles[match.index], catalog.item_ids[match.index]
        confidence = round(float(match.score), 1)

    rating = args.get("rating")
    if rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, (int, float)):
            raise Rejected("rating is not a number")
        rating = float(min(5.0, max(1.0, rating)))
    if intent is not Intent.RATE:
        rating = None
    if intent in (Intent.SIMILAR, Intent.RATE) and title is None:
        raise Rejected(f"intent {intent.value} without a title")
    return Query(intent, genre=genre, title=title, item_id=item_id, k=k,
                 k_requested=k_requested, rating=rating, parser="llm",
                 confidence=confidence)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip().lower()
                                      in ("", "null", "none", "n/a"))


def _short(value) -> str:
    """A value for a reason string: repr, cut short (it may be long model output)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
