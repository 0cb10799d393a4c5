"""The evidence that a span of a message names a catalog film, as numbers: one
`Candidate` per span the catalog could mean, with its feature vector.

Candidates are every span that is a title (exact or alternative form), a title's first
words, or, for a span written like a name, a close fuzzy match. The features are what a
reader weighs (DESIGN §2): how close the match is and of what kind, how much of the
title the span covers, how common its words are in ordinary English, capitals (only
when the message uses them), the words around it ("like X", "seen X", "X was great",
"X 2" when the film has no sequel), a year that agrees or not, the film's popularity
and the span's length. intents/mentions/model.py turns them into a probability.

Work is linear in the message: each start position tries at most MAX_SPAN lengths with
dictionary lookups; fuzzy matching runs once per capitalised run.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from intents.lexicon import cues
from intents.lexicon.text import Token, norm
from intents.mentions.titles import ACCEPT, TitleMatch, split_year

MAX_SPAN = 20            # words; the longest ML-100K title is 15 with its year
_ARTICLES = frozenset(("the", "a", "an"))
_PAREN = re.compile(r"\s*\(([^()]{1,80})\)")
#: a year after a title, maybe after its alternative title in brackets
_YEAR_AFTER = re.compile(r"\s*(?:\([^()]{1,80}\)\s*)?\(?\s*((?:18|19|20)\d\d)\b")
_BRIDGE = frozenset("of the to a an de la le du".split())
COMMON_FIRST = 4.0       # Zipf: a first word this common starts no name on its own
_SMALL = frozenset("the a an of and in on to for at from with by or vs".split())
# the cue right before a span, by kind (the frame around it)
_BEFORE = {
    "similar": frozenset("like similar such resembling".split()),
    "opinion": frozenset("""love loved liked enjoy enjoyed adore adored hate hated dislike
        disliked favorite favourite fan prefer preferred""".split()),
    "seen": frozenset("seen saw watched watch watching see seeing rewatch caught".split()),
    "about": frozenset(("about",)),
    "named": frozenset("called titled named".split()),
    "noun": frozenset("movie film movies films flick".split()),
}
_AFTER_VERB = frozenset("is was are were has had looks sounds".split())
# "the new Jumanji", "the remake of Psycho": a later film of the same name
_LATER = frozenset("new newer latest remake recent reboot sequel".split())
FEATURES = (
    "bias", "exact", "alias", "prefix", "fuzzy", "contained", "score", "coverage", "one_word",
    "content_words", "title_words", "zipf_min", "zipf_mean", "all_common", "caps_known",
    "caps_share", "caps_first_only", "extends_caps", "sequel_after", "year_agrees",
    "year_differs", "before_similar", "before_opinion", "before_seen", "before_about",
    "before_noun", "before_named", "before_article", "after_verb", "after_noun", "at_edge", "popularity",
    "ambiguous", "vocabulary", "whole_message", "preceded_caps", "subtitle_after",
    "before_later", "one_word_caps", "one_word_zipf", "framed_one_word", "before_list",
    "foreign_words", "prefix_zipf", "prefix_coverage", "rating_frame", "fuzzy_zipf",
)
#: a number after a title that is a rating, not a sequel ("give Scream 2 stars",
#: "rate star wars 5", "casablanca 4.5 stars")
_RATING_AFTER = frozenset("star stars out points".split())
_RATE = frozenset("rate rating give score".split())


def frame_before(word: str) -> str | None:
    """The kind of cue a word right before a span is: similar, opinion, seen, about,
    noun ("the movie X"), or None."""
    return next((kind for kind, words in _BEFORE.items() if word in words), None)


def request_vocabulary(genre_words: frozenset[str]) -> frozenset[str]:
    """Words that ask for films rather than name one: genres and cue words."""
    return genre_words | cues.GENERIC | cues.CUE_WORDS


def genre_words(catalog) -> frozenset[str]:
    """The one-word genre phrases of a catalog ("comedy", "scary", "noir")."""
    return frozenset(p[0] for p in catalog.genres_matcher.phrases if len(p) == 1)


@dataclass
class Candidate:
    """A span (token range start..end) the catalog could mean, and why."""

    start: int
    end: int
    match: TitleMatch
    kind: str                       # exact | alias | prefix | fuzzy | contained
    features: list[float] = field(default_factory=list)
    p: float = 0.0                              # filled by the model


@dataclass
class View:
    """A cleaned message as the evidence needs it."""

    text: str                                   # cleaned, lowercase
    toks: list[Token]
    words: list[str]
    caps: list[bool]                            # written with a capital (all False when
                                                # the message has no capitals to tell)

    @cached_property
    def caps_known(self) -> bool:
        """Capitals tell names from words: some words after the first have one, and
        most do not (a Message Typed In Title Case tells nothing)."""
        later = [c for w, c in zip(self.words[1:], self.caps[1:]) if w != "i"]
        # a short message is Title Case only when every word is ("I loved The Game" is
        # a sentence with a title in it); a longer one when most words are
        return any(later) and (sum(later) <= 0.6 * len(later)
                               or (len(later) <= 5 and not all(later)))


class Evidence:
    """Candidate spans and their features over one catalog's TitleMatcher."""

    def __init__(self, catalog, matcher, vocabulary: frozenset[str]) -> None:
        self.catalog, self.titles = catalog, matcher
        self.vocabulary = vocabulary            # genre and cue words
        top = max(catalog.counts, default=0)
        self._log_top = math.log1p(top) or 1.0

    def candidates(self, v: View) -> list[Candidate]:
        out: list[Candidate] = []
        words = v.words
        n = len(words)
        # a span never crosses a title read already: stop at the next one
        stop, nxt = [n] * n, n
        for i in range(n - 1, -1, -1):
            stop[i] = nxt
            if cues.sentinel_index(words[i]) is not None:
                nxt = i
        for i in range(n):
            if cues.sentinel_index(words[i]) is not None:
                continue
            small = words[i] in _SMALL - _ARTICLES     # "To Die For": whole titles only
            exact = prefix = None
            for j in range(min(stop[i], i + MAX_SPAN), i, -1):
                span = " ".join(words[i:j])
                if exact is None:
                    hit = self.titles.exact(span) or self.titles.exact(*split_year(span))
                    if hit is not None:
                        hit, end = self._brackets(v, j, hit)
                        exact = Candidate(i, end, hit, "exact" if hit.score >= 100 else "alias")
                if prefix is None and exact is None and not small:
                    hit = self.titles.prefix(span)
                    if hit is not None and hit.index is not None:
                        prefix = Candidate(i, j, hit, "prefix")
                if exact is not None:
                    break
            out += [c for c in (exact, prefix) if c is not None]
        out += self._fuzzy(v, {(c.start, c.end) for c in out})
        for c in out:
            c.features = self.features(v, c)
        return out

    def _brackets(self, v: View, j: int, hit: TitleMatch) -> tuple[TitleMatch, int]:
        """A title's own alternative title in brackets belongs to its span ("Maybe, Maybe
        Not (Bewegte Mann, Der)"), and a year after it picks among films of one title
        ("Cape Fear (1962)")."""
        end = j
        alias = _PAREN.match(v.text, v.toks[j - 1].end)
        if alias and hit.index is not None:
            other = self.titles.exact(norm(alias.group(1)))
            if other is not None and hit.index in {k for k, _ in other.candidates}:
                end = next((t for t in range(j, len(v.toks))
                            if v.toks[t].start >= alias.end()), len(v.toks))
        year = _YEAR_AFTER.match(v.text, v.toks[j - 1].end)
        if year is not None and len(hit.candidates) > 1:
            same = [i for i, _ in hit.candidates if self.catalog.years[i] == int(year.group(1))]
            if same:
                hit = TitleMatch(same[0], hit.score, hit.candidates)
        return hit, end

    def _fuzzy(self, v: View, known: set) -> list[Candidate]:
        """A close fuzzy match for each run of capitalised words ("Forest Gump")."""
        if not v.caps_known:
            return []
        found, i, n = [], 0, len(v.words)
        while i < n:
            if not v.caps[i] or cues.sentinel_index(v.words[i]) is not None or (
                    i == 0 and self.titles.words.zipf(v.words[0]) >= COMMON_FIRST):
                i += 1          # "Yes Jurassic Park", "Hi! Know of...": a sentence's
                continue        # first word has its capital anyway
            j = i + 1
            while j < n and j - i < MAX_SPAN and (v.caps[j] or (
                    v.words[j] in _SMALL and j + 1 < n and v.caps[j + 1])):
                j += 1
            span = " ".join(v.words[i:j])
            if (i, j) not in known and len(span) >= 4 and not all(
                    w in self.vocabulary for w in v.words[i:j]):
                hit = self.titles.fuzzy(*split_year(span))
                if hit.index is not None and hit.score >= ACCEPT:
                    found.append(Candidate(i, j, hit, "fuzzy"))
            i = j
        return found

    def features(self, v: View, c: Candidate) -> list[float]:
        words, i, j = v.words, c.start, c.end
        index = c.match.index
        content = [w for w in words[i:j] if w not in _ARTICLES] or words[i:j]
        zipf = [self.titles.words.zipf(w) for w in content if not w.isdigit()] or [
            self.titles.words.floor]
        title_words = len(self.titles.bare_title(index).split()) if index is not None else 0
        caps_known = v.caps_known
        inner = [t for t in range(i, j) if words[t] not in _SMALL and words[t] != "i"]
        caps_share = (sum(v.caps[t] for t in inner if t > 0) / max(1, sum(t > 0 for t in inner))
                      if caps_known else 0.0)
        before = words[i - 1] if i > 0 else ""
        after = words[j] if j < len(words) else ""
        last = words[j - 1]
        bracketed = _YEAR_AFTER.match(v.text, v.toks[j - 1].end)   # "(Haine, La) (1995)"
        year = int(bracketed.group(1)) if bracketed else (
            int(last) if j - i > 1 and last.isdigit() and len(last) == 4 else None)  # "Hush 1998"
        film_year = self.catalog.years[index] if index is not None else 0
        gap = v.text[v.toks[j - 1].end:v.toks[j].start] if j < len(words) else ""
        f = {
            "bias": 1.0,
            "exact": float(c.kind == "exact"), "alias": float(c.kind == "alias"),
            "prefix": float(c.kind == "prefix"), "fuzzy": float(c.kind == "fuzzy"),
            "contained": float(c.kind == "contained"),
            "score": c.match.score / 100.0,
            "coverage": len(content) / max(1, title_words) if title_words else 0.0,
            "one_word": float(len(content) == 1),
            "content_words": math.log1p(len(content)),
            "title_words": math.log1p(title_words),
            "zipf_min": min(zipf) / 7.0, "zipf_mean": sum(zipf) / len(zipf) / 7.0,
            "all_common": float(all(z >= 4.5 for z in zipf)),
            "caps_known": float(caps_known), "caps_share": caps_share,
            "caps_first_only": float(caps_known and i == 0 and v.caps[0] and caps_share == 0),
            "extends_caps": float(caps_known and not gap.strip() and _capital_run(v, j, +1)),
            # (a sentence's first word has its capital anyway unless it is rare: "Yes
            # Jurassic Park is...", but "Ender's Game")
            "preceded_caps": float(caps_known and i > 0 and not v.text[
                v.toks[i - 1].end:v.toks[i].start].strip() and _capital_run(v, i - 1, -1)
                and not (i == 1 and self.titles.words.zipf(words[0]) >= COMMON_FIRST)),
            "subtitle_after": float(caps_known and j + 1 < len(words) and gap.strip()[:1] in
                                    (":", "-", "\u2013") and v.caps[j + 1]),
            "sequel_after": float(after.isdigit() and (len(after) <= 2 or (
                year is not None and year > 1999)) and not gap.strip()
                and not _RATING_AFTER & set(words[j + 1:j + 3]) and words[0] not in _RATE
                and v.text[v.toks[j].end:v.toks[j].end + 1] not in ("/", ".")),
            "year_agrees": float(year is not None and film_year and abs(year - film_year) <= 1),
            "year_differs": float(year is not None and film_year and abs(year - film_year) > 1),
            "at_edge": float(j == len(words) or bool(gap.strip(" ")))
        }
        for kind, vocabulary in _BEFORE.items():
            f["before_" + kind] = float(before in vocabulary)
        f["before_article"] = float(before in _ARTICLES)
        f["after_verb"] = float(after in _AFTER_VERB)
        f["after_noun"] = float(after in _BEFORE["noun"])
        f["popularity"] = (math.log1p(self.catalog.counts[index]) / self._log_top
                           if index is not None else 0.0)
        f["ambiguous"] = float(len(c.match.candidates) > 1 and c.kind in ("exact", "alias"))
        f["vocabulary"] = float(all(w in self.vocabulary for w in content))
        f["whole_message"] = float(i == 0 and j == len(words))
        f["prefix_zipf"] = f["prefix"] * f["zipf_min"]
        # a misspelt title is rarely made of real words: "Sing" is no typo of "The Sting"
        f["fuzzy_zipf"] = (f["fuzzy"] + f["contained"]) * f["zipf_mean"]
        f["prefix_coverage"] = f["prefix"] * f["coverage"]
        f["rating_frame"] = float(words[0] in _RATE)
        f["foreign_words"] = (_foreign(content, self.titles.bare_title(index).split())
                              if index is not None and c.kind in ("fuzzy", "contained") else 0.0)
        f["before_later"] = float(before in _LATER or (i > 1 and words[i - 2] in _LATER
                                                        and before in _ARTICLES))
        f["before_list"] = float(before in ("and", "or", "nor", "plus") or (
            i > 0 and "," in v.text[v.toks[i - 1].end:v.toks[i].start]))
        framed = f["before_similar"] or f["before_opinion"] or f["before_seen"]
        f["one_word_caps"] = f["one_word"] * caps_share
        f["one_word_zipf"] = f["one_word"] * f["zipf_min"]
        f["framed_one_word"] = f["one_word"] * framed
        return [f[name] for name in FEATURES]


def _capital_run(v: View, t: int, step: int) -> bool:
    """Token t is a capitalised word (not "I", not an article), or a small word next to
    one, going away from the span: "Dumb and Dumber To", "Son of Aladdin", "Ender's
    Game", "Scream I Know What". Only words that bind a name together bridge: "Fargo
    on TV", "Heat with Pacino", "Fargo and Heat" are a film and something else."""
    words, caps = v.words, v.caps
    if not 0 <= t < len(words):
        return False
    if caps[t] and words[t] not in ("i", "the", "a", "an"):
        return True
    u = t + step
    return words[t] in _BRIDGE and 0 <= u < len(words) \
        and caps[u] and words[u] != "i" and not v.text[
            min(v.toks[t].end, v.toks[u].end):max(v.toks[t].start, v.toks[u].start)].strip()


def _foreign(words: list[str], title: list[str]) -> float:
    """The share of `words` that are no word of the title, not even misspelt (one edit
    in a short word, two in a longer one): "American Pie" is not "An American in Paris",
    "twelve monkies" is "Twelve Monkeys"."""
    from rapidfuzz.distance import Levenshtein

    def near(w: str) -> bool:
        limit = 1 if len(w) <= 5 else 2
        return any(Levenshtein.distance(w, t, score_cutoff=limit) <= limit for t in title)
    return sum(not near(w) for w in words) / max(1, len(words))
