"""Linking a piece of a message to a catalog title: `TitleMatcher`.

Three stages, cheapest first, each with a fixed score so callers can compare them:

1. exact   — the span equals a normalised form of a title (100) or of an alias (96).
   Forms per title: "the godfather" (article moved to the front), "godfather"
   (article-less), "godfather the" (as spelled), the parenthetical alternative title
   ("Seven (Se7en)" -> "se7en") and a multi-word subtitle ("first contact").
2. prefix  — the span is the first words of a title ("willy wonka"): 85 + 12 * coverage,
   so a longer share of the title scores higher (the length-aware rule).
3. fuzzy   — rapidfuzz.process.extract with fuzz.ratio over the forms *and* their word
   prefixes, so one scan covers typos ("star wors") and typos in partial titles
   ("wily wonka"); a prefix choice loses up to 10 points for the part of the title it
   leaves out. ratio is used rather than WRatio/partial_ratio because it honours
   score_cutoff with a length filter: ~0.2 ms on ML-100K, a few ms on 60k titles.

Ties (same rounded score) go to the more-rated film; a year in the span ("cape fear
1962") picks among equal titles. Below ACCEPT no guess is made: the caller gets the
top candidates for a "did you mean".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from intents.lexicon.frequency import WordFrequency
from intents.lexicon.text import norm
from intents.mentions.sequels import same_numbers

ACCEPT = 82.0            # a fuzzy score at or above this is taken as the title
CANDIDATE_FLOOR = 60.0   # weaker than this is not even offered as "did you mean"
AMBIGUOUS_RATIO = 3.0    # a partial title shared by films rated within 3x of each other
                         # is ambiguous ("star trek"): ask, don't guess
POPULARITY_BONUS = 4.0   # at most this many points for the most-rated film, when ranking
RARE_COUNT = 10          # films rated less than this never head a "did you mean"
_MAX_PHRASE = 4          # longest run of words looked up inside titles
FUZZY_MEMORY = 4096      # fuzzy answers remembered per matcher
EXACT, ALIAS = 100.0, 96.0

ARTICLES = ("the", "a", "an", "les", "la", "le", "l", "il", "el", "das", "der", "die")
_TRAILING_ARTICLE = re.compile(r"^(.*),\s*(" + "|".join(ARTICLES) + r")$", re.I)
_YEAR_SUFFIX = re.compile(r"\s*\((\d{4})\)\s*$")
_PAREN = re.compile(r"\(([^()]*)\)")
_AKA = re.compile(r"^(a\.?k\.?a\.?|aka)\s+", re.I)
_PART_N = re.compile(r"\b(?:part|chapter) (\d+)\b")
# Words that alone do not identify a film (a prefix made only of these is not indexed).
_WEAK = frozenset(ARTICLES + ("of", "and", "in", "on", "to", "for", "my", "it", "is",
                              "to", "with", "at", "from", "part", "movie", "film"))
_JOINING = frozenset(ARTICLES[:3] + ("and", "or", "of", "to", "with", "in", "on", "at"))
_PLACEHOLDER_TITLES = frozenset({"unknown", "unkonwn"})


@dataclass(frozen=True)
class TitleMatch:
    """Result of matching one span: the item index (or None) and its score, plus the
    best (index, score) candidates whatever the outcome."""

    index: int | None
    score: float
    candidates: tuple[tuple[int, float], ...] = ()
    sure: bool = True    # False: linked, but not surely enough for a write (detector.py)


def title_forms(title: str) -> tuple[list[str], list[str]]:
    """(canonical forms, alias forms) of one catalog title, normalised."""
    title = _YEAR_SUFFIX.sub("", title).strip()
    aliases = []
    for inner in _PAREN.findall(title):
        inner = _AKA.sub("", inner.strip())
        if inner and not inner.isdigit():
            aliases.extend(_article_forms(inner))
    main = _PAREN.sub(" ", title).strip() or title
    canonical = _article_forms(main)
    bare = norm(canonical[0]) if canonical else ""
    # A multi-word subtitle ("Star Trek: First Contact") is how people often name it.
    if ":" in main:
        sub = main.split(":", 1)[1].strip()
        sub_words = [w for w in norm(sub).split() if w not in _WEAK]
        if len(sub_words) >= 2:
            aliases.extend(_article_forms(sub))
    canon = _uniq(norm(f) for f in canonical)
    aliases.extend(_PART_N.sub(r"\1", f) for f in canon if _PART_N.search(f))  # "godfather 2"
    alias = [a for a in _uniq(norm(f) for f in aliases) if a not in canon and a != bare]
    return canon, alias


def _article_forms(text: str) -> list[str]:
    """Article-less form first, then article-first, then as spelled."""
    text = text.strip()
    m = _TRAILING_ARTICLE.match(text)
    if m:
        rest, art = m.group(1).strip(), m.group(2)
        # "Godfather: Part II, The" -> the article belongs before the main title
        return [rest, f"{art} {rest}", text]
    words = text.split(None, 1)
    # only English articles at the front: "Die Hard" is not "Hard"
    if len(words) == 2 and words[0].lower() in ("the", "a", "an"):
        return [words[1], text]
    return [text]


def _uniq(xs) -> list[str]:
    seen: dict[str, None] = {}
    for x in xs:
        if x:
            seen.setdefault(x, None)
    return list(seen)


class TitleMatcher:
    """Prebuilt lookups over one catalog (see module docstring). Thread-safe once built.

    `state()` is the built index as plain JSON data; `TitleMatcher(catalog, state)`
    takes it back instead of building (~40 ms on ML-100K), so a service can keep it
    beside its artifacts."""

    def __init__(self, catalog, state: dict | None = None) -> None:
        self.catalog = catalog
        state = state if state is not None else _build(catalog.titles, catalog.counts)
        self._exact: dict[str, list[int]] = state["exact"]
        self._exact_kind: dict[str, int] = state["exact_kind"]
        self._prefix: dict[str, list] = state["prefix"]       # key -> [(count, idx, cov)]
        self._choices: list[str] = state["choices"]
        self._meta: list = state["meta"]                     # per choice: (weight, count, idx)
        self._bare: list[str] = state["bare"]
        self.words = WordFrequency(state["words"])          # how common each word is
        self._years = catalog.years
        self._counts = counts = catalog.counts
        self._phrases: dict | None = None
        self._fuzzy_seen: dict = {}
        top = max(counts, default=0)
        self._bonus = [POPULARITY_BONUS * math.log1p(c) / math.log1p(top) if top else 0.0
                       for c in counts]

    def state(self) -> dict:
        """The built lookups (JSON-safe); pass them back as `TitleMatcher(catalog, state)`
        for the same catalog titles and counts."""
        return {"exact": self._exact, "exact_kind": self._exact_kind, "prefix": self._prefix,
                "choices": self._choices, "meta": self._meta, "bare": self._bare,
                "words": self.words.state()}

    def bare_title(self, i: int) -> str:
        """The normalised title of item i without its article ("godfather")."""
        return self._bare[i]

    # -- stages ---------------------------------------------------------------------
    def exact(self, span: str, year: int | None = None) -> TitleMatch | None:
        """Exact form or alias; `span` must already be normalised."""
        hits = self._exact.get(span)
        if not hits:
            return None
        if year:
            hits = [i for i in hits if self._years[i] == year] or hits
        score = EXACT if self._exact_kind[span] == 0 else ALIAS
        return TitleMatch(hits[0], score, tuple((i, score) for i in hits[:3]))

    def prefix(self, span: str) -> TitleMatch | None:
        """The first words of a title (article-less); normalised span."""
        words = span.split()
        if words and words[0] in ARTICLES:
            span = " ".join(words[1:])
        if words[-1:] and words[-1] in _JOINING:     # no one cuts a title short there:
            return None              # "Batman and ..." is Batman and a list going on
        hits = self._prefix.get(span)
        if not hits:
            return None
        count, i, cov = hits[0]
        score = 85.0 + 12.0 * cov
        cands = tuple((j, round(85.0 + 12.0 * c, 1)) for _, j, c in hits[:3])
        if len(hits) > 1 and count < AMBIGUOUS_RATIO * hits[1][0]:
            return TitleMatch(None, score, cands)      # several films go by that name
        return TitleMatch(i, score, cands)

    def fuzzy(self, span: str, year: int | None = None, limit: int = 3) -> TitleMatch:
        """Best fuzzy match; index is None when the best score is below ACCEPT. The
        answers are remembered (FUZZY_MEMORY of them): a message that repeats a span
        pays for it once, so a turn's cost stays linear in its length."""
        key = (span, year, limit)
        hit = self._fuzzy_seen.get(key)
        if hit is None:
            if len(self._fuzzy_seen) >= FUZZY_MEMORY:
                self._fuzzy_seen.clear()
            hit = self._fuzzy_seen[key] = same_numbers(     # "godfather part 3" is no
                self._fuzzy(span, year, limit), span.split(), self.catalog.titles)  # Part II
        return hit

    def _fuzzy(self, span: str, year: int | None, limit: int) -> TitleMatch:
        words = span.split()
        if len(words) > 1 and words[0] in ("the", "a", "an") and len(span) > 6:
            span = " ".join(words[1:])    # a shared "the " must not make titles look alike
        if len(span) < 3:
            return TitleMatch(None, 0.0)
        found = process.extract(span, self._choices, scorer=fuzz.ratio, processor=None,
                                score_cutoff=CANDIDATE_FLOOR - 5, limit=40)
        best: dict[int, float] = {}
        for _, raw, pos in found:
            weight, _, i = self._meta[pos]
            score = raw - 10.0 * (1.0 - weight)
            if year and self._years[i] == year:
                score += 1.0
            if score > best.get(i, -1.0):
                best[i] = score
        # a more-rated film weighs more; a rarely rated one never heads the list
        ranked = sorted(best.items(), key=lambda it: (
            self._counts[it[0]] < RARE_COUNT and it[1] < ACCEPT,
            -round(it[1] + self._bonus[it[0]]), -self._counts[it[0]]))
        cands = tuple((i, round(s, 1)) for i, s in ranked[:limit] if s >= CANDIDATE_FLOOR)
        if cands and cands[0][1] >= ACCEPT:
            return TitleMatch(cands[0][0], cands[0][1], cands)
        return TitleMatch(None, cands[0][1] if cands else 0.0, cands)

    def contained(self, span: str) -> TitleMatch | None:
        """A title named by a piece of it ("the holy grail one with monty python",
        "the life of brian"): the longest run of the span's words (two distinctive
        words, or three words) found inside exactly one title. Score 83: accepted,
        never an exact hit."""
        words = span.split()
        index = self._phrase_index()
        for size in range(min(len(words), _MAX_PHRASE), 1, -1):
            for a in range(len(words) - size + 1):
                phrase = tuple(words[a:a + size])
                strong = sum(w not in _WEAK for w in phrase)
                if strong < 2 and not (size >= 3 and strong >= 1):
                    continue
                holders = index.get(phrase)
                if holders and len({self._bare[i] for i in holders}) == 1:
                    best = max(holders, key=lambda i: self._counts[i])
                    return TitleMatch(best, 83.0, ((best, 83.0),))
        return None

    def _phrase_index(self) -> dict[tuple[str, ...], tuple[int, ...]]:
        """Runs of 2.._MAX_PHRASE words -> titles holding them (built on first use)."""
        if self._phrases is None:
            table: dict[tuple[str, ...], set[int]] = {}
            for i, bare in enumerate(self._bare):
                words = bare.split()
                for size in range(2, _MAX_PHRASE + 1):
                    for a in range(len(words) - size + 1):
                        table.setdefault(tuple(words[a:a + size]), set()).add(i)
            self._phrases = {p: tuple(v) for p, v in table.items() if len(v) <= 3}
        return self._phrases

    def match(self, text: str) -> TitleMatch:
        """Whole-text convenience: exact, then prefix, then fuzzy."""
        span, year = split_year(norm(text))
        return (self.exact(span, year) or self.prefix(span) or self.fuzzy(span, year))


def split_year(span: str) -> tuple[str, int | None]:
    """'cape fear 1962' -> ('cape fear', 1962); a title that *is* a number stays."""
    words = span.split()
    if len(words) > 1 and len(words[-1]) == 4 and words[-1].isdigit() \
            and 1880 <= int(words[-1]) <= 2035:
        return " ".join(words[:-1]), int(words[-1])
    return span, None


def _keep_best(table: dict, key: str, value: tuple, by_count: bool = False) -> None:
    """Keep, per choice string, the entry with the highest (weight, count); a title's
    first words (`by_count`) stand for the most-rated film they start ("star": Star
    Wars, not Star Kid), unless a whole title or alias already holds them."""
    old = table.get(key)
    if old is None:
        table[key] = value
    elif by_count:
        if old[0] < 0.98 and value[1] > old[1]:
            table[key] = value
    elif value[:2] > old[:2]:
        table[key] = value


def _build(titles, counts) -> dict:
    """The lookups of `TitleMatcher.state()` from the catalog's titles and counts."""
    # rank: lower is better -> canonical before alias, then more-rated first
    exact: dict[str, list[tuple[int, int, int]]] = {}
    prefix: dict[str, list[tuple[int, int, float]]] = {}  # key -> [(count, idx, cov)]
    choice: dict[str, tuple[float, int, int]] = {}   # string -> (weight, count, idx)
    bare: list[str] = []
    for i, title in enumerate(titles):
        canon, alias = title_forms(title)
        if not canon or canon[0] in _PLACEHOLDER_TITLES:
            bare.append("")
            continue
        bare.append(canon[0])
        for kind, forms in ((0, canon), (1, alias)):
            for f in forms:
                exact.setdefault(f, []).append((kind, -counts[i], i))
                _keep_best(choice, f, (1.0 if kind == 0 else 0.98, counts[i], i))
        words = canon[0].split()
        for n in range(1, len(words)):
            key = " ".join(words[:n])
            # one short word ("the", "star") is too vague; "e t" (E.T.) is fine
            if (len(key) < 4 and n < 2) or all(w in _WEAK for w in words[:n]):
                continue
            cov = len(key) / len(canon[0])
            prefix.setdefault(key, []).append((counts[i], i, cov))
            _keep_best(choice, key, (cov, counts[i], i), by_count=True)
    choices = list(choice)
    return {
        "exact": {k: [i for _, _, i in sorted(v)] for k, v in exact.items()},
        "exact_kind": {k: min(v)[0] for k, v in exact.items()},
        # titles that are themselves a shorter title's prefix do not make it ambiguous
        "prefix": {k: sorted(v, key=lambda t: (-t[0], t[1]))[:5]
                   for k, v in prefix.items() if k not in exact},
        "choices": choices, "meta": [choice[c] for c in choices], "bare": bare,
        "words": WordFrequency.build({w for b in bare for w in b.split()}).state(),
    }
