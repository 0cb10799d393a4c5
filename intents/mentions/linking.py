"""Linking words of a message to films: a catalog title (exact, a title's first words, or
a fuzzy match), a title read whole before any cue (a sentinel word), or a reference to the
last list ("the second one", "it", "the first two"); and lists of them ("Fargo, Heat and
Seven"). Used by the frames of intents/rules/slots.py, which decide where a film starts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from intents.lexicon import cues
from intents.lexicon.names import is_person
from intents.lexicon.refs import range_at, ref_at
from intents.lexicon.text import Token
from intents.mentions.detector import MentionDetector, short_word
from intents.mentions.features import View
from intents.mentions.sequels import sequel_mark
from intents.mentions.spans import cut
from intents.mentions.titlelike import TitleLikeness
from intents.mentions.titles import ALIAS, TitleMatch, split_year
from intents.query import FOCUS

MAX_SPAN = 20            # a title is at most this many words
STRICT_ACCEPT = 88.0     # fuzzy score needed when only a weak cue says "this is a title"
_LIST_JOIN = frozenset({"and", "or", "plus", "nor"})
_RAW_WORD = re.compile(r"[\w']+")
# after these nouns "that"/"which" starts a relative clause ("movies that are boring")
_RELATIVE_AFTER = frozenset("movies movie films film flicks ones stuff something anything "
                            "things shows".split())
_FRAMING = ("movie", "film", "watching", "seeing")
# words that start talk, never a film ("tell me about yourself")
_NOT_A_TITLE = frozenset("""you yourself yourselves me myself us it this that these those
them all everything anything something nothing movies films your my our their his her
what how why who where when which there here""".split())
# words that may follow a title that starts with a common word ("I loved My Family too")
_AFTER_TITLE = frozenset("and or but too also a lot so much was is please though very".split())


@dataclass
class Mention:
    """One film named in the message: a catalog match (maybe unmatched, with
    candidates) or a reference to the last list; its token range; its rating."""

    match: TitleMatch | None
    ref: int | None
    start: int
    end: int
    rating: float | None = None


@dataclass
class Message:
    """A cleaned message: its text, tokens, words and the titles read so far."""

    raw: str                            # as typed (capitals tell a title from a word)
    text: str
    toks: list[Token]
    words: list[str]
    titles: dict[int, TitleMatch]       # sentinel number -> match
    breaks: frozenset[int]              # tokens that follow , . ; ! ?
    constraint_tokens: frozenset[int] = frozenset()   # genre / year words
    caps: list[bool] = field(default_factory=list)    # tokens written with a capital

    @cached_property
    def capitalised(self) -> tuple[frozenset[str], str | None]:
        """(words written with a capital somewhere after the message's start, the first
        word when it has one), lowercased as the parser's words are."""
        later, first = set(), None
        for n, hit in enumerate(_RAW_WORD.finditer(self.raw)):
            if hit.group()[:1].isupper():
                if n == 0:
                    first = hit.group().lower()
                else:
                    later.add(hit.group().lower())
        return frozenset(later), first

    @cached_property
    def view(self) -> View:
        caps = self.caps if len(self.caps) == len(self.words) else [False] * len(self.words)
        return View(self.text, self.toks, self.words, caps)


@dataclass
class Slot:
    kind: str       # bare | choose | why | info | rate | similar | sentiment | seen | mention | fuzzy
    mentions: list[Mention] = field(default_factory=list)
    topic: str | None = None
    masked: set[int] = field(default_factory=set)   # tokens that are not cues/genres/counts
    aside: list[Mention] = field(default_factory=list)  # other films given an opinion

    @property
    def rating(self) -> float | None:
        return self.mentions[0].rating if self.mentions else None


class Linker:
    """Links token spans of a message to one catalog's titles."""

    def __init__(self, matcher, genre_words: frozenset[str], detector: MentionDetector):
        self.titles = matcher
        self.genre_words = genre_words
        self.detector = detector
        self.titlelike = TitleLikeness(matcher.words.zipf)

    def missing(self, m: Message, s: int, e: int, match: TitleMatch,
                asked: bool = False, framed: bool = False) -> Mention | None:
        """Words s..e as a film the catalog lacks, when they look like a title (titlelike.py)
        or the question says they name one (`framed`: "do you have X"); else None."""
        if match.score < ALIAS and (is_person(m.words[s:e], m.view.caps[s:e]) or not (
                framed or self.titlelike.title_like(m.view, s, e, match.score, asked))):
            return None      # a person, or talk (a catalog title written exactly is a title)
        return Mention(TitleMatch(None, match.score, match.candidates), None, s, e)

    def _p(self, m: Message, s: int, e: int, hit: TitleMatch, kind: str | None = None) -> float:
        """How likely the words s..e name `hit`'s film (the mention model; the frame
        around them counts as evidence)."""
        kind = kind or ("exact" if hit.score >= 100 else "alias")
        return self.detector.p(m.view, s, e, hit, kind)

    def _link(self, m: Message, s: int, e: int, hit: TitleMatch | None,
              kind: str | None = None) -> TitleMatch | None:
        """`hit` when the model takes the words s..e for its film, else None."""
        if hit is None or hit.index is None:
            return hit
        return self.detector.judged(hit, self._p(m, s, e, hit, kind))

    def _ask(self, s: int, e: int, hit: TitleMatch) -> Mention:
        """Not sure enough to link: the film as a "did you mean" candidate."""
        return Mention(TitleMatch(None, hit.score, hit.candidates), None, s, e)

    def resolve(self, m: Message, s: int, e: int, strict: bool,
                pronouns: bool = True, listed: bool = False) -> Mention | None:
        """Link the words from token s (before e) to a film or a reference; `listed`:
        they follow a film in a list, which counts as evidence."""
        words = m.words
        while s < e and (words[s] in _FRAMING or (
                s + 1 < e and words[s] == "the" and words[s + 1] in ("movie", "film"))):
            s += 2 if words[s] == "the" else 1
        if s >= e:
            return None
        n = cues.sentinel_index(words[s])
        if n is not None:
            return Mention(m.titles[n], None, s, s + 1)
        ref = ref_at(words, s, pronouns=pronouns)
        if ref is not None and ref[1] <= e:
            return Mention(None, ref[0], s, ref[1])
        top = min(e, s + MAX_SPAN)
        if words[s] in cues.GENERIC and words[s] not in ("the", "a", "an"):
            # only a whole title may start with "my", "good", "this"... ("My Family")
            for j in range(top, s + 1, -1):
                hit = self._link(m, s, j, self.titles.exact(" ".join(words[s:j])))
                if hit and (j == e or j in m.breaks or words[j] in _AFTER_TITLE):
                    return Mention(hit, None, s, j)
            return None
        end = cut(m.text, m.toks, words, s, top)
        # longest span first; at equal length an exact title beats a title prefix, but
        # a longer prefix beats a shorter exact ("terminator 2" is not "Terminator, The");
        # once the model turns down a whole title, a shorter piece of it names no other
        # film ("Paris, France" is not "Paris, Texas")
        declined, turned_down = None, False
        for j in range(top, s, -1):
            span = " ".join(words[s:j])
            exact = self.titles.exact(span) or self.titles.exact(*split_year(span))
            if exact is not None:
                if n := sequel_mark(words, m.text[m.toks[j].end:] if j < len(words) else "", j):
                    return self._ask(s, j + n, exact)        # "toy story 4" (sequels.py)
                p = self._p(m, s, j, exact)
                before_film = j + 1 < len(words) and words[j] in _LIST_JOIN \
                    and cues.sentinel_index(words[j + 1]) is not None   # "heat and [Casino]"
                if p >= (self.detector.ask if listed or before_film else self.detector.threshold):
                    return Mention(replace(exact, sure=p >= self.detector.write), None, s, j)
                if declined is None and not turned_down and p >= self.detector.ask:
                    declined = self._ask(s, j, exact)       # "did you mean ...?"
                turned_down = True
            hit = self.titles.prefix(span)
            if hit is not None and hit.index is not None and (turned_down or self._p(
                    m, s, j, hit, "prefix") < self.detector.threshold):
                continue
            content = sum(w not in ("the", "a", "an") for w in words[s:j])
            if hit is None or (strict and content < 2 and hit.score < 95.0) \
                    or (strict and j < end):
                continue        # strict: "(the) next" is not "The Next Karate Kid", nor
                                # "the new york skyline" "New York Cop"
            if hit.index is not None and j < end:   # "twelve monkies": the typo of a
                whole = self._link(m, s, end, self.titles.fuzzy(   # longer title beats
                    *split_year(" ".join(words[s:end]))), "fuzzy")  # a prefix
                if whole is not None and whole.index is not None and whole.score >= hit.score:
                    return Mention(whole, None, s, end)
            if hit.index is not None or j >= end:   # "star trek" is ambiguous; "star
                return Mention(hit, None, s, j)     # wors" is a typo, not "star ..."
        if declined is not None or turned_down:
            return declined          # once a whole title is turned down, a shorter
                                     # piece of it names no other film
        if end <= s or all(w in self.genre_words or w in cues.GENERIC for w in words[s:end]):
            return None
        match = self.titles.fuzzy(*split_year(" ".join(words[s:end])))
        if match.index is not None:
            p = self._p(m, s, end, match, "fuzzy")
            if p < self.detector.ask:
                return None          # "have a great day" is no film
            if p < self.detector.threshold or short_word(words[s:end], match):   # many close
                match = TitleMatch(None, match.score, match.candidates)   # neighbours: ask
        if strict and (match.index is None or match.score < STRICT_ACCEPT):
            inside = self._contained(m, s, end)                     # "the life of brian"
            return Mention(inside, None, s, end) if inside is not None else None
        if match.index is None:
            return self.missing(m, s, end, match)
        return Mention(match, None, s, end)

    def _contained(self, m: Message, s: int, e: int) -> TitleMatch | None:
        """A title named by a piece of it ("the life of brian"): linked when the model
        takes it for that film, a "did you mean" when it is unsure, else None."""
        inside = self.titles.contained(" ".join(m.words[s:e]))
        if inside is None:
            return None
        p = self._p(m, s, e, inside, "contained")
        if p >= self.detector.threshold:
            return inside
        return self._ask(s, e, inside).match if p >= self.detector.ask else None

    def resolve_back(self, m: Message, s: int, e: int) -> Mention | None:
        """Like resolve, for a film that *ends* at e ("X was terrible")."""
        words = m.words
        for i in range(max(s, e - MAX_SPAN), e):
            n = cues.sentinel_index(words[i]) if i == e - 1 else None
            if n is not None:
                return Mention(m.titles[n], None, i, e)
            ref = ref_at(words, i)
            if ref is not None and ref[1] == e and not (
                    ref[0] == FOCUS and i > 0 and (words[i - 1] in self.genre_words
                                                   or words[i - 1] in _RELATIVE_AFTER)):
                return Mention(None, ref[0], i, e)      # "comedies that are boring":
                                                        # 'that' is no film
            span = " ".join(words[i:e])
            hit = self._link(m, i, e, self.titles.exact(span) or self.titles.exact(
                *split_year(span)))
            if hit:
                return Mention(hit, None, i, e)
        for i in range(max(s, e - MAX_SPAN), e):
            if words[i] in cues.GENERIC and words[i] not in ("the", "a", "an"):
                continue
            match = self.titles.fuzzy(*split_year(" ".join(words[i:e])))
            if match.index is not None and match.score >= STRICT_ACCEPT and \
                    self._link(m, i, e, match, "fuzzy") is not None:
                return Mention(match, None, i, e)
            break
        return None

    def resolve_list(self, m: Message, s: int, e: int, strict: bool,
                     pronouns: bool = True) -> list[Mention]:
        """A film at s, then every "and Y" / ", Y" / "or Y" after it."""
        span = range_at(m.words, s)
        if span is not None and span[1] <= e:      # "the first two"
            return [Mention(None, ref, s, span[1]) for ref in span[0]]
        first = self.resolve(m, s, e, strict, pronouns)
        return self.more_of_list(m, [first], e) if first is not None else []

    def more_of_list(self, m: Message, found: list[Mention], e: int) -> list[Mention]:
        """`found` (films read so far, the last one ending where a list may go on) and
        every "and Y" / ", Y" / "or Y" after it, up to token e."""
        while True:
            j = found[-1].end
            comma = j in m.breaks and j < e and m.text[m.toks[j - 1].end:m.toks[j].start] \
                .strip() == ","
            if j < e and (m.words[j] in _LIST_JOIN or comma):
                k = j if comma and m.words[j] not in _LIST_JOIN else j + 1
                # after a film (ours or one we lack), "and Y" is likely a film too:
                # the model's question band is enough to link it ("Fargo and Heat",
                # "Safe Haven and While You Were Sleeping")
                nxt = self.resolve(m, k, e, strict=True, pronouns=False,
                                   listed=found[-1].match is not None)
                if nxt is not None and (nxt.match is None or nxt.match.index is not None):
                    found.append(nxt)
                    continue
            return _listed_together(found)

    def unknown(self, m: Message, s: int, e: int, asked: bool = False,
                framed: bool = False) -> Mention | None:
        """The words s..e as a film the catalog does not have ("tell me about
        Inception"): an unmatched mention with the closest candidates, when they
        look like a title rather than talk ("yourself", "comedies", "something")."""
        e = cut(m.text, m.toks, m.words, s, e) if s < e else e   # not over a title read
        words = [w for w in m.words[s:e] if w not in cues.SPAN_TRAIL]
        if not words or len(words) > 8 or words[0] in _NOT_A_TITLE \
                or cues.sentinel_index(words[0]) is not None \
                or all(w in self.genre_words or w in cues.GENERIC or w in _NOT_A_TITLE
                       for w in words):
            return None
        inside = self._contained(m, s, s + len(words))
        if inside is not None:                  # "the holy grail one with monty python"
            return Mention(inside, None, s, s + len(words))
        guess = self.titles.fuzzy(*split_year(" ".join(words)))
        return self.missing(m, s, s + len(words), guess, asked, framed)


def _listed_together(found: list[Mention]) -> list[Mention]:
    """In a list with a film in it ("heat and casino"), a title written exactly that the
    model was unsure of is a film too; when all are written exactly ("seen psycho and the
    shining"), each is sure enough for a write: catalog titles seldom join by chance."""
    if len(found) < 2 or not any(f.match is not None and f.match.index is not None
                                 for f in found):
        return found
    for f in found:
        m = f.match
        if m is not None and m.index is None and m.candidates and m.candidates[0][1] >= ALIAS:
            f.match = TitleMatch(m.candidates[0][0], m.candidates[0][1], m.candidates)
    exact = all(f.match is not None and f.match.index is not None and f.match.score >= ALIAS
                for f in found)
    return [replace(f, match=replace(f.match, sure=True)) if exact else f for f in found]
