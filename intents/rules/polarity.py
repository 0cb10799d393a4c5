"""Opinions in any frame: the polarity of the clause a film is named in.

The opinion frames (opinions.py) read the usual shapes ("I loved X", "X was terrible");
people also write "X is one of my favorite war films", "The Shawshank Redemption was a
good one I liked", "I like the original X", "X - a well-loved classic here!". For a film
the frames left without an opinion, the clause it sits in (up to . ! ? ; or a "but")
is read for opinion words - the same verbs, adjectives and nouns the frames use, plus
"favorite" and friends - with a negation just before one turning it around ("not my
favorite", "wasn't great"). Nothing is said when the clause asks ("is X any good?"),
wishes or plans ("I want to see X", "I might watch X"), reports hearsay ("I heard X is
great"), says it was not seen, or holds opinions both ways.
"""
from __future__ import annotations

import re

from intents.lexicon import cues
from intents.lexicon.speakers import others_opinion
from intents.mentions.linking import Message

_EXTRA = {5.0: r"favou?rites?|faves?|favs?|all[\s-]time\s+favou?rites?|well[\s-]loved|"
               r"one of the best|what a (?:movie|film)|that'?s (?:a|what i call a) (?:movie|film)",
          4.0: r"hilarious|funny|classic|a good one|a great one|fun to watch",
          # elliptical, after a contrast: "X was great, Y not so much"
          2.0: r"not so much|not really|not as much|not that much|less so"}
_WORDS = [(score, re.compile(r"\b(?:" + "|".join(filter(None, (
    cues._LIKE_VERBS.get(score), cues._ADJ.get(score), cues._NOUNS.get(score),
    _EXTRA.get(score)))) + r")\b")) for score in (5.0, 4.0, 3.0, 2.0, 1.0)]
# "like" is an opinion only as a verb: "I like X", not "movies like X"
_LIKE_PREPOSITION = re.compile(r"(?<!\bi )(?<!\bwe )(?<!\breally )(?<!\balso )(?<!\bstill )"
                               r"(?<!\bdo )(?<!\bdid )(?<!\balways )(?<!\bboth )"
                               r"(?<!\bkinda )(?<!\bactually )\blike\b")
_NEGATION = re.compile(r"(?:\bnot|\bnever|n't|\bno|\bhardly|\bnor)\s+(?:\w+\s+){0,2}$")
# a clause that states no opinion of the speaker's own
_UNSTATED = re.compile(r"\?|\b(?:if|might|maybe|perhaps|would|heard|hear|hearing|want\s+to|"
                       r"wanna|going\s+to|gonna|plan\s+to|planning|hope|hoping|should|"
                       r"could|wonder|recommend\w*|suggest\w*|looking\s+for|any\s+good|"
                       r"something|anything|please|similar|"
                       r"(?:have|has)n't\s+seen|have\s+not\s+seen|never\s+(?:seen|saw|watched)|"
                       r"did\s+you|have\s+you|do\s+you)\b")
_CONTRAST = frozenset(("but", "though", "although", "however", "whereas"))


def clause(m: Message, s: int, e: int, following: int | None = None) -> tuple[int, int]:
    """The token range of the clause holding tokens s..e; a film named after a comma
    (token `following`, or s itself) starts a clause of its own: "X was great, Y not so
    much"."""
    a = s
    if not (a > 0 and after_comma(m, a)):
        while a > 0 and not _ends_sentence(m, a) and m.words[a - 1] not in _CONTRAST:
            a -= 1
    b = e
    while b < len(m.words) and not _ends_sentence(m, b) and m.words[b] not in _CONTRAST \
            and not (b == following and after_comma(m, b)):
        b += 1
    return a, b


def after_comma(m: Message, i: int) -> bool:
    """A comma (or dash) stands between tokens i-1 and i."""
    return re.search(r",|\s[-\u2013\u2014]\s", m.text[m.toks[i - 1].end:m.toks[i].start]) is not None


def _ends_sentence(m: Message, i: int) -> bool:
    """A sentence ends between tokens i-1 and i."""
    return re.search(r"[.!?;]", m.text[m.toks[i - 1].end:m.toks[i].start]) is not None


def clause_rating(m: Message, s: int, e: int, following: int | None = None) -> float | None:
    """The opinion (1..5) the clause of the film at tokens s..e states, or None."""
    a, b = clause(m, s, e, following)
    start, end = m.toks[a].start, m.toks[b - 1].end
    text = m.text[start:m.toks[s].start] + " " + m.text[m.toks[e - 1].end:end]
    upto = m.toks[b].start if b < len(m.toks) else len(m.text)   # with its punctuation
    if _UNSTATED.search(m.text[start:upto]):
        return None
    found = set()
    for score, rx in _WORDS:
        for hit in rx.finditer(text):
            if hit.group() == "like" and _LIKE_PREPOSITION.match(text, hit.start()):
                continue
            if others_opinion(text[:hit.end()]):
                continue                     # "my wife loved it": someone else's
            negated = _NEGATION.search(text[:hit.start()]) is not None
            found.add((2.0 if score >= 4.0 else None) if negated else score)
    found.discard(None)
    if not found or (max(found) >= 4.0 and min(found) <= 2.0):
        return None          # nothing said, or both ways
    return max(found) if min(found) >= 3.0 else min(found)
