"""Which films a seeker message states an opinion about (bench/bench_redial.py).

Conservative on purpose: an opinion counts only when ReDial's label (the seeker's own
"liked" answer after the chat: 1 liked, 0 disliked) AND a cue in the same clause as
the film agree. A clause is a stretch of the message between . ! ? ; or the words
"but" / "however", with every film title replaced by a placeholder (so "I Love You,
Man" or "The Great Gatsby" are no cue). Nothing is stated
  - by a clause that asks ("...?", "have you seen X", "did you like X");
  - of a film in a similarity frame: "like X", "such as X", "similar to X", "than X",
    and the rest of its list ("like X, Y or Z"): a seed, not a verdict;
  - by "if you liked X" (a suggestion).
Cues, verbs anywhere in the clause, adjectives only AFTER the film ("X was great", not
"a great movie like X"):
  liked     verbs: love(d/s), enjoy(ed), adore(d), favorite / favourite / fav, "liked",
            "I like" (a subject right before it: not "movies like X", not "I'd like");
            adjectives: great, awesome, amazing, fantastic, excellent, brilliant,
            hilarious, masterpiece
  disliked  verbs: hate(d), dislike(d), "didn't / don't / never ... like / love / enjoy",
            "not a fan"; adjectives: "wasn't (that) good / great", "not that good",
            boring, terrible, awful, horrible, worst, overrated, stupid, lame, sucked
A film with cues both ways is left out; a cue against the label is counted apart
("contradicted") and left out too.
"""
from __future__ import annotations

import re

_ADVERBS = r"(?:(?:really|also|do|did|just|always|totally|absolutely|definitely|still|so|" \
           r"actually|truly|kinda|kind of|sort of|pretty much|personally) )*"
NEG_VERB = re.compile(
    r"\b(?:(?:did|do|does|could|can|would)(?:n'?t| not)|never|not|dont|didnt|doesnt) "
    r"(?:really |much |particularly |even |ever |quite |that )?"
    r"(?:like|liked|love|loved|enjoy|enjoyed|care for|cared for)\b"
    r"|\bnot (?:really |much of |quite )?(?:a |the |a big |the biggest |a huge )?fan\b"
    r"|\b(?:hat(?:e|ed|es|ing)|dislik(?:e|ed|es))\b")
NEG_ADJ = re.compile(
    r"\b(?:was|is|were)(?:n'?t| not) (?:very |that |so |really |too |all that )?"
    r"(?:good|great|funny|interesting)\b"
    r"|\bnot (?:that|so|very|too|really|all that) (?:good|great|funny)\b"
    r"|\b(?:boring|terrible|awful|horrible|worst|overrated|stupid|lame|suck(?:ed|s)?)\b")
POS_VERB = re.compile(
    r"\b(?:lov(?:e|ed|es|ing)|enjoy(?:ed|s|ing)?|ador(?:e|ed|es)|favou?rites?|favs?|liked)\b"
    rf"|\bi {_ADVERBS}like\b")
POS_ADJ = re.compile(r"\b(?:great|awesome|amazing|fantastic|excellent|brilliant|hilarious|"
                     r"masterpiece)\b")
QUESTION = re.compile(r"^(?:(?:so|and|also|oh|ok|okay|well|but|hey|hmm),? )*"
                      r"(?:have|did|do|does|would|could|can|will|are|were|is|was) "
                      r"(?:you|it|that|this)\b")
# "if you liked X, you might like Y" suggests; it states no opinion of X
HYPOTHETICAL = re.compile(r"\bif (?:you|u) (?:\w+ )?(?:like|liked|love|loved|enjoy|enjoyed)\b")
# "like" as a preposition ("movies like X"), not the verb ("I like X", "didn't like X")
SIMILAR_FRAME = re.compile(
    r"(?:(?<!\bi )(?<!\bwe )(?<!\bthey )(?<!\bdo )(?<!\bdid )(?<!n't )(?<!\bnt )"
    r"(?<!\bdont )(?<!didnt )(?<!\bnot )(?<!never )(?<!\breally )(?<!\balso )"
    r"(?<!\bstill )(?<!always )(?<!\bto )\blike|\bsuch as|\bsimilar to|\bthan)\s*$")
LIST_GLUE = re.compile(r"^\s*(?:,|,? ?and|,? ?or|/|and/or|&)\s*$")
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


def framed(clause: str) -> set[str]:
    """Placeholders (their numbers) in a similarity frame: "like X", "like X, Y or Z"."""
    out, previous_end, previous_framed = set(), 0, False
    for m in _FILM.finditer(clause):
        before = clause[previous_end:m.start()]
        if SIMILAR_FRAME.search(before) or (previous_framed and LIST_GLUE.match(before)):
            out.add(m[1])
            previous_framed = True
        else:
            previous_framed = False
        previous_end = m.end()
    return out


def _blank(pattern: re.Pattern, text: str) -> str:
    """Matches replaced by as many spaces: positions stay comparable."""
    return pattern.sub(lambda m: " " * len(m[0]), text)


def polarity(clause: str, film: re.Match) -> int | None:
    """1 liked, 0 disliked, None: no cue, a question, a similarity frame or both ways."""
    if clause.endswith("?") or QUESTION.match(_FILM.sub("film", clause)):
        return None
    if film[1] in framed(clause):
        return None
    clause = _blank(HYPOTHETICAL, clause)
    neg = bool(NEG_VERB.search(clause)) or any(m.start() >= film.end()
                                               for m in NEG_ADJ.finditer(clause))
    rest = _blank(NEG_ADJ, _blank(NEG_VERB, clause))       # "didn't like" is no "like"
    pos = bool(POS_VERB.search(rest)) or any(m.start() >= film.end()
                                             for m in POS_ADJ.finditer(rest))
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
        for film in _FILM.finditer(clause):
            rid = rids[int(film[1])]
            direction = polarity(clause, film)
            label = liked.get(rid)
            if direction is None or label is None:
                continue                # no cue, or the seeker gave no liked/disliked
            if label == direction:
                said[rid] = direction
            elif rid not in said:
                against.append(rid)
    return said, tuple(dict.fromkeys(r for r in against if r not in said))
