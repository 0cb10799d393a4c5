"""Titles read before any cue: a quoted title, and every catalog title written whole
(with its bracketed alternative title and year, when they follow), each replaced by a
sentinel word ("qqtitle0qq") that the cue patterns then see as one opaque word. This is
what keeps the cue words inside titles ("Some Like It Hot", "Good Will Hunting", "One
Flew Over the Cuckoo's Nest") from being read as cues, counts or genres.

Two-word titles made of everyday words ("The Game") are left to the cues unless a
bracket follows or they are written with capitals ("Pulp Fiction", "who won The
Game"), so "who won the game" stays a question about a match.
"""
from __future__ import annotations

import re
from dataclasses import replace

from intents.lexicon import cues
from intents.lexicon.text import capitals, norm, tokens
from intents.mentions.sequels import sequel_mark
from intents.mentions.detector import MentionDetector
from intents.mentions.features import View, request_vocabulary
from intents.mentions.titles import TitleMatch

MIN_WHOLE_TITLE = 2      # words a title needs to be read whole before any cue
MAX_SPAN = 20            # the longest ML-100K title is 15 words with its year
_QUOTED = re.compile(r'"([^"]{1,200})"|(?:^|(?<=\s))\'([^\']{2,200})\'(?=$|[\s?.!,;:])')
_CLOSE = re.compile(r"[^\w()]*\)")
_PAREN = re.compile(r"\s*\(([^()]{1,80})\)")
_PAREN_YEAR = re.compile(r"\s*\(?\s*((?:18|19|20)\d\d)\s*\)?(?![\w])")


# a number after a title is its rating after these ("rate star wars 5"), not a sequel's
_RATING_CUE = re.compile(r"\b(?:rate|rated|rating|score|scored|give|gave|giving)\b")


class WholeTitles:
    """Reads the titles of one catalog out of a cleaned message (see the docstring)."""

    def __init__(self, catalog, matcher, genre_words: frozenset[str]) -> None:
        self.catalog, self.titles, self._genre_words = catalog, matcher, genre_words
        self.vocabulary = request_vocabulary(genre_words)
        self.detector = MentionDetector(catalog, matcher, self.vocabulary)

    def read(self, c: str, titles: dict, cased: str | None = None) -> tuple[str, list[bool]]:
        """`c` with quoted and whole titles as sentinels, and which of its tokens are
        written with a capital; `titles` gets the matches. `cased` is `c` before
        lowercasing (text.clean_cased), for the capitals."""
        first = len(titles)
        c = self._read_quotes(c, titles)
        if cased is not None and len(cased) == len(c) + 0 and first == len(titles):
            caps = capitals(cased, tokens(c))       # no quote swapped: offsets still agree
        elif cased is not None:
            swapped = self._read_quotes(cased, {}, first)
            caps = capitals(swapped, tokens(c)) if swapped.lower() == c else None
        else:
            caps = None
        return self._read_whole_titles(c, titles, caps)

    def _read_quotes(self, c: str, titles: dict, first: int | None = None) -> str:
        """Every quoted span becomes a sentinel standing for its best title match
        (`first`: only number the sentinels, from there, without matching)."""
        count = iter(range(first if first is not None else 0, 10**6))

        def swap(m: re.Match) -> str:
            if first is not None:
                return f" {cues.sentinel(next(count))} "
            n = len(titles)
            titles[n] = self.titles.match(m.group(1) or m.group(2))
            return f" {cues.sentinel(n)} "
        return " ".join(_QUOTED.sub(swap, c).split())

    def _read_whole_titles(self, c: str, titles: dict,
                           caps: list[bool] | None = None) -> tuple[str, list[bool]]:
        """The film mentions the detector finds become sentinels (with a bracketed
        alias and year that follow them); returns the text and its tokens' capitals."""
        toks = tokens(c)
        words = [t.word for t in toks]
        caps = caps if caps is not None and len(caps) == len(toks) else [False] * len(toks)
        keep = []
        for cand in self.detector.find(View(c, toks, words, caps)):
            i, j = cand.start, cand.end
            if (words[j - 1].isdigit() and (
                    j < len(words) and words[j] in ("star", "stars", "out")
                    or c[toks[j - 1].end:].lstrip()[:1] == "/")):
                continue           # "give Scream 2 stars": the 2 is the rating
            if sequel_mark(words, c[toks[j].end:] if j < len(toks) else "", j) \
                    and not _RATING_CUE.search(c, 0, toks[i].start):
                continue           # "godfather part 3": a sequel the catalog lacks (sequels.py)
            end = toks[j - 1].end
            closing = _CLOSE.match(c, end)              # the span took its bracketed alias
            if closing:                                   # ("... (Oeil de Vichy, L')")
                end = closing.end()
            end, hit = self._alias_and_year(c, end, cand.match)
            last = max(t for t in range(j - 1, len(toks)) if toks[t].start < end)
            if hit.index == cand.match.index and cand.p < self.detector.write:
                hit = replace(hit, sure=False)      # linked; a write from it is confirmed
            keep.append((i, last + 1, end, hit))
        out, pos, new_caps, t = [], 0, [], 0
        for i, j, end, hit in keep:
            n = len(titles)
            titles[n] = hit
            out.append(c[pos:toks[i].start])
            new_caps += caps[t:i] + [True]
            out.append(f" {cues.sentinel(n)} ")
            pos, t = end, j
        out.append(c[pos:])
        new_caps += caps[t:]
        return " ".join("".join(out).split()), new_caps

    def _alias_and_year(self, c: str, end: int, hit):
        """Extend a title read whole over what follows it when that is the same film's
        bracketed alternative title and/or year: "Seven (Se7en) (1995)", "Clean Slate
        (Coup de Torchon) (1981)" (the year also picks among same-titled films)."""
        rest = c[end:]
        alias = _PAREN.match(rest)
        if alias and not alias.group(1).strip().isdigit():
            other = self.titles.exact(norm(alias.group(1)))
            if other is not None and set(i for i, _ in other.candidates) & set(
                    i for i, _ in hit.candidates):
                hit = TitleMatch(next(i for i, _ in other.candidates
                                      if i in {j for j, _ in hit.candidates}),
                                 hit.score, hit.candidates)
                end, rest = end + alias.end(), rest[alias.end():]
        year = _PAREN_YEAR.match(rest)
        if year:
            same = [i for i, _ in hit.candidates if self.catalog.years[i] == int(year.group(1))]
            if same:
                hit = TitleMatch(same[0], hit.score, hit.candidates)
                end += year.end()
        return end, hit


