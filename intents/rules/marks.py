"""The clauses of an answer to a checklist (intents/rules/checklist.py reads them as a
Query): a verb and its films ("seen 2 5 7", "I've already seen the first"), the films
first ("2 and 5 I've seen"), or, first in the message and ending at punctuation, films
alone ("all of them, hated 4": seen). Films are listed with commas, "and" or side by side
("2 5 7"); a film is a number, an ordinal ("the third one"), "number 3", all / both /
none of them, a count ("2 of them"), a title read whole before this (a sentinel), or,
after a verb, words up to the next separator that are a catalog title exactly. A later
"it" / "them" is the films of the clause before ("saw Heat and loved it").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from intents.lexicon import cues
from intents.lexicon.refs import MAX_POSITION, ORDINALS
from intents.mentions.titles import split_year
from intents.query import ALL, FOCUS, THEM

SEEN, UNSEEN = "seen", "unseen"       # a clause's mark besides a rating (1..5)
_VERBS = {
    ("seen",): SEEN, ("saw",): SEEN, ("watched",): SEEN, ("seen", "already"): SEEN,
    ("loved",): 5.0, ("love",): 5.0, ("adored",): 5.0, ("adore",): 5.0,
    ("liked",): 4.0, ("like",): 4.0, ("enjoyed",): 4.0, ("enjoy",): 4.0,
    ("disliked",): 2.0, ("dislike",): 2.0, ("didnt", "like"): 2.0,
    ("did", "not", "like"): 2.0, ("dont", "like"): 2.0, ("didnt", "enjoy"): 2.0,
    ("hated",): 1.0, ("hate",): 1.0, ("despised",): 1.0, ("couldnt", "stand"): 1.0,
    ("cant", "stand"): 1.0,
    ("havent", "seen"): UNSEEN, ("have", "not", "seen"): UNSEEN, ("not", "seen"): UNSEEN,
    ("never", "seen"): UNSEEN, ("never", "saw"): UNSEEN, ("didnt", "see"): UNSEEN,
    ("havent", "watched"): UNSEEN, ("not",): UNSEEN,
}
_LONGEST = max(len(v) for v in _VERBS)
# words that may open a clause before its verb ("ok so I've already seen ...")
_LEAD = frozenset("""ok okay yeah yes yep well so hmm um oh and but also plus then though
however honestly i we ive weve have already actually definitely def really absolutely
totally only just even probably""".split())
# words that may close a list of films ("seen 2 and 5 too", "loved 3 as well")
_TRAIL = frozenset("too also already before both though lol tbh all as well".split())
# words that may end the message ("..., loved 5, thanks!")
_TAIL = frozenset("thanks thank you thx cheers please".split())
_SEPARATORS = frozenset({"and", "plus", "or", "nor"})
_NUMBER_WORDS = {"ten": 10}        # "all ten"; other number words are titles' ("Seven")
_ORDINAL_NOUNS = frozenset("one film movie pick".split())
_GROUP = frozenset({"them", "those", "these"})
MAX_TITLE_WORDS = 16     # ML-100K's longest title is 13 words (Dr. Strangelove)
# words that are the grammar's even where a title is one of them
_GROUP_WORDS = frozenset("all none both neither any everything everyone".split())
# words that never make a title alone ("I like that", "seen it")
_FUNCTION_WORDS = frozenset("""a an the that this it its one ones them those these they
there here what which who you he she we i me my your his her our their some any so such
too very much more""".split())


class Target(NamedTuple):
    """One film of a clause. kind: "ref" (a position said as an ordinal or "number 3",
    or ALL / THEM / FOCUS), "number" (a position said as a bare number), "none" ("none
    of them"), "count" ("2 of them"), "title" (value: the TitleMatch; text: the words)."""

    kind: str
    value: object = None
    text: str = ""


@dataclass
class Clause:
    """A verb and its films ("seen 2 5 7"); `verb` False for films said alone."""

    mark: object                                  # SEEN, UNSEEN or a rating
    targets: list[Target] = field(default_factory=list)
    verb: bool = True


def read_clauses(words: list[str], breaks: frozenset[int], titles: dict,
                 matcher) -> list[Clause]:
    """The clauses of `words` (whole titles already sentinels, matched in `titles`;
    `breaks`: tokens after punctuation), or [] when a word does not fit."""
    return _Reader(words, breaks, titles, matcher).clauses()


class _Reader:
    """One pass over the words: clauses, or [] when a word does not fit."""

    def __init__(self, words, breaks, titles, matcher) -> None:
        self.words, self.breaks, self.titles, self.matcher = words, breaks, titles, matcher
        self.n = len(words)

    def clauses(self) -> list[Clause]:
        out: list[Clause] = []
        i = 0
        while i < self.n:
            i = self._skip(i, _LEAD | _SEPARATORS)
            if i >= self.n:
                break
            verb = self._verb(i)
            if verb is not None and (verb[0] != UNSEEN or out or verb[1] - i > 1):
                mark, i = verb
                i = self._skip(i, {"already", "before"})
                # a title only after a verb that marks one ("seen Fargo", "loved Heat")
                targets, i = self._targets(i, titles=mark != UNSEEN)
                if not targets:
                    return []
                if out and [t.value for t in targets] in ([FOCUS], [THEM]):
                    targets = list(out[-1].targets)     # "saw The Heat and liked it"
                out.append(Clause(mark, targets))
            else:
                targets, i = self._targets(i, titles=False)
                if not targets:
                    return []
                j = self._skip(i, _LEAD)
                after = self._verb(j)
                if after is not None and self._ends(after[1]):   # "2 and 5 I've seen"
                    out.append(Clause(after[0], targets))
                    i = after[1]
                elif not out and self._closes(i) and all(t.value != FOCUS for t in targets):
                    out.append(Clause(SEEN, targets, verb=False))   # "all of them, ..."
                else:
                    return []
            i = self._skip(i, _TRAIL | _TAIL)
        return out

    def _ends(self, i: int) -> bool:
        return i >= self.n or i in self.breaks or self.words[i] in _SEPARATORS

    def _closes(self, i: int) -> bool:
        """Films said alone end at i: the message ends or breaks there, or a clause
        with its own verb follows ("all of them and loved 3", "all of them but hated 4")
        — the same list whether the next clause comes after a comma or an "and"."""
        if i >= self.n or i in self.breaks:
            return True
        j = self._skip(i, _LEAD | _SEPARATORS)
        verb = self._verb(j) if j > i else None
        return verb is not None and self._object(verb[1])

    def _object(self, i: int) -> bool:
        """A film starts at i (after "already" / "before"): a verb there has an object."""
        i = self._skip(i, {"already", "before"})
        return i < self.n and i not in self.breaks and self._target(i) is not None

    def _skip(self, i: int, words) -> int:
        while i < self.n and self.words[i] in words:
            i += 1
        return i

    def _verb(self, i: int):
        for size in range(_LONGEST, 0, -1):
            mark = _VERBS.get(tuple(self.words[i:i + size]))
            if mark is not None:
                return mark, i + size
        return None

    def _targets(self, i: int, titles: bool) -> tuple[list, int]:
        """A list of films from token i: (targets, end); ([], i) if none starts there.
        Films follow each other after a separator ("2, 5 and 7", "Fargo and Heat"), or
        side by side when they are positions ("2 5 7")."""
        out: list = []
        while i < self.n:
            one = self._target(i, titles)
            if one is None:
                break
            target, i = one
            out.append(target)
            j = i
            while j < self.n and self.words[j] in _SEPARATORS:
                j += 1
            if j < self.n and (self._verb(j) is None or titles and (j > i or j in self.breaks) and (
                    whole := self._whole_title(j)) is not None and (
                    whole[1] - j > 1 or not self._object(self._verb(j)[1]))):
                nxt = self._target(j, titles)   # a verb starts a clause, unless it
                # starts a title ("... and love is all"), or is a title with no film
                # after it to be its object ("seen Supercop, Hate and 8 1/2")
                # positions side by side ("2 5 7"), or titles read whole (each is one
                # film even where the reading lost the comma between them)
                side_by_side = nxt is not None and (
                    target.kind == nxt[0].kind == "number"
                    or target.kind == nxt[0].kind == "title" and (
                        cues.sentinel_index(target.text) is not None
                        or cues.sentinel_index(nxt[0].text) is not None))
                if nxt is not None and (j > i or j in self.breaks or side_by_side):
                    i = j
                    continue
            break
        return out, i

    def _target(self, i: int, titles: bool = True):
        w = self.words
        n = self.n
        if w[i] in ("the", "a", "an") and i + 1 < n and cues.sentinel_index(w[i + 1]) \
                is not None:
            i += 1                           # "the qqtitle1qq": the reading left "the" out
        index = cues.sentinel_index(w[i])
        if index is not None:
            match = self.titles.get(index)
            return (Target("title", match, w[i]), i + 1) if match is not None else None
        whole = self._whole_title(i) if titles else None
        if whole is not None:                    # "seen mad love", "loved now and then"
            return whole
        if w[i].isdigit():
            value = int(w[i]) if len(w[i]) <= 2 else 0
            if i + 1 < n and w[i + 1] == "of":
                return (Target("count"), i + 2 + (i + 2 < n and w[i + 2] in _GROUP)) \
                    if 1 <= value <= MAX_POSITION else None
            if not 1 <= value <= MAX_POSITION or (i + 1 < n and w[i + 1] in (
                    "star", "stars", "out", "times", "time", "ones", "films", "movies")):
                return None
            return Target("number", value), i + 1
        j = i + 1 if w[i] == "the" else i
        if j < n and w[j] == "number" and j + 1 < n and w[j + 1].isdigit() \
                and 1 <= int(w[j + 1][:3]) <= MAX_POSITION:
            return Target("ref", int(w[j + 1][:3])), j + 2
        if j < n and w[j] in ORDINALS:
            end = j + 1 + (j + 1 < n and w[j + 1] in _ORDINAL_NOUNS)
            return Target("ref", ORDINALS[w[j]]), end
        group = self._group(i)
        if group is not None:
            return group
        return self._title_span(i) if titles else None

    def _group(self, i: int):
        """all / both / none of them, them, it."""
        w, n = self.words, self.n
        word = w[i]
        nxt = w[i + 1] if i + 1 < n else None
        if word in ("all", "none", "both", "neither") or (word == "any" and nxt == "of"):
            value = {"all": ALL, "none": None, "both": THEM, "neither": None,
                     "any": ALL}[word]
            end = i + 1
            if nxt == "of" and i + 2 < n and w[i + 2] in _GROUP:
                end = i + 3
            elif nxt in _GROUP or (nxt is not None and (nxt.isdigit() or nxt in _NUMBER_WORDS)
                                   and word == "all"):
                end = i + 2                          # "all those", "all 10"
            return (Target("none") if value is None else Target("ref", value)), end
        if word == "them" and nxt == "all":
            return Target("ref", ALL), i + 2
        if word in ("everything", "everyone") or (word == "every" and nxt == "one"):
            end = i + 1 + (word == "every")
            if end + 1 < n and w[end] == "of" and w[end + 1] in _GROUP:
                end += 2                             # "every one of them"
            return Target("ref", ALL), end
        if word in _GROUP:
            return Target("ref", THEM), i + 1
        if word == "it" or (word in ("that", "this") and nxt == "one"):
            return Target("ref", FOCUS), i + 1 + (word != "it")
        return None

    def _whole_title(self, i: int):
        """The longest catalog title written exactly from token i (its words may be this
        grammar's: "Mad Love", "Now and Then", "Two Bits", "Hate"), or None."""
        for end in range(min(self.n, i + MAX_TITLE_WORDS), i, -1):
            words = self.words[i:end]
            if set(words) <= _FUNCTION_WORDS or any(cues.sentinel_index(x) is not None
                                                   for x in words):
                continue
            if end == i + 1 and (words[0].isdigit() or words[0] in _GROUP_WORDS):
                continue
            match = self._exact(" ".join(words))
            if match is not None:
                return Target("title", match, " ".join(words)), end
        return None

    def _exact(self, text: str):
        """A catalog title written whole, with or without its year ("cape fear 1962";
        "blues brothers 2000" is a title, not a year), or its article ("godfather", where
        the title read before it took the "the": "The English Patient, the godfather")."""
        match = self.matcher.exact(text)
        if match is None and split_year(text)[1] is not None:
            match = self.matcher.exact(*split_year(text))
        if match is None and not text.startswith("the "):
            match = self.matcher.exact("the " + text)
        return match if match is not None and match.index is not None else None

    def _title_span(self, i: int):
        """Words up to the next separator, verb or break, as a title the catalog has
        (a span it does not know is not read here: the film slots say so better)."""
        end = i
        while end < self.n and end - i < MAX_TITLE_WORDS and self.words[end] not in \
                _SEPARATORS and self._verb(end) is None and (end == i or end not in self.breaks):
            if cues.sentinel_index(self.words[end]) is not None:
                break
            end += 1
        while end > i and self.words[end - 1] in _TRAIL | _TAIL:
            end -= 1
        if end == i or (end < self.n and end - i >= MAX_TITLE_WORDS) or \
                set(self.words[i:end]) <= _FUNCTION_WORDS:
            return None
        text = " ".join(self.words[i:end])
        match = self._exact(text)                  # written whole; no guessing
        return (Target("title", match, text), end) if match is not None else None
