"""What the LLM is asked for and how its answer is read: the one tool (every Query
field of DESIGN §2), the system prompt, and `canonicalize(args, catalog) -> Query`.

Canonicalisation is the rule parser's: genres go through the same GenreMatcher,
titles through the same TitleMatcher and acceptance threshold, k is clamped the same
way. A value of the wrong type or outside its enum raises `Rejected(reason)` and the
turn falls back to the rules. Whether the message *supports* a value is not checked
here but by intents/llm/guards.py, which sees the message.
"""
from __future__ import annotations

from intents.catalog import TitleCatalog
from intents.errors import LLMRejected as Rejected
from intents.lexicon.refs import MAX_POSITION
from intents.mentions.titles import ACCEPT
from intents.query import DEFAULT_K, THEM, Candidate, Intent, Query, clamp_k

__all__ = ["Rejected", "SYSTEM_PROMPT", "TOOL_NAME", "canonicalize", "tool_definition"]

TOOL_NAME = "parse_request"
YEAR_RANGE = (1870, 2100)
RANK_BY = ("rating", "count", "hidden")
RELATIVE = ("older", "newer")
VERSIONS = ("original", "remake")
#: intents a "hidden" ranking or a comparison of years can go with (as the rules read them)
_LISTS = (Intent.POPULAR, Intent.RECOMMEND, Intent.SIMILAR, Intent.REFINE, Intent.MORE)
TOPICS = ("director", "cast", "writer", "plot", "runtime", "awards", "year", "genre",
          "quality", "yes", "no")

SYSTEM_PROMPT = """You turn one message to a movie recommender into a call of the tool \
parse_request. Always call the tool, never answer with text. Leave out what the message \
does not say.
intent: similar = films like a named film; recommend = suggestions with no named film; \
popular = top / best / most watched; more = the next films of the last list; refine = \
change the last list ("only 90s ones", "without horror", "just 3"); rate = an opinion of \
a film ("I loved X", "X was awful", "X 4 stars"); seen = has watched a film, no opinion; \
info = a question about one film; why = why a film was suggested; choose = answers a \
"did you mean" question; help; greet; thanks = thanks or bye; unknown = anything else.
titles: film titles exactly as written in the message, never a genre word and never a \
title the message does not contain.
genres / exclude_genres: only genres the message asks for / rules out.
k: only a number of films the message says ("3 comedies" -> 3); numbers inside a title \
("Apollo 13") are not counts.
ref: a film of the last list by position: 1 = the first, 2 = the second, -1 = the last, \
0 = "it" or "that one", -2 = all of them; refs: every position when several are named.
rating: for rate, 1 to 5 (hated 1, disliked 2, ok 3, liked 4, loved 5).
rank_by: rating = top / best; count = popular / most watched; hidden = less famous, \
obscure, hidden gems, underrated, cult (with any list intent).
years_relative: older / newer = "something older", "more recent ones" (compared with \
the last list; also give the years "old" / "recent" mean).
version: original / remake = which film of a title made more than once ("the original", \
"the remake").
seen_refs / seen_titles: films a rate message also says were seen, without an opinion \
("seen 2 5 7, loved 5" -> {"intent": "rate", "refs": [5], "rating": 5, "seen_refs": [2, 5, 7]}).
Write only the keys the message gives values for. Examples:
"top 5 comedies" -> {"intent": "popular", "genres": ["Comedy"], "k": 5}
"something like Fargo but from the 80s" -> {"intent": "similar", "titles": ["Fargo"], "year_from": 1980, "year_to": 1989}
"I hated Titanic" -> {"intent": "rate", "titles": ["Titanic"], "rating": 1}"""


def tool_definition(catalog: TitleCatalog) -> dict:
    """The OpenAI-style tool whose parameters are the Query fields."""
    genres = list(catalog.genre_names)
    genre_list = {"type": "array", "items": {"type": "string", "enum": genres}}
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Record the structured request in the user's message.",
            "parameters": {
                "type": "object",
                "properties": {
                    "intent": {"type": "string", "enum": [i.value for i in Intent]},
                    "titles": {"type": "array", "items": {"type": "string"}},
                    "genres": genre_list,
                    "exclude_genres": genre_list,
                    "year_from": {"type": "integer"},
                    "year_to": {"type": "integer"},
                    "k": {"type": "integer", "minimum": 1, "maximum": 50},
                    "ref": {"type": "integer", "minimum": THEM, "maximum": MAX_POSITION},
                    "refs": {"type": "array", "items": {"type": "integer"}},
                    "rating": {"type": "number", "minimum": 1, "maximum": 5},
                    "ratings": {"type": "array", "items": {"type": "number"}},
                    "rank_by": {"type": "string", "enum": list(RANK_BY)},
                    "years_relative": {"type": "string", "enum": list(RELATIVE)},
                    "version": {"type": "string", "enum": list(VERSIONS)},
                    "topic": {"type": "string", "enum": list(TOPICS)},
                    "fewer": {"type": "boolean"},
                    "seen_refs": {"type": "array", "items": {"type": "integer"}},
                    "seen_titles": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["intent"],
                "additionalProperties": False,
            },
        },
    }


def canonicalize(args: dict, catalog: TitleCatalog) -> Query:
    """Validate the arguments and snap them to the catalog, exactly like the rules."""
    intent = _intent(args.get("intent"))
    k_raw = args.get("k")
    k_requested = None if not _present(k_raw) else _integer("k", k_raw)
    k, _ = clamp_k(DEFAULT_K if k_requested is None else k_requested)
    genres = _genres(args, "genres", "genre", catalog)
    exclude = tuple(g for g in _genres(args, "exclude_genres", None, catalog)
                    if g not in genres)
    year_from, year_to = _year(args.get("year_from")), _year(args.get("year_to"))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise Rejected(f"years out of order ({year_from} > {year_to})")
    fields = _titles(args, catalog)
    refs = [_integer("ref", r) for r in _as_list(args.get("refs")) if _present(r)]
    if _present(args.get("ref")):
        refs = [_integer("ref", args["ref"])] + [r for r in refs if r != args["ref"]]
    if any(not THEM <= r <= MAX_POSITION for r in refs):
        raise Rejected(f"ref out of range ({refs})")
    ref = refs[0] if refs else None
    rating = _rating(args.get("rating"))
    ratings = tuple(_rating(r) for r in _as_list(args.get("ratings")) if _present(r))
    if intent not in (Intent.RATE, Intent.SEEN, Intent.SIMILAR, Intent.RECOMMEND):
        rating, ratings = None, ()
    rank_by = args.get("rank_by") if args.get("rank_by") in RANK_BY else None
    if rank_by is not None and intent is not Intent.POPULAR and not (
            rank_by == "hidden" and intent in _LISTS):
        rank_by = None
    relative = args.get("years_relative") if intent in _LISTS and \
        args.get("years_relative") in RELATIVE else None
    version = args.get("version") if args.get("version") in VERSIONS else None
    topic = args.get("topic")
    topic = topic.strip().lower() if isinstance(topic, str) and topic.strip() else None
    fewer = args.get("fewer") is True
    seen = _seen(args, catalog) if intent is Intent.RATE else {}
    if intent in (Intent.SIMILAR, Intent.RATE, Intent.SEEN, Intent.INFO) and ref is None \
            and not fields.get("item_ids") and "unknown_title" not in fields:
        raise Rejected(f"intent {intent.value} without a title")
    return Query(intent, k=k, k_requested=k_requested, genres=genres,
                 exclude_genres=exclude, year_from=year_from, year_to=year_to,
                 ref=ref, refs=tuple(dict.fromkeys(refs)),
                 rating=rating, ratings=ratings if len(ratings) > 1 else (),
                 rank_by=rank_by, years_relative=relative, version=version,
                 topic=topic[:20] if topic and intent in (Intent.INFO, Intent.CHOOSE)
                 else None,
                 fewer=fewer and intent is Intent.REFINE, parser="llm", **seen, **fields)


def _seen(args: dict, catalog: TitleCatalog) -> dict:
    """seen_refs / seen_titles + seen_item_ids of a rate answer ("seen 2 5 7, loved 5"),
    positions checked and titles linked like the others (an unlinked one is dropped)."""
    refs = tuple(dict.fromkeys(_integer("seen_refs", r) for r in _as_list(args.get("seen_refs"))
                               if _present(r)))
    if any(not THEM <= r <= MAX_POSITION for r in refs):
        raise Rejected(f"seen_refs out of range ({refs})")
    linked = _titles({"titles": args.get("seen_titles")}, catalog)
    return {"seen_refs": refs, "seen_titles": linked.get("titles", ()),
            "seen_item_ids": linked.get("item_ids", ())}


def _intent(raw) -> Intent:
    try:
        return Intent(raw.strip().lower() if isinstance(raw, str) else "")
    except ValueError:
        raise Rejected(f"unknown intent {_short(raw)}") from None


def _integer(name: str, raw) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise Rejected(f"{name} is not an integer ({type(raw).__name__} {_short(raw)})")
    if isinstance(raw, float) and not raw.is_integer():
        raise Rejected(f"{name} is not an integer ({raw})")
    return int(raw)


def _year(raw) -> int | None:
    if not _present(raw) or raw == 0:          # small models write 0 for "no year"
        return None
    year = _integer("year", raw)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise Rejected(f"year out of range ({year})")
    return year


def _rating(raw) -> float | None:
    if not _present(raw):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise Rejected("rating is not a number")
    return float(min(5.0, max(1.0, raw)))


def _genres(args: dict, name: str, single: str | None, catalog: TitleCatalog) -> tuple:
    values = _as_list(args.get(name))
    if single and not values:
        values = _as_list(args.get(single))
    out: list[str] = []
    for raw in values:
        if not _present(raw):
            continue
        genre = catalog.genres_matcher.canonical(raw)
        if genre is None:
            raise Rejected(f"unknown genre {_short(raw)}")
        if genre not in out:
            out.append(genre)
    return tuple(out)


def _titles(args: dict, catalog: TitleCatalog) -> dict:
    """Linked titles (titles, item_ids, confidence) and the first unlinked one
    (unknown_title + candidates), as the rule parser reports them."""
    raw = _as_list(args.get("titles")) or _as_list(args.get("title"))
    titles, ids, scores, fields = [], [], [], {}
    for value in raw:
        if not _present(value):
            continue
        if not isinstance(value, str):
            raise Rejected("title is not a string")
        match = catalog.titles_matcher.match(value)
        if match.index is not None and match.score >= ACCEPT:
            if catalog.item_ids[match.index] not in ids:
                titles.append(catalog.titles[match.index])
                ids.append(catalog.item_ids[match.index])
                scores.append(match.score)
        elif "unknown_title" not in fields:
            fields["unknown_title"] = " ".join(value.split())[:200]
            fields["candidates"] = tuple(Candidate(catalog.titles[i], catalog.item_ids[i],
                                                   float(s)) for i, s in match.candidates[:3])
    if ids:
        fields.update(titles=tuple(titles), item_ids=tuple(ids),
                      confidence=round(float(scores[0]), 1))
    return fields


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip().lower()
                                      in ("", "null", "none", "n/a"))


def _short(value) -> str:
    """A value for a reason string. Not cut here: the parser redacts secrets from the
    whole reason first and shortens it after (a cut key would escape the redaction)."""
    return repr(value)
