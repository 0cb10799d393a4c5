"""Frames that state something about films: opinions ("I loved X and Y", "the third
one was terrible", "rate Fargo 4 and Heat 2", "not for me") and seen marks ("I've seen
the first and the third"). Part of the rule parser's slot finding (intents/rules/slots.py).
"""
from __future__ import annotations

import re

from intents.lexicon import cues, talk
from intents.lexicon.counts import rating_value
from intents.lexicon.speakers import others_opinion
from intents.mentions.linking import Linker, Mention, Message, Slot
from intents.mentions.spans import token_range
from intents.mentions.titlelike import ASPECTS
from intents.query import ALL, FOCUS, THEM
from intents.rules.polarity import after_comma, clause_rating


class OpinionFrames:
    """The rate, sentiment and seen frames over one catalog's `Linker`."""

    def __init__(self, link: Linker) -> None:
        self.link = link

    def rate(self, m: Message, core) -> Slot | None:
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
        return self._scored(m)

    def _scored(self, m: Message) -> Slot | None:
        """"empire strikes back also 5. return of the jedi maybe a 3": each film
        followed by its score, in a sentence or clause of its own."""
        found, masked = [], set()
        for hit in cues.RATE_AFTER.finditer(m.text):
            s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
            films = self.link.resolve_list(m, s, e, strict=True)
            if len(films) != 1 or films[0].end != e or films[0].match is None \
                    or films[0].match.index is None:
                continue                  # only a film named whole takes the score
            films[0].rating = rating_value(hit.group("r"), hit.group("scale"))
            found.append(films[0])
            masked |= set(range(s, token_range(m.toks, hit.start("t"), hit.end())[1]))
        return Slot("rate", found, masked=masked) if found else None

    def _rate_clauses(self, m: Message) -> Slot | None:
        """"rate Fargo 4 and Heat 2": one rating per film, each its own clause."""
        lead = cues.RATE_LEAD.match(m.text)
        if lead is None:
            return None
        found, pos = [], lead.end()
        for hit in cues.first(cues.RATE_CLAUSE, m.text, pos):
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

    def sentiment(self, m: Message, core) -> Slot | None:
        found = self.sentiment_mentions(m)
        return Slot("sentiment", found) if found else None

    def sentiment_mentions(self, m: Message) -> list[Mention]:
        """Every film (or reference) the message states an opinion of, in order."""
        found: list[Mention] = []
        for score, rx in cues.SENTIMENT_BEFORE:
            for hit in cues.first(rx, m.text):
                if others_opinion(m.text[:hit.start("t")]):
                    continue                 # "she also loved X": not the speaker's rating
                s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
                films = self.link.resolve_list(m, s, len(m.words), strict=True)
                end = clause_end(m, s)                     # "I loved Inception (and Heat)"
                if not films and s < len(m.words) and (
                        capitalised(m, m.words[s]) or self._typed_bare(m, hit, s, end)):
                    unknown = self.link.unknown(m, s, end)
                    films = self.link.more_of_list(m, [unknown], end) if unknown else []
                for n, f in enumerate(films):
                    # "I loved Titanic, Fargo not so much": a film after a comma that
                    # states its own opinion keeps that one
                    own = clause_rating(m, f.start, f.end) if n and f.match is not None \
                        and f.start > 0 and after_comma(m, f.start) else None
                    f.rating = score if own is None else own
                    found.append(f)
        for score, rx in cues.SENTIMENT_AFTER:
            hit = rx.search(m.text)
            if hit:
                s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
                several = self.link.resolve_list(m, s, e, strict=True)
                if len(several) > 1 and several[-1].end == e:  # "the second and the
                    for f in several:                            # fourth are not for me"
                        f.rating = score
                    found += several
                    continue
                f = self.link.resolve_back(m, s, e)
                if f is None and s < len(m.words) and (
                        capitalised(m, m.words[s], True) or self._typed_bare(m, hit, s, e)):
                    f = self.link.unknown(m, s, e)         # "Scarface (1983) is not for me"
                if f is not None:
                    f.rating = score
                    found.append(f)
        if not found and cues.NOT_FOR_ME.search(m.text):
            found.append(Mention(None, FOCUS, 0, len(m.words), 2.0))
        if not found and cues.NONE_FOR_ME.search(m.text):
            found.append(Mention(None, ALL, 0, len(m.words), 2.0))
        return _dedupe(sorted(found, key=lambda f: f.start))

    def _typed_bare(self, m: Message, hit, s: int, e: int) -> bool:
        """Words s..e after an opinion cue may name a film the catalog lacks although
        not capitalised: in a message whose capitals tell nothing ("i loved
        interstellar", "I hated inception" as a phone types it), where the speaker says
        the opinion ("i loved", not a bare "like", often a hedge) of something that is
        not a taste in request words ("I like dark comedies and thrillers", "from the
        70s"). The title-likeness model (Linker.unknown) then decides."""
        return not m.view.caps_known and spoken(hit.group(0)) \
            and not any(w in self.link.genre_words or w in _TALK or i in m.constraint_tokens
                        or (w in cues.GENERIC and w not in _ARTICLES)
                        for i, w in enumerate(m.words[s:e], s))

    def name_the_group(self, m: Message, slot: Slot, sentinels: list[Mention]) -> None:
        """"seen sense and sensibility and emma, loved both": 'both' / 'them' / 'all of
        them' are the films the same message names, not the last list."""
        group = [x for x in slot.mentions if x.ref in (THEM, ALL)]
        named = _dedupe([x for x in self.seen_mentions(m) + sentinels if x.match is not None
                         and x.match.index is not None]) if group else []
        if len(named) < 2:
            return                 # "I liked all of the Star Wars ones": a series, not a list
        for film in named:
            film.rating = group[0].rating
        slot.mentions = [x for x in slot.mentions if x.ref not in (THEM, ALL)] + named

    def seen(self, m: Message, core) -> Slot | None:
        found = self.seen_mentions(m)
        return Slot("seen", found) if found else None

    def seen_mentions(self, m: Message) -> list[Mention]:
        after = talk.SEEN_AFTER.search(m.text)
        if after and after.group("d"):     # "X - seen it": 'it' is X, read X first
            s, e = token_range(m.toks, after.start("d"), after.end("d"))
            f = self.link.resolve_back(m, s, e)
            if f:
                return [f]
        hit = talk.SEEN.search(m.text)
        if hit:
            loose = not hit.group("t")     # "caught X", "been there done that with X"
            at = hit.start("u") if hit.group("u") else hit.start("v") if loose \
                else hit.start("t")
            s, _ = token_range(m.toks, at, at + 1)
            found = self.link.resolve_list(m, s, len(m.words), strict=True)
            if loose and found and found[0].match is not None and found[0].match.index is None:
                found = []
            if not found and not loose and (unknown := self.link.unknown(m, s, clause_end(m, s))):
                found = [unknown]          # "I've seen Gladiator": not in the catalog
            if found:
                return found
        hit = talk.SEEN_AFTER.search(m.text)
        if hit and hit.group("t"):
            s, e = token_range(m.toks, hit.start("t"), hit.end("t"))
            f = self.link.resolve_back(m, s, e)
            return [f] if f else []
        return []


def capitalised(m: Message, word: str, first_ok: bool = False) -> bool:
    """The word is written with a capital in the message, and not only because it
    starts it: a name ("I loved Inception"), not a word ("I loved it"). With
    `first_ok` the first word counts too (the subject of "Scarface was great")."""
    later, first = m.capitalised
    return word in later or (first_ok and word == first)


def spoken(cue: str) -> bool:
    """The opinion has a speaker ("i loved", "we hated"), not a bare "like"."""
    return re.search(r"\b(?:i|we|i've|we've|i'd|i'm)\s", cue, re.I) is not None


_ARTICLES = frozenset("the a an".split())
# words of a taste ("the classics", "superhero", "most genres") or of a film's parts
# ("the ending", "the jokes", "every minute": titlelike.ASPECTS) rather than of a title
_TALK = ASPECTS | frozenset("""classic classics genre genres kind kinds type types sort
sorts style styles superhero superheroes hero heroes scifi sci fi fis packed suggestions
recommendations picks""".split())


def clause_end(m: Message, s: int) -> int:
    """The token where the clause that starts at s ends (punctuation or the end)."""
    return next((i for i in range(s + 1, len(m.words)) if i in m.breaks), len(m.words))


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
