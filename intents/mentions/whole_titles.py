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

from intents.lexicon import cues
from intents.lexicon.text import capitals, norm, tokens
from intents.mentions.titles import TitleMatch, split_year

MIN_WHOLE_TITLE = 2      # words a title needs to be read whole before any cue
MAX_SPAN = 20            # the longest ML-100K title is 15 words with its year
_QUOTED = re.compile(r'"([^"]{1,200})"|(?:^|(?<=\s))\'([^\']{2,200})\'(?=$|[\s?.!,;:])')
_PAREN = re.compile(r"\s*\(([^()]{1,80})\)")
_PAREN_YEAR = re.compile(r"\s*\(?\s*((?:18|19|20)\d\d)\s*\)?(?![\w])")


class WholeTitles:
    """Reads the titles of one catalog out of a cleaned message (see the docstring)."""

    def __init__(self, catalog, matcher, genre_words: frozenset[str]) -> None:
        self.catalog, self.titles, self._genre_words = catalog, matcher, genre_words

    def read(self, c: str, titles: dict, cased: str | None = None) -> str:
        """`c` with quoted and whole titles as sentinels; `titles` gets their matches.
        `cased` is `c` before lowercasing (text.clean_cased), for the capitals."""
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

    def _read_whole_titles(self, c: str, titles: dict, caps: list[bool] | None = None) -> str:
        """Catalog titles of MIN_WHOLE_TITLE+ words written whole become sentinels,
        longest first, so their words are never read as cues."""
        if cues.GREET.match(c) or cues.HELP.search(c):
            return c              # "good morning" is a greeting before it is a film
        toks = tokens(c)
        words = [t.word for t in toks]
        found = []
        for i in range(len(words)):
            if cues.sentinel_index(words[i]) is not None:
                continue
            for j in range(min(len(words), i + MAX_SPAN), i, -1):
                if any(cues.sentinel_index(w) is not None for w in words[i:j]):
                    continue
                bracket = c[toks[j - 1].end:].lstrip().startswith("(")
                if j - i < MIN_WHOLE_TITLE and not bracket:
                    continue       # one word is a title only with "(1995)" / "(Se7en)" after
                if j - i == 2 and not any(w in cues.CUE_WORDS or w.isdigit()
                                          for w in words[i:j]) and not bracket \
                        and not _capitalised(words, caps, i, j):
                    continue       # "the game": left to the cues (unless "(1997)" follows
                                   # or it is written "The Game" / "Pulp Fiction")
                if words[j - 1].isdigit() and (j < len(words) and words[j] in (
                        "star", "stars", "out") or c[toks[j - 1].end:].lstrip()[:1] == "/"):
                    continue       # "give Scream 2 stars": the 2 is the rating
                span = " ".join(words[i:j])
                hit = self.titles.exact(span) or self.titles.exact(*split_year(span))
                if hit and not self._is_common_phrase(words[i:j]):
                    end, hit = self._alias_and_year(c, toks[j - 1].end, hit)
                    last = max(t for t in range(j - 1, len(toks)) if toks[t].start < end)
                    found.append((last + 1 - i, i, last + 1, end, hit))
                    break
        taken: set[int] = set()
        keep = []
        # longest first, counting a bracketed alias and year: "Clean Slate (Coup de
        # Torchon) (1981)" is one title, not "Coup de Torchon (1981)" inside another
        for size, i, j, end, hit in sorted(found, key=lambda f: (-f[0], f[1])):
            if taken.isdisjoint(range(i, j)):
                taken.update(range(i, j))
                keep.append((i, end, hit))
        out, pos = [], 0
        for i, end, hit in sorted(keep):
            n = len(titles)
            titles[n] = hit
            out.append(c[pos:toks[i].start])
            out.append(f" {cues.sentinel(n)} ")
            pos = end
        out.append(c[pos:])
        return " ".join("".join(out).split())

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

    def _is_common_phrase(self, words: list[str]) -> bool:
        """A title made only of request vocabulary ("the one", "kids movies")."""
        content = [w for w in words if w not in ("the", "a", "an")]
        return not content or all(
            w in self._genre_words or w in cues.GENERIC or w in cues.SPAN_TRAIL
            for w in content)


def _capitalised(words: list[str], caps: list[bool] | None, i: int, j: int) -> bool:
    """Every word of words[i:j] but articles is written with a capital, and not only
    because it starts the message: "Pulp Fiction", "who won The Game" — not "The
    game was fun" nor "Big night out"."""
    if not caps:
        return False
    content = [t for t in range(i, j) if words[t] not in ("the", "a", "an", "of", "and")]
    return bool(content) and all(caps[t] for t in content) and \
        (len(content) > 1 or content[0] > 0)
