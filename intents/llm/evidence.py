"""What a message itself can vouch for, read with the rule parser's own vocabulary:
`Evidence(text, catalog)`. The guards (intents/llm/guards.py) check an LLM answer
against it — a title only if some span of the message links to that very film, a
count only if the message says that number, a genre only if the message (or its mood
table) names it, a rating only next to a statement or rating cue.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from intents.catalog import TitleCatalog
from intents.lexicon import cues, talk
from intents.lexicon.counts import NUMBER_WORDS
from intents.lexicon.refs import bare_ref, ref_at
from intents.lexicon.text import clean, tokens
from intents.lexicon.years import find_years
from intents.mentions.titles import ACCEPT, split_year

MAX_SPAN = 12            # words in a title span, as the rule parser
MAX_SCAN = 80            # words of the message scanned for titles
_QUANTIFIERS = {("a", "couple"): 2, ("a", "few"): 3, ("a", "dozen"): 12,
                ("half", "a", "dozen"): 6, ("a", "pair"): 2, ("a", "handful"): 5}
_SPAN_FILLER = frozenset("the a an movie film".split())
# "4 stars", "8/10", "rate it": not the "star" of "Star Wars"
_RATING_CUE = re.compile(r"\b(?:rate|rated|rating)\b|\b(?:\d+(?:\.\d+)?|one|two|three|four|"
                         r"five|half)\s*stars?\b|\d\s*/\s*(?:5|10)\b|\bout\s+of\s+(?:5|10|"
                         r"five|ten)\b")
_INFO_CUE = re.compile(r"\?|\b(?:tell|about|who|what|when|how|is|info|details)\b")


class Evidence:
    """Facts of one message, computed lazily (most guards need only a few)."""

    def __init__(self, text: str, catalog: TitleCatalog) -> None:
        self.catalog = catalog
        raw = text if isinstance(text, str) else str(text or "")
        self.text = clean(raw)[:2000]
        self.toks = tokens(self.text)
        self.words = [t.word for t in self.toks]
        # the same characters before lowercasing (for "Fargo" vs "the game")
        cased = " ".join(unicodedata.normalize("NFKC", raw).replace("&", " and ").split())
        self._cased = cased[:2000] if len(cased[:2000]) == len(self.text) else self.text

    # -- titles ---------------------------------------------------------------------
    def title_span(self, index: int) -> tuple[int, int, float] | None:
        """(start, end, score) of the best message span that links to catalog film
        `index` with the rule parser's matcher, else None. A span made only of genre
        or generic words never names a film ("cowboys" is not "The Cowboy Way")."""
        return self._links.get(index)

    @cached_property
    def _links(self) -> dict[int, tuple[int, int, float]]:
        """One pass over the message's spans (the first MAX_SCAN words): the film each
        span links to, best span per film. Bounded, so a long message costs at most
        MAX_SCAN * MAX_SPAN matcher calls however many titles the LLM names."""
        matcher = self.catalog.titles_matcher
        best: dict[int, tuple[int, int, float]] = {}
        n = min(len(self.words), MAX_SCAN)
        for s in range(n):
            if self.words[s] in _SPAN_FILLER:
                continue
            for e in range(min(n, s + MAX_SPAN), s, -1):
                span_words = self.words[s:e]
                if all(w in self._genre_words or w in cues.GENERIC for w in span_words):
                    continue
                span, year = split_year(" ".join(span_words))
                hit = matcher.exact(span, year) or matcher.prefix(span)
                if hit is None or hit.index is None:
                    hit = matcher.fuzzy(span, year) if len(span) >= 3 else None
                if hit is not None and hit.index is not None and hit.score >= ACCEPT:
                    old = best.get(hit.index)
                    if old is None or hit.score > old[2]:
                        best[hit.index] = (s, e, float(hit.score))
        return best

    def strong_span(self, start: int, end: int) -> bool:
        """A span that names a film on its own: two words or more besides articles, or
        a word written with a capital or inside quotes. "who won the game" has only
        "game": a common word the rules deliberately do not read as "The Game"."""
        content = [i for i in range(start, end) if self.words[i] not in _SPAN_FILLER]
        if len(content) >= 2:
            return True
        for i in content:
            t = self.toks[i]
            before = self._cased[max(0, t.start - 1):t.start]
            if self._cased[t.start:t.start + 1].isupper() or before in ("\"", "'"):
                return True
        return False

    def phrase_tokens(self, words: str) -> set[int]:
        """Token positions of the first occurrence of `words` in the message."""
        needle = [t.word for t in tokens(clean(words))]
        n = len(needle)
        for i in range(len(self.words) - n + 1):
            if n and self.words[i:i + n] == needle:
                return set(range(i, i + n))
        return set()

    def as_written(self, words: str) -> str:
        """`words` as the message spells them (normalised like the rules' spans)."""
        return " ".join(t.word for t in tokens(clean(words)))

    def phrase(self, words: str) -> bool:
        """The words (as the LLM copied them) occur in the message and could be a
        title: not only genre or generic words ("cowboys", "something funny")."""
        needle = [t.word for t in tokens(clean(words))]
        if not needle or all(w in self._genre_words or w in cues.GENERIC for w in needle):
            return False
        return f" {' '.join(needle)} " in f" {' '.join(self.words)} "

    # -- counts, genres, years, references ----------------------------------------------
    def numbers(self, outside: set[int] = frozenset()) -> set[int]:
        """Every count the message could mean: digits and number words, outside the
        given token positions (a title's words)."""
        found = set()
        for i, w in enumerate(self.words):
            if i in outside:
                continue
            if w.isdigit() and len(w) <= 18:
                found.add(int(w))
            elif w in NUMBER_WORDS:
                found.add(NUMBER_WORDS[w])
        for phrase, value in _QUANTIFIERS.items():
            size = len(phrase)
            if any(tuple(self.words[i:i + size]) == phrase for i in range(len(self.words))):
                found.add(value)
        return found

    def genres(self, outside: set[int] = frozenset()) -> set[str]:
        """Genres the message names (synonyms, moods, small typos), outside a title."""
        words = ["" if i in outside else w for i, w in enumerate(self.words)]
        return {h.genre for h in self.catalog.genres_matcher.find(words)}

    def years_outside(self, taken: set[int] = frozenset()) -> bool:
        """A year, decade or "recent"/"old" outside the given tokens (a title's:
        "cape fear 1962" picks a film, it asks for no year)."""
        newest = max((y for y in self.catalog.years if y), default=None)
        return bool(find_years(["" if i in taken else w for i, w in enumerate(self.words)],
                               newest))

    @cached_property
    def refs(self) -> set[int]:
        """Positions of the last list the message can point at ("the second one",
        "number 3", "it", "all of them"); a bare small number too."""
        found = {r[0] for i in range(len(self.words)) if (r := ref_at(self.words, i))}
        bare = bare_ref(self.words)
        if bare is not None:
            found.add(bare)
        if talk.answer(self.words) == "yes":      # "yes" answers "did you mean" with 1
            found.add(1)
        return found

    # -- cues -------------------------------------------------------------------------
    @cached_property
    def statement(self) -> bool:
        """An opinion or rating cue: "I loved", "was terrible", "4 stars", "rate"."""
        t = self.text
        return any(rx.search(t) for _, rx in cues.SENTIMENT_BEFORE) or \
            any(rx.search(t) for _, rx in cues.SENTIMENT_AFTER) or \
            any(rx.search(t) for rx in cues.RATE) or \
            bool(_RATING_CUE.search(t))

    @cached_property
    def seen(self) -> bool:
        return bool(talk.SEEN.search(self.text) or talk.SEEN_AFTER.search(self.text))

    def cue(self, intent: str) -> bool:
        """The message carries the rule parser's cue for a title-less intent."""
        t = self.text
        if intent == "help":
            return bool(cues.HELP.search(t))
        if intent == "greet":
            return bool(cues.GREET.search(t))
        if intent == "thanks":
            return any(w in talk.THANKS_WORDS for w in self.words) or \
                talk.is_thanks(self.words)[0]          # "that's all for now"
        if intent == "why":
            return bool(talk.WHY.search(t))
        if intent == "more":
            return bool(cues.MORE.search(t))
        if intent == "popular":
            return bool(cues.POPULAR.search(t) or talk.BY_COUNT.search(t))
        if intent == "request":
            return bool(cues.REQUEST.search(t))
        if intent == "info":
            return bool(_INFO_CUE.search(t))
        if intent == "answer":
            return talk.answer(self.words) is not None or bool(self.refs)
        raise ValueError(f"no cue table for {intent!r}")

    @cached_property
    def _genre_words(self) -> frozenset[str]:
        return frozenset(p[0] for p in self.catalog.genres_matcher.phrases)
