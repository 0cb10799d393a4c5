"""`--parser llm`: the rule parser answers first; the LLM is asked only when the rules
are unsure, and its (guarded) answer only fills what the rules could not place.

    CascadeParser(rules, llm).parse(text, context=None) -> Query

Unsure (`unsure(query, text)`, a few microseconds on the common path):
- the rules said `unknown` about a message with words in it;
- a film was named but not linked (`unknown_title` / "did you mean" candidates), or
  linked only by a weak fuzzy match (confidence below SURE_TITLE);
- words the rules could not place: not in their vocabulary, not a genre, number or
  the linked title's words ("movies with spaceships").

Merge (never worse than the rules on what they were sure of): an `unknown` is replaced
by the LLM's answer; an unlinked or weakly linked film is replaced by the LLM's linked
film (the guards proved a span of the message names it); constraints and counts the
rules left empty may be filled when both agree on the intent. Everything else stays
the rules'. Sure turns never reach the network.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from intents.context import ConversationContext
from intents.lexicon import cues, talk
from intents.lexicon.counts import NUMBER_WORDS
from intents.lexicon.refs import ORDINALS
from intents.lexicon.text import norm, tokens
from intents.llm.parser import FALLBACK, LLMParser
from intents.mentions.titles import title_forms
from intents.query import Intent, Query
from intents.rules.constraints import NEGATORS

SURE_TITLE = 90.0
_FILM_FIELDS = ("titles", "item_ids", "title", "item_id", "confidence", "ref", "refs",
                "unknown_title", "candidates")
_FILM_INTENTS = (Intent.SIMILAR, Intent.RATE, Intent.SEEN, Intent.INFO, Intent.WHY,
                 Intent.CHOOSE)
_FILL_FIELDS = ("genres", "exclude_genres", "year_from", "year_to", "k", "k_requested")
# everyday words no rule needs to place (articles, pronouns, auxiliaries, fillers)
_COMMON = frozenset("""a an the i me my mine we us our you your it its this that these
those he she they them his her their there here is are was were be been being am do does
did done have has had having will would shall should can could may might must to of in
on at by for with from up down out over under about into than then so too very just
only also even still really please pls thanks thank ok okay yeah yes no not and or but
if when while what which who whom whose how why where some any all each every more most
other others another such own same few many much lot lots one ones thing things stuff
kind sort type get got give go going want wanna need like love see watch watched show
tell let make made know think good great nice new old movie movies film films flick
flicks something anything tonight today now maybe perhaps bit little early mid late
decade decades century twenties thirties forties fifties sixties seventies eighties
nineties year years half between number episode part chapter""".split())


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Every word the rule parser's cue patterns and word lists are made of."""
    words: set[str] = set(_COMMON) | set(NUMBER_WORDS) | set(ORDINALS) | set(NEGATORS)
    patterns = [v for m in (cues, talk) for v in vars(m).values()]
    for value in patterns:
        items = value if isinstance(value, list) else [value]
        for item in items:
            rx = item[-1] if isinstance(item, tuple) else item
            if isinstance(rx, re.Pattern):
                source = rx.pattern.replace("\\b", " ").replace("'", "")   # didn't -> didnt
                words.update(re.findall(r"[a-z]{2,}", source))
            elif isinstance(rx, (frozenset, set)):
                words.update(w for w in rx if isinstance(w, str))
    return frozenset(words)


@lru_cache(maxsize=4096)
def _title_words(title: str) -> frozenset[str]:
    canon, alias = title_forms(title)
    return frozenset(w for form in canon + alias for w in form.split())


def unsure(query: Query, text: str, genre_words: frozenset[str] = frozenset()) -> str | None:
    """Why the rules' reading of `text` should be checked by the LLM, or None."""
    if query.intent is Intent.UNKNOWN:
        return "the rules read no intent" if re.search(r"[^\W\d_]", text) else None
    if query.unknown_title is not None or (query.candidates and not query.item_ids):
        return "a film was named but not linked"
    if query.confidence is not None and query.confidence < SURE_TITLE:
        return f"weak title match ({query.confidence:g})"
    placed = _vocabulary() | genre_words
    title_words = frozenset().union(*(_title_words(t) for t in query.titles))
    left = [w for w in (t.word for t in tokens(norm(text)))
            if w not in placed and w not in title_words and not w.isdigit()
            and not w.rstrip("s").isdigit()]
    return f"words the rules could not place: {' '.join(left[:5])}" if left else None


class CascadeParser:
    """Rules first, the LLM only where the rules are unsure (module docstring)."""

    name = "llm"
    blocking = True

    def __init__(self, llm: LLMParser) -> None:
        self.llm, self.rules = llm, llm.fallback
        self.catalog = llm.catalog
        self._genre_words = frozenset(w for p in self.catalog.genres_matcher.phrases
                                      for w in p)

    def warm_up(self, block: bool = False):
        return self.llm.warm_up(block)

    def parse(self, text: str, context: ConversationContext | None = None) -> Query:
        text = text if isinstance(text, str) else str(text or "")
        rules = self.rules.parse(text)
        why = unsure(rules, text, self._genre_words)
        if why is None:
            return rules
        outcome = self.llm.consult(text, rules, context)
        if outcome.query is None:
            return self.llm.fell_back(rules, outcome)
        return merge(rules, outcome.query)


def merge(rules: Query, answer: Query) -> Query:
    """The rules' Query with what the guarded LLM answer adds (module docstring)."""
    if rules.intent is Intent.UNKNOWN:
        return answer if answer.intent is not Intent.UNKNOWN else rules
    changes: dict = {}
    weak = not rules.item_ids or (rules.confidence or 0) < SURE_TITLE
    if weak and answer.item_ids and rules.ref is None \
            and (answer.confidence or 0) > (rules.confidence or 0):
        changes.update({f: getattr(answer, f) for f in _FILM_FIELDS})
        if rules.intent not in _FILM_INTENTS and rules.rating is None:
            changes["intent"] = answer.intent    # "what would a fargo fan watch"
    if answer.intent is rules.intent:
        for f in _FILL_FIELDS:
            if not getattr(rules, f) and getattr(answer, f) and f != "k":
                changes[f] = getattr(answer, f)
        if "k_requested" in changes:
            changes["k"] = answer.k
        if "genres" in changes:
            changes["genre"] = answer.genre
    if not changes:
        return rules
    return replace(rules, parser="llm", fallback_reason=None, **changes)


__all__ = ["CascadeParser", "FALLBACK", "merge", "unsure"]
