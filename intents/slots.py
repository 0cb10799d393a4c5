"""Which films a message names, and in what frame: the title slot of the rule parser.

A frame is the cue that introduces films ("why ...", "tell me about ...", "rate X 4
stars", "movies like ...", "I loved ...", "I've seen ...") or none (the whole message
is a title, a reference or a misspelt title). Frames are tried in a fixed priority
(`SlotFinder.find`); the first that links a film — or a reference to the last list
("the second one") — wins. After a film, "and Y", ", Y" and "or Y" add more films.

Titles found whole before any cue was read are sentinels by now ("qqtitle0qq"), so a
cue word inside a title is never a cue, and `resolve` links a sentinel directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from intents import cues, talk
from intents.entities import rating_value
from intents.linking import STRICT_ACCEPT, Linker, Mention, Message
from intents.query import FOCUS
from intents.refs import ref_at
from intents.spans import token_range
from intents.titles import TitleMatch, split_year

# words that make "like X" a film request even when X matches no title
_FILM_CONTEXT = re.compile(
    r"\b(?:movies?|films?|flicks?|something|anything|recommend\w*|suggest\w*|similar|vein|"
    r"watch|ones?)\b")
_PRONOUNS = frozenset("i me my you your we us our".split())
_QUESTION_WORDS = frozenset("""what whats how why where when who which whose is are do does
did can could would should will shall am was were may might""".split())
_CHAT_NOISE = frozenset("""lol lmao haha hahaha hmm hm hmmm k kk test testing asdf ugh meh
wow oops um uh er erm huh ah oh idk dunno whatever nothing nvm""".split())


@dataclass
class Slot:
    kind: str       # bare | choose | why | info | rate | similar | sentiment | seen | mention | fuzzy
    mentions: list[Mention] = field(default_factory=list)
    topic: str | None = None
    masked: set[int] = field(default_factory=set)   # tokens that are not cues/genres/counts

    @property
    def rating(self) -> float | None:
        return self.mentions[0].rating if self.mentions else None


class SlotFinder:
    """Finds the film slot of one message over one catalog's title matcher."""

    def __init__(self, matcher, genre_words: frozenset[str]):
        self.titles = matcher
        self.genre_words = genre_words
        self.link = Linker(matcher, genre_words)

    # -- frames ------------------------------------------------------------------------
    def find(self, m: Message, core: tuple[int, int] | None) -> Slot | None:
        """The slot of the first frame that links a film (see module docstring)."""
        for frame in (self._bare, self._why, self._info, self._rate, self._similar,
                      self._sentiment, self._seen, self._mention):
            slot = frame(m, core)
            if slot is not None:
                if slot.kind != "bare" and slot.mentions and slot.mentions[0].ref == FOCUS:
                    self._name_the_focus(m, slot)
                for mention in slot.mentions:
                    slot.masked.update(range(mention.start, mention.end))
                return slot
        return None

    def _name_the_focus(self, m: Message, slot: Slot) -> None:
        """"I saw Fargo and loved it", "I loved The Birds, what else is like it?":
        'it' is the film the same message names."""
        focus = slot.mentions[0]
        positions = [Mention(None, r[0], i, r[1]) for i in range(len(m.words))
                     if (r := ref_at(m.words, i, pronouns=False)) is not None]
        for other in self._sentinels(m) + self._sentiment_mentions(m) \
                + self._seen_mentions(m) + positions:
            if other.ref is not None and other.ref != FOCUS \
                    and not (focus.start <= other.start < focus.end):
                slot.mentions[0] = Mention(None, other.ref, other.start, other.end,
                                           focus.rating)
                slot.masked.update(range(focus.start, focus.end))
                return
            if other.match is not None and other.match.index is not None \
                    and not (focus.start <= other.start < focus.end):
                rating = focus.rating if focus.rating is not None else other.rating
                slot.mentions[0] = Mention(other.match, None, other.start, other.end, rating)
                slot.masked.update(range(focus.start, focus.end))
                return

    def _bare(self, m: Message, core) -> Slot | None:
        """The whole message (without framing words) is one title or a reference."""
        if core is None:
            return None
        s, e = core
        words = m.words[s:e]
        if len(words) == 1 and cues.sentinel_index(words[0]) is not None:
            return Slot("bare", [Mention(m.titles[cues.sentinel_index(words[0])], None, s, e)])
        span, year = split_year(" ".join(words))
        hit = self.titles.exact(" ".join(words)) or self.titles.exact(span, year)
        if hit and (not self._is_vocabulary(m.text, words) or _written_as_title(m, words)):
            return Slot("bare", [Mention(hit, None, s, e)])
        return None

    def _is_vocabulary(self, c: str, words: list[str]) -> bool:
        """True when a would-be bare title is really a request word ("kids", "help")."""
        if all(w in self.genre_words or w in cues.GENERIC for w in words):
            return True
        return bool(cues.HELP.search(c) or cues.GREET.fullmatch(c) or cues.MORE.search(c)
                    or talk.is_thanks(words)[0] or talk.answer(words))

    def _why(self, m: Message, core) -> Slot | None:
        if not talk.WHY.search(m.text):
            return None
        target = talk.WHY_TARGET.search(m.text)
        mentions = []
        if target:
            s, _ = token_range(m.toks, target.start("t"), target.start("t") + 1)
            mentions = self.link.resolve_list(m, s, len(m.words), strict=True)
        if not mentions:
            mentions = self._sentinels(m)
        return Slot("why", mentions)

    def _info(self, m: Message, core) -> Slot | None:
        about = talk.INFO_ABOUT.search(m.text)
        if about:
            s, e = token_range(m.toks, about.start("t"), about.end("t"))
            found = self.link.resolve(m, s, e, strict=True)
            if found is not None and found.end == e:
                return Slot("info", [found], topic="plot")
        for topic, rx in talk.INFO:
            hit = rx.search(m.text)
            if not hit:
                continue
            s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
            e = next((i for i in range(s + 1, len(m.words))
                      if m.words[i] in talk.INFO_TAIL), len(m.words))
            found = self.link.resolve_list(m, s, e, strict=True)
            if rx is talk.INFO[-1][1]:     # "what is X": only a film named exactly
                if found and self._covers(m, found, e) and (
                        found[0].ref is not None or found[0].match.score >= 96.0):
                    return Slot("info", found, topic=topic)
                continue                   # "what is the best comedy": not about a film
            if not found and topic != "genre" and \
                    (unknown := self.link.unknown(m, s, e)) is not None:
                found = [unknown]          # "tell me about Inception": say we don't know it
            if found:
                return Slot("info", found, topic=topic)
        return None

    def _covers(self, m: Message, found: list[Mention], e: int) -> bool:
        """The films reach the end of the question (trailing filler aside)."""
        return all(w in cues.SPAN_TRAIL for w in m.words[found[-1].end:e])

    def _rate(self, m: Message, core) -> Slot | None:
        several = self._rate_clauses(m)
        if several:
            return several
        for pattern_no, rx in enumerate(cues.RATE):
            hit = rx.search(m.text)
            if not hit:
                continue
            s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
            found = self.link.resolve_list(m, s, e, strict=pattern_no == 1)
            if found:
                r0, _ = token_range(m.toks, hit.start("r"), hit.end())
                rating = rating_value(hit.group("r"), hit.groupdict().get("scale"))
                for f in found:
                    f.rating = rating
                return Slot("rate", found, masked=set(range(r0, len(m.toks))))
        return None

    def _rate_clauses(self, m: Message) -> Slot | None:
        """"rate Fargo 4 and Heat 2": one rating per film, each its own clause."""
        lead = cues.RATE_LEAD.match(m.text)
        if lead is None:
            return None
        found, pos = [], lead.end()
        for hit in cues.RATE_CLAUSE.finditer(m.text, pos):
            if hit.start() != pos:
                return None                 # something between clauses: not this shape
            s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
            films = self.link.resolve_list(m, s, e, strict=False)
            if len(films) != 1 or films[0].end != e:
                return None
            films[0].rating = rating_value(hit.group("r"), hit.group("scale"))
            found.append(films[0])
            pos = hit.end()
        if pos != len(m.text) or len(found) < 2:
            return None
        return Slot("rate", found, masked=set(range(len(m.words))))  # numbers are ratings

    def _similar(self, m: Message, core) -> Slot | None:
        for hit in cues.SIMILAR.finditer(m.text):
            s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
            found = self.link.resolve_list(m, s, len(m.words), strict=False)
            if not found:
                continue
            if found[0].ref is not None and found[0].ref <= 0 and re.search(
                    r"\bmore\s+like\s+$", m.text[:hit.start("t")]) and not re.match(
                    r"(?:it|(?:that|this)\s+(?:one|film|movie))\b", m.text[hit.start("t"):]):
                continue       # "more like this": the next page; "more like it": a film
            if found[0].match is not None and found[0].match.index is None \
                    and not _FILM_CONTEXT.search(m.text) \
                    and not any(w in self.genre_words for w in m.words):
                continue       # "what's the weather like today": not a film request
            return Slot("similar", found)
        return None

    def _sentiment(self, m: Message, core) -> Slot | None:
        found = self._sentiment_mentions(m)
        return Slot("sentiment", found) if found else None

    def _sentiment_mentions(self, m: Message) -> list[Mention]:
        """Every film (or reference) the message states an opinion of, in order."""
        found: list[Mention] = []
        for score, rx in cues.SENTIMENT_BEFORE:
            for hit in rx.finditer(m.text):
                s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
                films = self.link.resolve_list(m, s, len(m.words), strict=True)
                if not films and s < len(m.words) and _capitalised(m, m.words[s]):
                    unknown = self.link.unknown(m, s, _clause_end(m, s))
                    films = [unknown] if unknown else []   # "I loved Inception"
                for f in films:
                    f.rating = score
                    found.append(f)
        for score, rx in cues.SENTIMENT_AFTER:
            hit = rx.search(m.text)
            if hit:
                s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
                f = self.link.resolve_back(m, s, e)
                if f is None and s < len(m.words) and _capitalised(m, m.words[s], True):
                    f = self.link.unknown(m, s, e)         # "Scarface (1983) is not for me"
                if f is not None:
                    f.rating = score
                    found.append(f)
        if not found and cues.NOT_FOR_ME.search(m.text):
            found.append(Mention(None, FOCUS, 0, len(m.words), 2.0))
        return _dedupe(sorted(found, key=lambda f: f.start))

    def _seen(self, m: Message, core) -> Slot | None:
        found = self._seen_mentions(m)
        return Slot("seen", found) if found else None

    def _seen_mentions(self, m: Message) -> list[Mention]:
        hit = talk.SEEN.search(m.text)
        if hit:
            s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
            found = self.link.resolve_list(m, s, len(m.words), strict=True)
            if not found and (unknown := self.link.unknown(m, s, _clause_end(m, s))):
                found = [unknown]          # "I've seen Gladiator": not in the catalog
            if found:
                return found
        hit = talk.SEEN_AFTER.search(m.text)
        if hit:
            s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
            f = self.link.resolve_back(m, s, e)
            return [f] if f else []
        return []

    def _mention(self, m: Message, core) -> Slot | None:
        """A title read whole (or quoted) that no cue introduced, or a misspelt title
        as the whole message."""
        found = self._sentinels(m)
        if found:
            return Slot("mention", found)
        return self._fuzzy_bare(m, core)

    def _sentinels(self, m: Message) -> list[Mention]:
        return [Mention(m.titles[n], None, i, i + 1) for i, w in enumerate(m.words)
                if (n := cues.sentinel_index(w)) is not None]

    def _fuzzy_bare(self, m: Message, core) -> Slot | None:
        """A short message with no cue at all may be a (misspelt) title."""
        if core is None or core[1] - core[0] > 7:
            return None
        s, e = core
        words = m.words
        if any(rx.search(m.text) for rx in (cues.HELP, cues.GREET, cues.MORE, cues.POPULAR,
                                            cues.REQUEST)):
            return None
        if any(w in self.genre_words for w in words[s:e]) or talk.is_thanks(words)[0] \
                or talk.answer(words[s:e]):
            return None
        if all(w in cues.GENERIC or w in cues.SPAN_STOP for w in words[s:e]):
            return None
        if words[s] in _QUESTION_WORDS or words[s] in cues.SPAN_STOP or \
                talk.FEWER.search(m.text) \
                or all(w in _CHAT_NOISE for w in words[s:e]) \
                or not m.constraint_tokens.isdisjoint(range(s, e)):
            return None      # "what's the weather", "lol", "just 3", "from the 80s"
        if any(w in _PRONOUNS for w in words[s:e]):
            return None      # "tell me a joke": talk, not a title
        found = self.link.resolve(m, s, e, strict=False, pronouns=False)
        if found is None or found.match is None:
            return None
        if found.match.score < STRICT_ACCEPT:      # a guess this weak is a "don't know"
            found.match = TitleMatch(None, found.match.score, found.match.candidates)
            framed = s > 0 and re.search(r"\b(?:what|how)\s+about\s*$",
                                         m.text[:m.toks[s].start])
            if not found.match.candidates and words[s] not in ("the", "a", "an") \
                    and not framed:
                return None  # "asdfgh": nothing like a title; "what about Gladiator" is
        # the title must be the whole message ("star wars episode 4" is fine, "what's
        # the weather" must not become "What's Eating Gilbert Grape")
        if any(not w.isdigit() and w not in ("episode", "part", "chapter")
               for w in words[found.end:e]):
            return None
        return Slot("fuzzy", [found])


def _capitalised(m: Message, word: str, first_ok: bool = False) -> bool:
    """The word is written with a capital in the message, and not only because it
    starts it: a name ("I loved Inception"), not a word ("I loved it"). With
    `first_ok` the first word counts too (the subject of "Scarface was great")."""
    for hit in re.finditer(rf"(?<![\w']){re.escape(word)}(?![\w'])", m.raw, re.I):
        if (hit.start() > 0 or first_ok) and m.raw[hit.start()].isupper():
            return True
    return False


def _clause_end(m: Message, s: int) -> int:
    """The token where the clause that starts at s ends (punctuation or the end)."""
    return next((i for i in range(s + 1, len(m.words)) if i in m.breaks), len(m.words))


def _written_as_title(m: Message, words: list[str]) -> bool:
    """A title made of everyday words ("Kids", "The War", "My Family") counts as the
    film when typed like one: with its leading article, or capitalised and asked
    about ("Kids?"), rather than as a request ("kids movies", "war").
    """
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        return True
    raw = m.raw.strip()
    return raw.endswith("?") and raw[:1].isupper()


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """One mention per film (or reference), first wins."""
    seen, out = set(), []
    for f in mentions:
        key = (f.match.index if f.match is not None else None, f.ref, f.start
               if f.match is not None and f.match.index is None else None)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
