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

from intents.lexicon import cues, talk
from intents.lexicon.refs import ref_at
from intents.mentions.linking import STRICT_ACCEPT, Linker, Mention, Message, Slot
from intents.mentions.spans import token_range
from intents.mentions.titles import TitleMatch, split_year
from intents.query import FOCUS
from intents.rules.hedges import is_request_vocabulary
from intents.rules.opinions import OpinionFrames
from intents.rules.polarity import clause_rating
from intents.rules.seeds import SeedFrames

# words that make "like X" a film request even when X matches no title
_FILM_CONTEXT = re.compile(
    r"\b(?:movies?|films?|flicks?|something|anything|recommend\w*|suggest\w*|similar|vein|"
    r"watch|ones?)\b")
_PRONOUNS = frozenset("i me my you your we us our".split())
# asks for films, not about one
_LIST_ASK = re.compile(r"\b(?:recommend\w*|suggest\w*|similar|more\s+like|films?\s+like|"
                       r"movies?\s+like)\b")
# a question about a film, wherever it stands in the message
_ASKS_ABOUT = re.compile(r"\b(?:(?:what|when|who|how|which)(?:'?s|\s+(?:is|was|are|were|did|"
                         r"does))|what\s+about|info|information|details|tell\s+me|more\s+about|"
                         r"more\s+on|about\s+it|plot|what\s+year)\b"
                         # a yes/no question: "is the third one animated?", "was #2 any good"
                         r"|^\W*(?:(?:so|and|but|hm+|ok|okay)\W+)?(?:is|was|isn't|wasn't)\s+(?!there\b)")
_QUESTION_WORDS = frozenset("""what whats how why where when who which whose is are do does
did can could would should will shall am was were may might""".split())
_CHAT_NOISE = frozenset("""lol lmao haha hahaha hmm hm hmmm k kk test testing asdf ugh meh
wow oops um uh er erm huh ah oh idk dunno whatever nothing nvm""".split())


class SlotFinder:
    """Finds the film slot of one message over one catalog's title matcher."""

    def __init__(self, matcher, genre_words: frozenset[str], detector):
        self.titles = matcher
        self.genre_words = genre_words
        self.link = Linker(matcher, genre_words, detector)
        self.opinions = OpinionFrames(self.link)
        self.seeds = SeedFrames(self.link)

    # -- frames ------------------------------------------------------------------------
    def find(self, m: Message, core: tuple[int, int] | None) -> Slot | None:
        """The slot of the first frame that links a film (see module docstring)."""
        for frame in (self._bare, self._why, self._position_info, self._info,
                      self.opinions.rate, self._similar,
                      self.seeds.before, self.seeds.after, self.opinions.sentiment,
                      self.opinions.seen, self._mention):
            slot = frame(m, core)
            if slot is not None:
                if slot.kind != "bare" and slot.mentions and slot.mentions[0].ref == FOCUS:
                    self._name_the_focus(m, slot)
                for mention in slot.mentions:
                    slot.masked.update(range(mention.start, mention.end))
                if slot.kind == "similar":
                    self._carry_opinions(m, slot)
                if slot.kind in ("mention", "bare", "seen", "sentiment"):  # a seed's opinion comes
                    self._clause_opinions(m, slot)             # from its frame only
                if slot.kind == "sentiment":   # "seen X and Y, loved both"
                    self.opinions.name_the_group(m, slot, self._sentinels(m))
                return slot
        return None

    def _carry_opinions(self, m: Message, slot: Slot) -> None:
        """"I love Casablanca, got anything similar?": an opinion the message states of
        a seed is kept with it (and recorded), whichever frame found the seed; one of
        another film is kept aside, to be recorded too."""
        opinions = [x for x in self.opinions.sentiment_mentions(m) if x.match is not None
                    and x.match.index is not None and x.rating is not None]
        said = {x.match.index: x.rating for x in opinions}
        for mention in slot.mentions:
            if mention.rating is None and mention.match is not None \
                    and mention.match.index in said:
                mention.rating = said[mention.match.index]
        seeds = {x.match.index for x in slot.mentions if x.match is not None}
        # "I hated Titanic, anything like Heat?": the other film's opinion is kept too
        slot.aside = [x for x in opinions if x.match.index not in seeds]

    def _clause_opinions(self, m: Message, slot: Slot) -> None:
        """"X is one of my favorite films", "I like the original X": an opinion the
        film's clause states in any words (polarity.py); a film named with one and no
        request is a statement of that opinion."""
        said = False
        starts = sorted(x.start for x in slot.mentions)
        for mention in slot.mentions:
            if mention.rating is None and mention.match is not None \
                    and mention.match.index is not None:
                nxt = next((x for x in starts if x >= mention.end), None)
                mention.rating = clause_rating(m, mention.start, mention.end, nxt)
                said = said or mention.rating is not None
        if said:
            slot.kind = "sentiment"

    def _name_the_focus(self, m: Message, slot: Slot) -> None:
        """"I saw Fargo and loved it", "I loved The Birds, what else is like it?":
        'it' is the film the same message names."""
        focus = slot.mentions[0]
        positions = [Mention(None, r[0], i, r[1]) for i in range(len(m.words))
                     if (r := ref_at(m.words, i, pronouns=False)) is not None]
        for other in self._sentinels(m) + self.opinions.sentiment_mentions(m) \
                + self.opinions.seen_mentions(m) + positions:
            if other.ref is not None and other.ref != FOCUS \
                    and not (focus.start <= other.start < focus.end):
                slot.mentions[0] = Mention(None, other.ref, other.start, other.end,
                                           focus.rating)
                slot.masked.update(range(focus.start, focus.end))
                return
            if other.match is not None and not (focus.start <= other.start < focus.end):
                # a film the catalog lacks too: "I loved Inception, anything like it?"
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
        hit = self.link._link(m, s, e, self.titles.exact(" ".join(words))
                              or self.titles.exact(span, year))
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
        if not mentions:       # "what makes you think I'd like the second one": a
            mentions = [       # position said anywhere in the question
                Mention(None, r[0], i, r[1]) for i in range(len(m.words))
                if (r := ref_at(m.words, i, pronouns=False)) is not None][:1]
        return Slot("why", mentions)

    def _position_info(self, m: Message, core) -> Slot | None:
        """"2nd. more about it", "number 3, what is it", "no. 5 - what's that": a
        position of the last list, said on its own, and a question about a film."""
        if not _ASKS_ABOUT.search(m.text) or _LIST_ASK.search(m.text) or self._sentinels(m):
            return None                  # a film named outright is what the question is about
        for i in range(len(m.words)):
            ref = ref_at(m.words, i, pronouns=False, breaks=m.breaks)
            if ref is not None:         # what is asked of it ("is #2 too violent?")
                topic = next((t for t, rx in talk.INFO if t and rx.search(m.text)),
                             None) or talk.unmeasured(m.text) or (
                    "genre" if any(w in self.genre_words for w in m.words + [
                        a + b for a, b in zip(m.words, m.words[1:])]) else None)
                return Slot("info", [Mention(None, ref[0], i, ref[1])], topic=topic)
        return None

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
                    (unknown := self.link.unknown(m, s, e, asked=True,
                                                  framed=rx is talk.HOLDS)) is not None:
                found = [unknown]          # "tell me about Inception": say we don't know it
            if found:
                return Slot("info", found, topic=topic)
        return None

    def _covers(self, m: Message, found: list[Mention], e: int) -> bool:
        """The films reach the end of the question (trailing filler aside)."""
        return all(w in cues.SPAN_TRAIL for w in m.words[found[-1].end:e])

    def _similar(self, m: Message, core) -> Slot | None:
        for hit in cues.first(cues.SIMILAR, m.text):
            s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
            found = self.link.resolve_list(m, s, len(m.words), strict=False)
            if not found:
                continue
            if found[0].ref is not None and found[0].ref <= 0 and re.search(
                    r"\bmore\s+like\s+$", m.text[:hit.start("t")]) and not re.match(
                    r"(?:it|(?:that|this)\s+(?:one|film|movie))\b", m.text[hit.start("t"):]) \
                    and not self._sentinels(m):
                continue       # "more like this": the next page; "more like it": a film,
                               # and so is "Twelve Monkeys messed with my head, more like that"
            if found[0].match is not None and found[0].match.index is None and \
                    is_request_vocabulary(m.words[found[0].start:found[0].end], self.genre_words):
                continue       # "like 100 horror movies", "like the 70s": a hedge
            if found[0].match is not None and found[0].match.index is None \
                    and not _FILM_CONTEXT.search(m.text) \
                    and not any(w in self.genre_words for w in m.words):
                continue       # "what's the weather like today": not a film request
            return Slot("similar", found)
        return None

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
        named = words[s] in ("the", "a", "an") and e - s <= 3   # "the matrix" alone names one
        if found is None and named:
            guess = self.titles.fuzzy(*split_year(" ".join(words[s:e])))
            found = Mention(TitleMatch(None, guess.score, guess.candidates), None, s, e)
        if found is None or found.match is None:
            return None
        if found.match.score < STRICT_ACCEPT:      # a guess this weak is a "don't know"
            inside = self.link._contained(m, s, e)
            if inside is not None:                 # "the holy grail one with monty python"
                return Slot("fuzzy", [Mention(inside, None, s, e)])
            framed = s > 0 and re.search(r"\b(?:what|how)\s+about\s*$",
                                         m.text[:m.toks[s].start])
            if not found.match.candidates and not framed and not named:
                return None  # "asdfgh", "the quick brown fox": nothing like a title;
                             # "the matrix", "what about Gladiator": a film we lack
            if not named:
                found = self.link.missing(m, found.start, found.end, found.match)
            if found is None:
                return None  # "have a great night": no film at all
        # the title must be the whole message ("star wars episode 4" is fine, "what's
        # the weather" must not become "What's Eating Gilbert Grape")
        if any(not w.isdigit() and w not in ("episode", "part", "chapter")
               for w in words[found.end:e]):
            return None
        return Slot("fuzzy", [found])


def _written_as_title(m: Message, words: list[str]) -> bool:
    """A title made of everyday words ("Kids", "The War", "My Family") counts as the
    film when typed like one: with its leading article, or capitalised and asked
    about ("Kids?"), rather than as a request ("kids movies", "war").
    """
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        return True
    raw = m.raw.strip()
    return raw.endswith("?") and raw[:1].isupper()
