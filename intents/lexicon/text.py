"""Text normalisation shared by every extractor, so a message and a catalog title are
reduced to the same form before they are compared.

`tokens(text)` gives lowercase word tokens with their character offsets in the input;
`norm(text)` is those tokens joined by single spaces. Both sides of every comparison
(message spans, catalog titles, genre words) go through the same function: that is what
makes "the godfather", "Godfather, The" and "GODFATHER!!" comparable.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# A word: letters/digits, with inner apostrophes kept so "holland's" / "didn't" stay one
# token (they are then dropped: "hollands", "didnt").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Roman numerals as sequel numbers ("Godfather: Part II" == "godfather part 2").
# "i" and "x" are left alone: the pronoun, and "Malcolm X".
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                         "\u00bb": '"'})


class Token(NamedTuple):
    """A normalised word and where it sits in the cleaned text."""

    word: str
    start: int
    end: int


# NFKC may expand one character up to 18 (U+FDFA is a whole Arabic phrase): keep at
# most this many characters more than came in, so a message's cost stays bounded by
# its length whatever it is made of.
NFKC_SLACK = 64


def clean(text: str) -> str:
    """NFKC, straight quotes, '&' as 'and', single spaces, lowercase.

    Offsets of `tokens()` refer to this string, so callers clean once and slice it."""
    return clean_cased(text).lower()


def clean_cased(text: str) -> str:
    """`clean` before lowercasing: the capitals tell a film ("The Game", "Pulp
    Fiction") from everyday words. Its offsets match `clean`'s whenever lowercasing
    keeps the length (callers check; a few letters, like 'İ', change it)."""
    text = unicodedata.normalize("NFKC", text)[:len(text) + NFKC_SLACK].translate(_QUOTES)
    text = text.replace("&", " and ")
    return " ".join(text.split())


def capitals(cased: str, toks: list["Token"]) -> list[bool]:
    """For each token of the lowercased text: written with a capital first letter.
    All False when the message has no lower-case letter (SHOUTING is no signal) or
    when the cased text does not line up with the tokens."""
    if not any(ch.islower() for ch in cased) or (toks and toks[-1].end > len(cased)):
        return [False] * len(toks)
    return [cased[t.start:t.start + 1].isupper() for t in toks]


def _fold(word: str) -> str:
    """Drop accents and apostrophes; map sequel roman numerals to digits."""
    if word.isascii() and "'" not in word:
        return _ROMAN.get(word, word)
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(c))
        # digits of other scripts: their ASCII value ("٣" -> "3"), or dropped when they
        # have none ("፩" is a digit to str.isdigit() but not a decimal int() can read)
        word = "".join(str(unicodedata.decimal(c, "")) if c.isdigit() and not c.isascii()
                       else c for c in word)
    word = word.replace("'", "")
    return _ROMAN.get(word, word)


def tokens(cleaned: str) -> list[Token]:
    """Word tokens of an already `clean()`-ed string, with offsets into it."""
    out = []
    for m in _WORD.finditer(cleaned):
        w = _fold(m.group())
        if w:
            out.append(Token(w, m.start(), m.end()))
    return out


def norm(text: str) -> str:
    """The comparison form of any text: 'Mr. Holland's Opus' -> 'mr hollands opus'.
    (The words of `tokens`, without building them: every catalog title goes through
    here at start-up.)"""
    words = (_fold(w) for w in _WORD.findall(clean(text)))
    return " ".join(w for w in words if w)
