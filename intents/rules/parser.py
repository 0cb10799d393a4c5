"""The built-in parser: regex cues + catalog-aware entity extraction -> Query.

Order of work (each step only sees what the previous ones left):

1. Titles first. A quoted title, then every catalog title written whole (two words
   or more, after normalisation) becomes a sentinel word, so a cue word inside a
   title ("Some Like It Hot", "Good Will Hunting", "One Flew Over the Cuckoo's Nest")
   is never read as a cue, a count or a genre.
2. The film slot (intents/rules/slots.py): the frame that names films — why, info, rate,
   similar, sentiment, seen, or none — and its films or references to the last list.
3. Constraints from the remaining words (intents/rules/constraints.py): required and
   excluded genres, years and decades; then the count from what is left after that.
4. The intent, by the priority table in `_intent`.
"""
from __future__ import annotations

import logging
import re

from intents.catalog import TitleCatalog
from intents.lexicon import cues, talk
from intents.lexicon.ages import child_age_at
from intents.lexicon.counts import extract_count
from intents.lexicon.refs import bare_ref
from intents.lexicon.text import clean_cased, norm, tokens
from intents.lexicon.typos import CueTypos
from intents.lexicon.years import NEGATIVE
from intents.mentions.linking import Message
from intents.mentions.runs import named_runs
from intents.mentions.spans import blank, sequel_number, token_range
from intents.mentions.features import genre_words
from intents.mentions.detector import certainty
from intents.mentions.titles import ALIAS
from intents.mentions.whole_titles import WholeTitles
from intents.query import ALL, DEFAULT_K, Candidate, Intent, Query, clamp_k
from intents.rules.acts import ActFallback
from intents.rules.checklist import AnswerReader
from intents.rules.compound import second_request, stated_then_asked
from intents.rules.focus import similar_to_focus
from intents.rules.constraints import Constraints, read_constraints
from intents.rules.slots import Slot, SlotFinder
from intents.rules.topics import people, unmeasured

log = logging.getLogger(__name__)

MAX_CHARS = 1000         # longer input is cut: nobody types a longer request
_HASH_NUMBER = re.compile(r"#\s?(\d{1,3})\b")
_MINUS_NUMBER = re.compile(r"(^|\s)-(\d{1,4})\b")
_BREAK = re.compile(r"[,.;!?]")
# asking for films outright: never a refinement of the last list
_STRONG_ASK = re.compile(r"\b(?:recommend\w*|suggest\w*|what\s+(?:should|could|can|shall)\s+"
                         r"(?:i|we)\s+(?:watch|see)|what\s+to\s+(?:watch|see)|show\s+me|"
                         r"give\s+me|find\s+me|get\s+me|looking\s+for|(?:i|we)\s+(?:want|need)\s+"
                         r"(?:something|anything|a\s+(?:movie|film)))\b")
# a message that opens by ruling something out narrows the last list ("no war stuff
# please, she hates war movies"), whatever film nouns follow
_RULES_OUT = re.compile(r"^\W*(?:no|not|nothing|without|skip|avoid|none|minus)\b")
_FILM_NOUN = re.compile(r"\b(?:movies?|films?|flicks?|releases?)\b")
# a request in the strong sense: asks for films (a refine never does)
_ASKS = re.compile(r"\b(?:recommend\w*|suggest\w*|what\s+(?:should|could|can|shall)\s+(?:i|we)"
                   r"\s+(?:watch|see)|what\s+to\s+(?:watch|see)|something|anything|show\s+me|"
                   r"give\s+me|find\s+me|get\s+me|looking\s+for|i\s+want|i\s+need|"
                   r"in\s+the\s+mood|feel\s+like|movies?|films?|flicks?|releases?)\b")



class RuleParser:
    """`RuleParser(catalog).parse(text) -> Query`; never raises on any str."""

    name = "regex"

    def __init__(self, catalog: TitleCatalog) -> None:
        self.catalog = catalog
        self.titles = catalog.titles_matcher
        self.genres = catalog.genres_matcher
        self._genre_words = genre_words(catalog)
        self._phrase_words = frozenset(w for p in self.genres.phrases for w in p) \
            | cues.CUE_WORDS | cues.GENERIC
        self.whole = WholeTitles(catalog, self.titles, self._genre_words)
        self.acts = ActFallback()                # when the rules find no request
        self.answers = AnswerReader(catalog)     # "seen 2 5 7, loved 5" (rules/checklist.py)
        self.slots = SlotFinder(self.titles, self._genre_words, self.whole.detector)
        self.typos = CueTypos(frozenset(w for t in catalog.titles for w in norm(t).split()),
                              self._genre_words | cues.CUE_WORDS | cues.GENERIC)
        years = [y for y in catalog.years if y]
        self.newest = max(years) if years else None

    # -- public -----------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the learned parts now (dialogue acts, mention and title models), not on
        the first message that needs them."""
        self.parse("hi! how are you? I loved Fargo, tell me about The Matrix")

    def parse(self, text: str) -> Query:
        try:
            return self._parse(text if isinstance(text, str) else str(text or ""))
        except Exception:  # a chat turn must never fail on a message; keep the trace
            log.exception("rule parser failed; answering 'unknown'")
            return Query(Intent.UNKNOWN, parser=self.name)

    # -- steps --------------------------------------------------------------------------
    def _parse(self, text: str, whole: bool = True) -> Query:
        """`whole`: the message itself, read for two requests in one; its parts are
        read once each, never split again (the cost stays linear)."""
        cased = clean_cased(text[:MAX_CHARS])[:2 * MAX_CHARS]
        cased = _HASH_NUMBER.sub(r" number \1", cased).strip()
        cased = _MINUS_NUMBER.sub(rf"\1{NEGATIVE}\2", cased)   # "-5" stays a (negative) number
        c = cased.lower()
        titles: dict = {}
        c, caps = self.whole.read(c, titles, cased if len(cased) == len(c) else None)
        c = self.typos.fix(c)              # after titles: a title's spelling is its own
        toks = tokens(c)
        words = [t.word for t in toks]
        if not any(cues.sentinel_index(w) is not None or not w.isdigit() for w in words):
            return self._no_words(c, words, titles)
        if talk.MINE.match(c) and not titles:
            return Query(Intent.INFO, topic="mine", parser=self.name)
        best = talk.WHICH_BEST.match(c)
        if best and not titles:               # about the last list: which of those
            return Query(Intent.INFO, refs=(ALL,), ref=ALL, parser=self.name,
                         rank_by="count" if best.group("count") else "rating")
        breaks = frozenset(i for i in range(1, len(toks))
                           if _BREAK.search(c[toks[i - 1].end:toks[i].start]))
        answer = self.answers.read(words, breaks, titles)
        if answer is not None:
            return answer
        plain = read_constraints(words, self.genres, self.newest, breaks)
        m = Message(text[:MAX_CHARS], c, toks, words, titles, breaks, plain.used, caps)
        core = self._core(c, toks)
        slot = self.slots.find(m, core)
        masked = set(slot.masked) if slot else set()
        if slot and slot.mentions and sequel_number(words, slot.mentions[-1].end):
            masked.add(slot.mentions[-1].end)         # "movies like toy story 2"
        masked.update(i for i, w in enumerate(words) if cues.sentinel_index(w) is not None)
        masked |= named_runs(m, self.slots.link.titlelike, self.titles.words.zipf,
                             self._phrase_words)                 # "Cult of Chucky"
        rest_words = ["" if i in masked else w for i, w in enumerate(words)]
        cons = read_constraints(rest_words, self.genres, self.newest, breaks)
        year_tokens = set().union(*(y.used for y in cons.years), child_age_at(rest_words) or ())
        count_words = ["" if i in year_tokens else w for i, w in enumerate(rest_words)]
        count = extract_count(count_words, self._genre_words)
        rest = blank(c, toks, masked)
        intent = self._intent(slot, rest, words, cons, count)
        query = self._query(intent, slot, cons, count, c, words)
        query = unmeasured(people(query, text[:MAX_CHARS], slot, self._is_title,
                                  self._is_request_word), c)
        if whole:
            query = similar_to_focus(stated_then_asked(self._part, query, text[:MAX_CHARS]), c)
            query = second_request(self._part, query, text[:MAX_CHARS])
        return self.answers.unmissed(self.acts.decide(query, c), words, breaks, titles)

    def _part(self, text: str) -> Query:
        return self._parse(text, whole=False)

    def _is_request_word(self, word: str) -> bool:
        return word in self._genre_words or word in cues.GENERIC or word in cues.CUE_WORDS

    def _is_title(self, name: str) -> bool:
        return self.titles.exact(name) is not None or self.titles.prefix(name) is not None

    def _no_words(self, c: str, words: list[str], titles: dict) -> Query:
        """Empty text, emoji, punctuation, or digits only."""
        if words and bare_ref(words) is not None:    # "2": an answer to "did you mean"
            return Query(Intent.CHOOSE, ref=bare_ref(words), topic="number",
                         parser=self.name)
        hit = self.titles.exact(" ".join(words)) if words else None
        if hit is not None:                           # "187", "1941": films too
            i = hit.index
            return Query(Intent.SIMILAR, titles=(self.catalog.titles[i],),
                         item_ids=(self.catalog.item_ids[i],), confidence=hit.score,
                         parser=self.name)
        intent = Intent.HELP if c and set(c) <= {"?", " "} else Intent.UNKNOWN
        return Query(intent, parser=self.name)

    def _core(self, c: str, toks) -> tuple[int, int] | None:
        """Token range of the message without framing words ("what about ...?")."""
        m = cues.BARE_PREFIX.match(c)
        start = 0
        if m:
            start, _ = token_range(toks, m.end(), m.end() + 1)
        end = len(toks)
        while end > start and toks[end - 1].word in cues.SPAN_TRAIL:
            end -= 1
        return (start, end) if end > start else None

    def _intent(self, slot: Slot | None, rest: str, words: list[str],
                cons: Constraints, count: int | None) -> Intent:
        """The priority table. With a film slot: its frame decides. Without: thanks >
        answer > help > more > popular > refine > recommend > greet > unknown."""
        if slot is not None:
            if slot.kind in ("why", "info", "rate"):
                return Intent(slot.kind)
            # a question mark asks when it ends the message: "Braveheart? an absolute
            # masterpiece" is a verdict, "I loved Fargo, got similar?" a request
            asks = bool(cues.REQUEST.search(rest) or cues.MORE.search(rest)
                        or rest.rstrip().endswith("?"))
            if slot.kind == "sentiment":
                if not asks:
                    return Intent.RATE
                return Intent.SIMILAR if (slot.rating or 0) >= 3 else Intent.RECOMMEND
            if slot.kind == "seen":
                return Intent.SIMILAR if asks else Intent.SEEN
            if slot.kind == "bare" and slot.mentions[0].ref is not None:
                return Intent.CHOOSE
            return Intent.SIMILAR
        thanks, _ = talk.is_thanks(words)
        if thanks or (talk.thanks_at_edge(words) and not (
                cons.any or count is not None or cues.REQUEST.search(rest)
                or cues.MORE.search(rest) or cues.POPULAR.search(rest))):
            return Intent.THANKS
        if cues.CATALOG_SCOPE.search(rest):
            return Intent.HELP                        # "how recent are your movies?"
        if talk.answer(words) or bare_ref(words) is not None:
            return Intent.CHOOSE
        if cues.HELP.search(rest) and not cons.genres and not re.search(
                r"\b(?:recommend\w*|suggest\w*|find|show me|give me|movies?|films?)\b", rest):
            return Intent.HELP
        if talk.OUT_OF_REACH.search(rest) and not cons.any:
            return Intent.UNKNOWN                     # "any movies with subtitles?"
        if talk.NOT_FILMS.search(rest) and not _FILM_NOUN.search(rest):
            return Intent.UNKNOWN                     # "recommend a funny book"
        if cues.GREET_ONLY.search(rest):
            return Intent.GREET                       # "hey there movie bot"
        if cues.MORE.search(rest):
            return Intent.MORE
        if cues.POPULAR.search(rest) or talk.BY_COUNT.search(rest):
            return Intent.POPULAR
        if self._is_refine(rest, cons, count):
            return Intent.REFINE
        if cues.REQUEST.search(rest) or cons.any or count is not None:
            return Intent.RECOMMEND
        if cues.GREET.search(rest):
            return Intent.GREET
        return Intent.UNKNOWN

    def _is_refine(self, rest: str, cons: Constraints, count: int | None) -> bool:
        """A bare constraint or count that changes the last list: "only ones from the
        80s", "just comedies", "without horror", "just 3", "fewer"."""
        if talk.FEWER.search(rest):
            return True
        if not (cons.any or count is not None):
            return False
        if cons.genres:         # "just comedies" refines; "comedies" is a new request
            return bool(talk.REFINE.search(rest)) and not _ASKS.search(rest)
        # a bare exclusion, years or count ("without horror", "and from the 80s?",
        # "also no war films", "anything but westerns") unless it asks for films outright
        if _STRONG_ASK.search(rest):
            return False
        return bool(talk.REFINE.search(rest) or talk.REFINE_WEAK.search(rest)) \
            or not _FILM_NOUN.search(rest) or bool(cons.exclude and _RULES_OUT.match(rest))

    def _query(self, intent: Intent, slot: Slot | None, cons: Constraints,
               count: int | None, c: str, words: list[str]) -> Query:
        cat = self.catalog
        fields: dict = {}
        if slot is not None:
            matched = [f for f in slot.mentions if f.match is not None and f.match.index
                       is not None]
            unmatched = [f for f in slot.mentions if f.match is not None and f.match.index
                         is None]
            refs = [f.ref for f in slot.mentions if f.ref is not None]
            fields["titles"] = tuple(cat.titles[f.match.index] for f in matched)
            fields["item_ids"] = tuple(cat.item_ids[f.match.index] for f in matched)
            if matched:      # the weakest link: a write needs every film linked for sure
                fields["confidence"] = round(min(certainty(f.match) for f in matched), 1)
            if unmatched:
                first = unmatched[0]
                fields["candidates"] = tuple(
                    Candidate(cat.titles[i], cat.item_ids[i], float(sc))
                    for i, sc in first.match.candidates[:3])
                fields["unknown_title"] = " ".join(words[first.start:first.end])
            if refs:
                fields["refs"] = tuple(refs)
            if intent in (Intent.RATE, Intent.RECOMMEND, Intent.SIMILAR, Intent.SEEN):
                # titles first, then references; an unmatched film keeps its opinion
                # for when "did you mean" is answered
                ordered = matched + [f for f in slot.mentions if f.ref is not None] \
                    or unmatched[:1]
                rated = [f.rating for f in ordered if f.rating is not None]
                if rated:
                    fields["rating"] = rated[0]
                    if len(set(rated)) > 1 and len(rated) == len(ordered):
                        fields["ratings"] = tuple(rated)
            fields["topic"] = slot.topic
            fields["said"] = tuple((cat.item_ids[x.match.index], x.rating) for x in slot.aside
                                   if certainty(x.match) >= ALIAS)   # a loose one: unsaid
            if slot.kind == "bare" and intent is Intent.CHOOSE:
                fields["refs"] = (slot.mentions[0].ref,)
        elif intent is Intent.CHOOSE:
            answer = talk.answer(words)
            fields["ref"] = 1 if answer == "yes" else bare_ref(words)
            fields["topic"] = answer        # "yes" / "no"; None for a position
        elif intent is Intent.THANKS:
            fields["topic"] = "bye" if talk.is_thanks(words)[1] else None
        if intent is Intent.POPULAR:
            fields["rank_by"] = "count" if talk.BY_COUNT.search(c) else "rating"
        if intent is Intent.REFINE and talk.FEWER.search(c):
            fields["fewer"] = True
        fields.update(cons.query_fields(intent))   # wishes with a direction (constraints.py)
        if intent is Intent.UNKNOWN:      # "what's 2+2", "a funny novel": no count or
            count, cons = None, Constraints()       # genre of films was asked for
        if intent in (Intent.RATE, Intent.SEEN):
            # a statement about films asks for no list: "I saw Jaws as a kid", "Scream
            # was too gory for me" name no genre to search by
            cons = Constraints()
        k, _ = clamp_k(DEFAULT_K if count is None else count)
        return Query(intent, k=k, k_requested=count, genres=cons.genres,
                     exclude_genres=cons.exclude, year_from=cons.year_from,
                     year_to=cons.year_to, parser=self.name, **fields)
