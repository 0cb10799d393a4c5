"""An LLM answer is evidence, not authority (issue 12): `guard(answer, text, rules,
catalog, context) -> Verdict`.

Each field of the LLM's Query is checked against the message itself (intents/
evidence.py) and, where data would be written, against the rule parser's reading of
the same message. What fails is dropped field by field; when what is left cannot
stand — an intent the message gives no cue for, a writing intent the rules do not
agree with, a film request without its film — the verdict is a fallback with the
reason. Every rejection is recorded as (kind, detail) for the reply and the bench.

| kind | accepted only when |
|---|---|
| title | some span of the message links to that very catalog film (not a genre word; not one common lowercase word the rules left unlinked); an unknown title only where the rules saw one |
| count | the message says that number outside a title |
| genre | the message (or its mood table) names the genre outside a title; the rules' negation wins |
| years | the message has a year, decade or "recent"/"old" outside a title |
| ref | the message points at a film of the last list ("the second one", "it"), or the rules read that position ("loved 5") |
| write | rate / seen / a rating: a statement or rating cue, and the rules read the same intent (about the same films, where they linked any) |
| intent | the message carries the intent's cue (help, greet, thanks, why, more, popular, info, choose) or its request (recommend); no film on an intent that takes none; `unknown` says nothing, so the rules answer |
| omits | (fallback) the answer leaves out a genre, exclusion, year, count or reference the message states and the rules read |
| cue fields | `rank_by`, `topic`, `fewer`, `years_relative`, `version` and the rating value are the rules' reading of their cue words when both agree on the intent |
| seen marks | `seen_refs` / `seen_item_ids` beside a rating are the rules' reading (intents/rules/checklist.py reads every form exactly) |
"""
from __future__ import annotations

from dataclasses import dataclass, field

from intents.catalog import TitleCatalog
from intents.context import ConversationContext
from intents.llm.evidence import Evidence
from intents.query import DEFAULT_K, WRITING_INTENTS, Intent, Query

_NEEDS_FILM = (Intent.SIMILAR, Intent.RATE, Intent.SEEN, Intent.INFO)
_NO_FILM = (Intent.RECOMMEND, Intent.POPULAR, Intent.MORE, Intent.REFINE, Intent.HELP,
            Intent.GREET, Intent.THANKS)
_SMALL_TALK = (Intent.HELP, Intent.GREET, Intent.THANKS)
_CUED = {Intent.HELP: "help", Intent.GREET: "greet", Intent.THANKS: "thanks",
         Intent.WHY: "why", Intent.MORE: "more", Intent.POPULAR: "popular",
         Intent.INFO: "info"}


@dataclass
class Verdict:
    query: Query | None                    # None: the turn falls back to the rules
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(f"{kind}: {detail}" for kind, detail in self.rejected)


def guard(answer: Query, text: str, rules: Query, catalog: TitleCatalog,
          context: ConversationContext | None = None) -> Verdict:
    ev = Evidence(text, catalog)
    rejected: list[tuple[str, str]] = []
    fields: dict = {}
    title_tokens = _titles(answer, ev, rules, context, rejected, fields)
    for words in (rules.unknown_title, answer.unknown_title, *rules.titles):
        title_tokens |= ev.phrase_tokens(words) if words else set()
    _count(answer, ev, title_tokens, rejected, fields)
    _genres(answer, ev, rules, title_tokens, rejected, fields)
    if (answer.year_from is not None or answer.year_to is not None) \
            and not ev.years_outside(title_tokens):
        rejected.append(("years", f"{answer.year_from}..{answer.year_to} not in the message"))
        fields.update(year_from=None, year_to=None)
    refs = (fields["ref"],) if "ref" in fields else answer.refs
    named = ev.refs | set(rules.refs)     # the rules read "loved 5" in an answer too
    kept = tuple(r for r in refs if r in named)
    for r in refs:
        if r not in kept:
            rejected.append(("ref", f"{r} is not a position the message names"))
    if kept != answer.refs:
        fields.update(ref=kept[0] if kept else None, refs=kept)
    query = answer.with_(**fields)
    problem = _write_problem(query, ev, rules) or _intent_problem(query, ev, rules, context) \
        or _omission(query, rules)
    if problem:
        rejected.append(problem)
        return Verdict(None, rejected)
    return Verdict(_cue_fields(query, rules, rejected), rejected)


def _titles(answer: Query, ev: Evidence, rules: Query, context, rejected,
            fields) -> set[int]:
    """Keep the titles a span of the message names (a strong span, unless the rules
    linked the same film); a listed film the message points at by position becomes
    that reference. An unknown title only where the rules saw one too. Returns the
    tokens the titles take."""
    keep_t, keep_i, taken = [], [], set()
    shown = context.shown if context else ()
    same_title = dict(zip(rules.titles, rules.item_ids))
    for title, item in zip(answer.titles, answer.item_ids):
        item = same_title.get(title, item)      # "cape fear 1962": the rules read the year
        index = ev.catalog.item_ids.index(item)
        span = ev.title_span(index)
        if span is not None and item not in rules.item_ids \
                and not ev.strong_span(span[0], span[1]):
            span = None                                 # "who won the game last night"
        shown_at = shown.index(ev.catalog.display(index)) + 1 \
            if ev.catalog.display(index) in shown else None
        if span is not None:
            keep_t.append(title)
            keep_i.append(item)
            taken.update(range(span[0], span[1]))
        elif shown_at in ev.refs and answer.ref is None and "ref" not in fields:
            fields["ref"] = shown_at                    # "the second one" -> ref 2
        else:
            rejected.append(("title", f"{title!r} is not named in the message"))
    if keep_i != list(answer.item_ids):
        fields.update(titles=tuple(keep_t), item_ids=tuple(keep_i),
                      title=keep_t[0] if keep_t else None,
                      item_id=keep_i[0] if keep_i else None)
        if not keep_i:
            fields["confidence"] = None
    rules_unlinked = rules.unknown_title is not None or (rules.candidates
                                                         and not rules.item_ids)
    if answer.unknown_title is not None and not (rules_unlinked and
                                                 ev.phrase(answer.unknown_title)):
        rejected.append(("title", f"{answer.unknown_title!r} is not a film the message "
                                  "names"))
        fields.update(unknown_title=None, candidates=())
    elif answer.unknown_title is not None:      # "The Matrix" -> "the matrix", as the rules
        fields["unknown_title"] = ev.as_written(answer.unknown_title)
    return taken


def _count(answer: Query, ev: Evidence, taken: set[int], rejected, fields) -> None:
    if answer.k_requested is not None and answer.k_requested not in ev.numbers(taken):
        rejected.append(("count", f"{answer.k_requested} is not a number the message says"))
        fields.update(k=DEFAULT_K, k_requested=None)


def _genres(answer: Query, ev: Evidence, rules: Query, taken: set[int], rejected,
            fields) -> None:
    said = ev.genres(taken)
    keep: dict[str, list[str]] = {"genres": [], "exclude_genres": []}
    for name, other in (("genres", "exclude_genres"), ("exclude_genres", "genres")):
        for g in getattr(answer, name):
            if g not in said:
                rejected.append(("genre", f"{g} is not named in the message"))
            elif g in getattr(rules, other) and g not in getattr(rules, name):
                rejected.append(("genre", f"{g}: the message puts it in {other}"))
                keep[other].append(g)
            else:
                keep[name].append(g)
    new = {k: tuple(dict.fromkeys(v)) for k, v in keep.items()}
    if new["genres"] != answer.genres or new["exclude_genres"] != answer.exclude_genres:
        fields.update(genres=new["genres"], genre=new["genres"][0] if new["genres"] else None,
                      exclude_genres=tuple(g for g in new["exclude_genres"]
                                           if g not in new["genres"]))


def _write_problem(q: Query, ev: Evidence, rules: Query) -> tuple[str, str] | None:
    """Writing to the session needs the message's cue and the rules' agreement."""
    writes = q.intent in WRITING_INTENTS or q.rating is not None
    if not writes:
        return None
    cue = ev.seen if q.intent is Intent.SEEN and q.rating is None else ev.statement
    if not cue:
        return ("write", f"{q.intent.value} without a statement or rating cue")
    if rules.intent not in WRITING_INTENTS and rules.rating is None:
        return ("write", f"{q.intent.value}: the rules read no statement")
    if (q.intent in WRITING_INTENTS or rules.intent in WRITING_INTENTS) \
            and q.intent is not rules.intent:
        return ("write", f"{q.intent.value}: the rules read {rules.intent.value}")
    if rules.item_ids and not set(q.item_ids) <= set(rules.item_ids):
        return ("write", "the films differ from those the statement is about")
    return None


def _intent_problem(q: Query, ev: Evidence, rules: Query,
                   context) -> tuple[str, str] | None:
    i = q.intent
    has_film = bool(q.item_ids) or q.ref is not None or q.unknown_title is not None
    if i is Intent.UNKNOWN:
        return ("intent", "the LLM read no intent")      # no information: the rules answer
    disliked = i is Intent.RECOMMEND and q.rating is not None and q.rating < 3
    if (q.item_ids or q.ref is not None) and i in _NO_FILM and not disliked:
        film = q.titles[0] if q.titles else f"ref {q.ref}"     # "more like the second one"
        return ("intent", f"{i.value} names a film ({film})")
    if i in _SMALL_TALK and rules.intent in _SMALL_TALK and i is not rules.intent:
        return ("intent", f"{i.value}: the rules' cue order reads {rules.intent.value}")
    if i in _NEEDS_FILM and not has_film:
        return ("intent", f"{i.value} without a film the message names")
    if i in _CUED and not ev.cue(_CUED[i]):
        return ("intent", f"{i.value} without its cue in the message")
    if i is Intent.CHOOSE:
        pending = context is not None and bool(context.candidates)
        if not ev.cue("answer") or (context is not None and not pending):
            return ("intent", "choose without an open question it answers")
    if i is Intent.REFINE and not (q.has_constraints or q.k_requested is not None
                                   or q.fewer or q.version or q.years_relative):
        return ("intent", "refine without a constraint or count")
    if i is Intent.RECOMMEND and not (q.has_constraints or q.k_requested is not None
                                      or q.item_ids or ev.cue("request")):
        return ("intent", "recommend without a request in the message")
    return None



def _omission(q: Query, rules: Query) -> tuple[str, str] | None:
    """An answer that ignores a constraint, count or reference the message states (and
    the rules read) is incomplete: "10 comedies like Airplane!" without Comedy, "no
    horror or romance" without horror, "more like the second one" without the 2."""
    missing = [name for name, said, kept in (
        ("genres", set(rules.genres) - set(q.genres), False),
        ("exclude_genres", set(rules.exclude_genres) - set(q.exclude_genres), False),
        ("years", rules.year_from or rules.year_to, q.year_from or q.year_to),
        ("count", rules.k_requested, q.k_requested),
        ("ref", rules.ref is not None, q.ref is not None or q.item_ids)) if said and not kept]
    return ("omits", "the message also says " + ", ".join(missing)) if missing else None


def _cue_fields(q: Query, rules: Query, rejected) -> Query:
    """Fields that are pure readings of a cue word come from the rules when both agree
    on the intent: top-rated vs most-watched ("trending") vs hidden gems, what an info
    question asks about, "fewer", "older" / "newer", "the original" / "the remake" —
    and the rating value, which the rules read exactly ("4 stars")."""
    changes = {}
    if q.intent is rules.intent:
        changes = {f: getattr(rules, f) for f in ("rank_by", "topic", "fewer",
                                                    "years_relative", "version")
                   if getattr(q, f) != getattr(rules, f)}
    seen = ("seen_refs", "seen_titles", "seen_item_ids")
    if any(getattr(q, f) != getattr(rules, f) for f in seen):
        if q.seen_refs or q.seen_item_ids:
            rejected.append(("write", "seen marks as the rules read them"))
        changes.update({f: getattr(rules, f) for f in seen})
    if q.rating is not None and rules.rating is not None and q.rating != rules.rating:
        rejected.append(("write", f"rating {q.rating:g} -> {rules.rating:g} as the "
                                  "message states it"))
        changes.update(rating=rules.rating, ratings=rules.ratings)
    return q.with_(**changes) if changes else q
