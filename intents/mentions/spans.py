"""Token-span helpers for the rule parser: character ranges to token ranges, where a
fuzzy title span ends, and the message with a title's words blanked out."""
from __future__ import annotations

import re

from intents.lexicon import cues
from intents.lexicon.text import Token


def sequel_number(words: list[str], i: int) -> bool:
    """A number right after a title, ending the message or its clause, belongs to the
    title (an off-catalog sequel) rather than being a count."""
    if i >= len(words) or not words[i].isdigit() or len(words[i]) > 2:
        return False
    return i + 1 == len(words) or words[i + 1] in ("but", "and", "or", "with")


def token_range(toks: list[Token], start: int, end: int) -> tuple[int, int]:
    """Indices of the tokens inside the character range [start, end)."""
    s = next((i for i, t in enumerate(toks) if t.end > start), len(toks))
    e = next((i for i in range(len(toks) - 1, -1, -1) if toks[i].start < end), -1) + 1
    return s, max(s, e)


def cut(c: str, toks: list[Token], words: list[str], s: int, top: int) -> int:
    """End of a fuzzy title span: before punctuation, a stop word, a title already
    read ("Think Like a Man and [Bad Boys]": the unknown film ends before "and"), or
    trailing filler."""
    j = s + 1
    while j < top and words[j] not in cues.SPAN_STOP and cues.sentinel_index(words[j]) is None \
            and not (words[j] in ("and", "or") and j + 1 < len(words)
                     and cues.sentinel_index(words[j + 1]) is not None) \
            and not re.search(r"[?!;,]|\.\s", c[toks[j - 1].end:toks[j].start]):
        j += 1
    while j > s + 1 and words[j - 1] in cues.SPAN_TRAIL:
        j -= 1
    return j


def blank(c: str, toks: list[Token], masked: set[int]) -> str:
    """The cleaned text with masked tokens replaced by a neutral mark."""
    if not masked:
        return c
    out, pos = [], 0
    for i in sorted(masked):
        t = toks[i]
        out.append(c[pos:t.start])
        out.append("·")
        pos = t.end
    out.append(c[pos:])
    return "".join(out)
