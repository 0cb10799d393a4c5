"""Typos in cue words: "whats populer", "i lvoed fargo", "simular to heat".

A token is corrected only when all of these hold, so a real word is never rewritten:
it has 5+ letters (short words have too many neighbours), it is not a word of any
catalog title (a title's own spelling wins), not a genre or other cue word, not in
`REAL_NEIGHBOURS` (English words one edit from a cue: "lived", "poplar"), and exactly
one word of `CUE_VOCABULARY` sits one edit away (Damerau: a swap of two letters is one
edit). The vocabulary is the cue words people mistype that decide an intent; the
title matcher has its own fuzzy matching and the genre table its own typo check.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import DamerauLevenshtein

MIN_LETTERS = 5
CUE_VOCABULARY = frozenset("""popular similar loved liked enjoyed hated recommend
recommendation recommendations suggest suggestions watched movies films something
anything trending favorite favourite""".split())
#: real words one edit from a cue word: left as typed
REAL_NEIGHBOURS = frozenset("""lived lover loves moved roved lobed loped lowed coved
hoved jived likes lined limed liken linked hiked biked piked miked licked liker hater hates
hazed hared haled hawed hayed bated fated dated gated mated rated sated hatted heated halted
hasted enjoyer watches matched patched batched latched swatched witched watcher movie moves monies mobies mopes files filed filme filmy
fills films poplar popularly somethings anythings""".split())
_WORD = re.compile(r"[a-z]+")


class CueTypos:
    """`CueTypos(title_words, known_words).fix(text) -> text` with cue typos mended."""

    def __init__(self, title_words: frozenset[str], known_words: frozenset[str]) -> None:
        self._keep = title_words | known_words | REAL_NEIGHBOURS | CUE_VOCABULARY

    def fix(self, text: str) -> str:
        return _WORD.sub(self._mend, text)

    def _mend(self, hit: re.Match) -> str:
        word = hit.group(0)
        if len(word) < MIN_LETTERS or word in self._keep:
            return word
        near = [cue for cue in CUE_VOCABULARY if abs(len(cue) - len(word)) <= 1
                and DamerauLevenshtein.distance(word, cue, score_cutoff=1) <= 1]
        return near[0] if len(near) == 1 else word
