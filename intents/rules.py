"""The built-in parser: regex cues + catalog-aware entity extraction -> Query.

Order of work (each step can only use what the previous ones left):

1. A quoted title is read first and replaced by a sentinel word.
2. The title slot: the first of these sources that yields one, in this priority
   (not first-match-wins over the text — a later, more specific source never loses
   to an earlier, vaguer pattern):
     bare      the whole message is a title ("Fargo", "the magnificent seven?")
     rate      "rate X 4 stars", "X 4/5", "5 stars for X"
     similar   "movies like X", "in the vein of X", "because I liked X"
     sentiment "I loved X", "X was terrible" (only if X really is a catalog title)
     quoted    a quoted title not introduced by any cue
     fuzzy     a short message with no other cue that is a misspelt title
   Its words are then blanked, so a genre word or number inside a title is neither
   a genre nor a count ("movies like Funny Face", "Apollo 13").
3. Genre and count from the remaining words.
4. The intent, by the priority table in `_intent` (title first, then help, more,
   popular, recommend, greet, unknown).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from intents import cues
from intents.catalog import TitleCatalog
from intents.entities import extract_count, rating_value
from intents.query import DEFAULT_K, Candidate, Intent, Query, clamp_k
from intents.text import Token, clean, tokens
from intents.spans import blank as _blank, cut as _cut, sequel_number as _sequel_number
from intents.spans import token_range as _token_range
from intents.titles import TitleMatch, split_year

# words that make "like X" a film request even when X matches no title
_FILM_CONTEXT = re.compile(
    r"\b(?:movies?|films?|flicks?|something|anything|recommend\w*|suggest\w*|similar|vein|watch)\b")
log = logging.getLogger(__name__)

MAX_CHARS = 1000         # longer input is cut: nobody types a longer request
MAX_SPAN = 12            # a title is at most this many words
STRICT_ACCEPT = 88.0     # fuzzy score needed when only a weak cue says "this is a title"
_QUOTED = re.compile(r'"([^"]{1,200})"|(?:^|(?<=\s))\'([^\']{2,200})\'(?=$|[\s?.!,;:])')


@dataclass
class _Slot:
    kind: str                      # bare | rate | similar | sentiment | quoted | fuzzy
    match: TitleMatch
    start: int                     # token range the title occupies
    end: int
    rating: float | None = None
    extra_mask: tuple[int, int] | None = None   # e.g. the rating's tokens


class RuleParser:
    """`RuleParser(catalog).parse(text) -> Query`; never raises on any str."""

    name = "regex"

    def __init__(self, catalog: TitleCatalog) -> None:
        self.catalog = catalog
        self.titles = catalog.titles_matcher
        self.genres = catalog.genres_matcher
        self._genre_words = frozenset(p[0] for p in self.genres.phrases)

    # -- public -----------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        try:
            return self._parse(text if isinstance(text, str) else str(text or ""))
        except Exception:  # a chat turn must never fail on a message; keep the trace
            log.exception("rule parser failed; answering 'unknown'")
            return Query(Intent.UNKNOWN, parser=self.name)

    # -- steps --------------------------------------------------------------------------
    def _parse(self, text: str) -> Query:
        c = clean(text[:MAX_CHARS])
        quoted, c = self._read_quotes(c)
        toks = tokens(c)
        words = [t.word for t in toks]
        if not any(w == cues.SENTINEL or not w.isdigit() for w in words):
            # empty, digits, emoji, punctuation; a lone "?" asks for help
            intent = Intent.HELP if c and set(c) <= {"?", " "} else Intent.UNKNOWN
            return Query(intent, parser=self.name)
        slot = self._title_slot(c, toks, words, quoted)
        if slot and slot.kind == "similar" and slot.match.index is None \
                and not _FILM_CONTEXT.search(c):
            slot = None  # "what's the weather like today": "like" without a film request
        masked = set()
        if slot:
            masked.update(range(slot.start, slot.end))
            if slot.extra_mask:
                masked.update(range(*slot.extra_mask))
            if _sequel_number(words, slot.end):   # "movies like toy story 2"
                masked.add(slot.end)
        masked.update(i for i, w in enumerate(words) if w == cues.SENTINEL)
        rest_words = ["" if i in masked else w for i, w in enumerate(words)]
        rest = _blank(c, toks, masked)
        genre = self.genres.best(rest_words)
        count = extract_count(rest_words, self._genre_words)
        intent = self._intent(slot, rest, genre, count)
        k, k_req = clamp_k(DEFAULT_K if count is None else count)
        return self._query(intent, slot, genre, k, k_req)

    def _read_quotes(self, c: str) -> tuple[TitleMatch | None, str]:
        m = _QUOTED.search(c)
        if not m:
            return None, c
        inner = m.group(1) or m.group(2)
        match = self.titles.match(inner)
        return match, f"{c[:m.start()]} {cues.SENTINEL} {c[m.end():]}".strip()

    def _title_slot(self, c, toks, words, quoted) -> _Slot | None:
        core = self._core(c, toks)
        if core is not None:
            s, e = core
            if words[s:e] == [cues.SENTINEL] and quoted is not None:
                return _Slot("bare", quoted, s, e)
            span, year = split_year(" ".join(words[s:e]))
            hit = self.titles.exact(" ".join(words[s:e])) or self.titles.exact(span, year)
            if hit and not self._is_vocabulary(c, words[s:e]):
                return _Slot("bare", hit, s, e)
        for pattern_no, rx in enumerate(cues.RATE):
            m = rx.search(c)
            if m:
                s, e = _token_range(toks, m.start("t"), m.end("t"))
                found = self._resolve(words, toks, c, s, e, quoted, strict=pattern_no == 1)
                if found:
                    match, ms, me = found
                    r0, _ = _token_range(toks, m.start("r"), m.end())
                    rating = rating_value(m.group("r"), m.groupdict().get("scale"))
                    return _Slot("rate", match, ms, me, rating, (r0, len(toks)))
        for m in cues.SIMILAR.finditer(c):
            s, _ = _token_range(toks, m.start("t"), m.start("t") + 1)
            found = self._resolve(words, toks, c, s, len(toks), quoted, strict=False)
            if found:
                return _Slot("similar", *found)
        best = None
        for score, rx in cues.SENTIMENT_BEFORE:
            m = rx.search(c)
            if m and (best is None or m.start("t") < best[1].start("t")):
                best = (score, m)
        if best:
            s, _ = _token_range(toks, best[1].start("t"), best[1].start("t") + 1)
            found = self._resolve(words, toks, c, s, len(toks), quoted, strict=True)
            if found:   # "I watched X" states no opinion: it only names a seed title
                if best[0] == 0.0:
                    return _Slot("seen", *found)
                return _Slot("sentiment", *found, rating=best[0])
        for score, rx in cues.SENTIMENT_AFTER:
            m = rx.search(c)
            if m:
                s, e = _token_range(toks, m.start("t"), m.end("t"))
                found = self._resolve_back(words, s, e, quoted)
                if found:
                    return _Slot("sentiment", *found, rating=score)
        if quoted is not None:
            i = words.index(cues.SENTINEL)
            return _Slot("quoted", quoted, i, i + 1)
        return self._fuzzy_bare(c, words, core)

    def _core(self, c: str, toks: list[Token]) -> tuple[int, int] | None:
        """Token range of the message without framing words ("what about ...?")."""
        m = cues.BARE_PREFIX.match(c)
        start = 0
        if m:
            start, _ = _token_range(toks, m.end(), m.end() + 1)
        end = len(toks)
        while end > start and toks[end - 1].word in cues.SPAN_TRAIL:
            end -= 1
        return (start, end) if end > start else None

    def _is_vocabulary(self, c: str, words: list[str]) -> bool:
        """True when a would-be bare title is really a request word ("kids", "help")."""
        if all(w in self._genre_words or w in cues.GENERIC for w in words):
            return True
        return bool(cues.HELP.search(c) or cues.GREET.fullmatch(c) or cues.MORE.search(c))

    def _resolve(self, words, toks, c, s, e, quoted, strict) -> tuple | None:
        """Link the words from token s onward to a title: (match, start, end) or None.

        Tries the longest exact span, then the longest title prefix, then fuzzy on the
        span cut at punctuation/stop words. `strict`: only an accepted match counts."""
        if s >= len(words):
            return None
        while s < e:     # "movies like the movie Fargo": framing words, not title words
            if words[s] in ("movie", "film", "watching", "seeing"):
                s += 1
            elif s + 1 < e and words[s] == "the" and words[s + 1] in ("movie", "film"):
                s += 2
            else:
                break
        if s >= e:
            return None
        if words[s] == cues.SENTINEL:
            return (quoted, s, s + 1) if quoted is not None else None
        if words[s] in cues.GENERIC and words[s] not in ("the", "a", "an"):
            return None
        top = min(e, s + MAX_SPAN)
        # longest span first; at equal length an exact title beats a title prefix, but
        # a longer prefix beats a shorter exact ("terminator 2" is not "Terminator, The")
        for j in range(top, s, -1):
            span = " ".join(words[s:j])
            hit = (self.titles.exact(span) or self.titles.exact(*split_year(span))
                   or self.titles.prefix(span))
            if hit:
                return hit, s, j
        j = _cut(c, toks, words, s, top) if toks is not None else top
        if j <= s or all(w in self._genre_words or w in cues.GENERIC for w in words[s:j]):
            return None
        match = self.titles.fuzzy(*split_year(" ".join(words[s:j])))
        if strict and (match.index is None or match.score < STRICT_ACCEPT):
            return None
        return match, s, j

    def _resolve_back(self, words, s, e, quoted) -> tuple | None:
        """Like _resolve for a title that *ends* at e ("X was terrible")."""
        for i in range(max(s, e - MAX_SPAN), e):
            span = " ".join(words[i:e])
            if words[i] == cues.SENTINEL and quoted is not None and i == e - 1:
                return quoted, i, e
            hit = self.titles.exact(span) or self.titles.exact(*split_year(span))
            if hit:
                return hit, i, e
        for i in range(max(s, e - MAX_SPAN), e):
            if words[i] in cues.GENERIC and words[i] not in ("the", "a", "an"):
                continue
            match = self.titles.fuzzy(*split_year(" ".join(words[i:e])))
            if match.index is not None and match.score >= STRICT_ACCEPT:
                return match, i, e
            break
        return None

    def _fuzzy_bare(self, c, words, core) -> _Slot | None:
        """A short message with no cue at all may be a misspelt title ("godfathr")."""
        if core is None or core[1] - core[0] > 7:
            return None
        s, e = core
        if any(rx.search(c) for rx in (cues.HELP, cues.GREET, cues.MORE, cues.POPULAR,
                                        cues.REQUEST)) or self.genres.find(words[s:e]):
            return None
        if all(w in cues.GENERIC or w in cues.SPAN_STOP for w in words[s:e]):
            return None
        found = self._resolve(words, None, None, s, e, None, strict=True)
        if not found or found[0].score < STRICT_ACCEPT:
            return None
        # the title must be the whole message ("star wars episode 4" is fine, "what's
        # the weather" must not become "What's Eating Gilbert Grape")
        if any(not w.isdigit() and w not in ("episode", "part", "chapter")
               for w in words[found[2]:e]):
            return None
        return _Slot("fuzzy", *found)

    def _intent(self, slot: _Slot | None, rest: str, genre, count) -> Intent:
        """The priority table. With a title: rate > similar > sentiment(+request) > bare.
        Without: help > more > popular > recommend > greet > unknown."""
        if slot is not None:
            if slot.kind == "rate":
                return Intent.RATE
            if slot.kind == "sentiment":
                asks = cues.REQUEST.search(rest) or cues.MORE.search(rest) or "?" in rest
                if not asks:
                    return Intent.RATE
                return Intent.SIMILAR if (slot.rating or 0) >= 3 else Intent.RECOMMEND
            return Intent.SIMILAR
        asks = cues.REQUEST.search(rest)
        if cues.HELP.search(rest) and genre is None and not re.search(
                r"\b(?:recommend\w*|suggest\w*|find|show me|give me|movies?|films?)\b", rest):
            return Intent.HELP
        if cues.MORE.search(rest):
            return Intent.MORE
        if cues.POPULAR.search(rest):
            return Intent.POPULAR
        if asks or genre is not None or count is not None:
            return Intent.RECOMMEND
        if cues.GREET.search(rest):
            return Intent.GREET
        return Intent.UNKNOWN

    def _query(self, intent, slot, genre, k, k_req) -> Query:
        title = item_id = rating = confidence = None
        candidates: tuple[Candidate, ...] = ()
        cat = self.catalog
        if slot is not None:
            rating = slot.rating if intent in (Intent.RATE, Intent.RECOMMEND) else None
            m = slot.match
            if m.index is not None:
                title, item_id = cat.titles[m.index], cat.item_ids[m.index]
                confidence = round(float(m.score), 1)
            else:
                candidates = tuple(Candidate(cat.titles[i], cat.item_ids[i], float(sc))
                                   for i, sc in m.candidates[:3])
        return Query(intent, genre=genre, title=title, item_id=item_id, k=k,
                     k_requested=k_req, rating=rating, candidates=candidates,
                     parser=self.name, confidence=confidence)
