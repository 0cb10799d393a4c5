"""Which films a seeker message states an opinion about (bench/bench_redial.py).

Conservative on purpose: an opinion counts only when ReDial's label (the seeker's own
"liked" answer after the chat: 1 liked, 0 disliked) AND a cue in the same clause as
the film agree. A clause is a stretch of the message between . ! ? ; or the words
"but" / "however", with every film title replaced by a placeholder (so "I Love You,
Man" or "The Great Gatsby" are no cue). A clause that asks ("...?", "have you seen X",
"did you like X") states nothing. Cues:
  liked     love(d/s), enjoy(ed), adore(d), favorite / favourite / fav, great, awesome,
            amazing, fantastic, excellent, brilliant, hilarious, masterpiece, "liked",
            "I like" (a subject right before it: not "movies like X", not "I'd like")
  disliked  hate(d), dislike(d), "didn't / don't / never ... like / love / enjoy",
            "not a fan", "wasn't (that) good / great", "not that good", boring,
            terrible, awful, horrible, worst, overrated, stupid, lame, sucked / sucks
"If you liked X" is no cue. A clause with cues both ways is left out; a cue against the
label is counted apart ("contradicted") and left out too.
"""
from __future__ import annotations

import re

_ADVERBS = r"(?:(?:really|also|do|did|just|always|totally|absolutely|definitely|still|so|" \
           r"actually|truly|kinda|kind of|sort of|pretty much|personally) )*"
NEGATIVE = re.compile(
    r"\b(?:(?:did|do|does|could|can|would)(?:n'?t| not)|never|not|dont|didnt|doesnt) "
    r"(?:really |much |particularly |even |ever |quite |that )?"
    r"(?:like|liked|love|loved|enjoy|enjoyed|care for|cared for)\b"
    r"|\bnot (?:really |much of |quite )?(?:a |the |a big |the biggest |a huge )?fan\b"
    r"|\b(?:was|is|were)(?:n'?t| not) (?:very |that |so |really |too |all that )?"
    r"(?:good|great|funny|interesting|a fan)\b"
    r"|\bnot (?:that|so|very|too|really|all that) (?:good|great|funny)\b"
    r"|\b(?:hat(?:e|ed|es|ing)|dislik(?:e|ed|es)|boring|bored|terrible|awful|horrible|"
    r"worst|overrated|stupid|lame|suck(?:ed|s)?)\b")
POSITIVE = re.compile(
    r"\b(?:lov(?:e|ed|es|ing)|enjoy(?:ed|s|ing)?|ador(?:e|ed|es)|favou?rites?|favs?|"
    r"great|awesome|amazing|fantastic|excellent|brilliant|hilarious|masterpiece|liked)\b"
    rf"|\bi {_ADVERBS}like\b")
QUESTION = re.compile(r"^(?:(?:so|and|also|oh|ok|okay|well|but|hey|hmm),? )*"
                      r"(?:have|did|do|does|would|could|can|will|are|were|is|was) "
                      r"(?:you|it|that|this)\b")
# "if you liked X, you might like Y" suggests; it states no opinion of X
HYPOTHETICAL = re.compile(r"\bif (?:you|u) (?:\w+ )?(?:like|liked|love|loved|enjoy|enjoyed)\b")
_CLAUSE = re.compile(r"[^.!?;]+[.!?;]*")
_TURN = re.compile(r"\b(?:but|however)\b")
PLACEHOLDER = "\x00{}\x00"
_FILM = re.compile("\x00(\\d+)\x00")


def masked(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[str]]:
    """Lower-cased text with film k's span replaced by a placeholder; the rids by k."""
    out, rids, pos = [], [], 0
    for start, end, rid in spans:
        out.append(text[pos:start].lower())
        out.append(PLACEHOLDER.format(len(rids)))
        rids.append(rid)
        pos = end
    out.append(text[pos:].lower())
    return "".join(out).replace("\u2019", "'"), rids


def clauses(text: str) -> list[str]:
    out = []
    for sentence in _CLAUSE.findall(text):
        parts = _TURN.split(sentence)
        # the sentence's end mark belongs to its last part; earlier parts end without one
        out.extend(p.strip() for p in parts if p.strip())
    return out


def polarity(clause: str) -> int | None:
    """1 liked, 0 disliked, None for no cue, a question or cues both ways."""
    if clause.endswith("?") or QUESTION.match(_FILM.sub("film", clause)):
        return None
    clause = HYPOTHETICAL.sub(" ", clause)
    neg = bool(NEGATIVE.search(clause))
    pos = bool(POSITIVE.search(NEGATIVE.sub(" ", clause)))   # "didn't like" is no "like"
    if neg == pos:
        return None
    return 1 if pos else 0


def stated_opinions(text: str, spans, liked: dict) -> tuple[dict, tuple]:
    """({rid: 1 or 0} stated here and agreeing with ReDial's label, (rids whose cue
    contradicts the label))."""
    if not spans:
        return {}, ()
    low, rids = masked(text, spans)
    said, against = {}, []
    for clause in clauses(low):
        films = [rids[int(k)] for k in _FILM.findall(clause)]
        if not films:
            continue
        direction = polarity(clause)
        if direction is None:
            continue
        for rid in films:
            label = liked.get(rid)
            if label is None:
                continue                    # the seeker gave no liked/disliked answer
            if label == direction:
                said[rid] = direction
            elif rid not in said:
                against.append(rid)
    return said, tuple(dict.fromkeys(r for r in against if r not in said))
