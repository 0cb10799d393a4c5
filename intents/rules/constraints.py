"""Which films qualify: required genres, excluded genres and release years, read from
the words a title did not take (DESIGN §2).

Negation has a scope: a negator ("not", "no", "without", "nothing", "except", "less",
"anything but", "I hate" ...) applies to the genre words right after it, through
fillers ("not too scary", "no more musicals") and lists ("no horror or romance").
"nothing but horror" is the opposite: only horror.
"""
from __future__ import annotations

from dataclasses import dataclass

from intents.lexicon.ages import child_age_at
from intents.lexicon.genres import GenreMatcher
from intents.lexicon.years import YearSpan, combine, find_years

NEGATORS = frozenset("""not no without nothing except excluding minus avoid skip non
nor neither less never hate hated dislike isnt arent dont doesnt wasnt cant besides
drop lose ditch remove scrap exclude nix eliminate omit axe""".split())
# two-word negators read as one: "other than", "instead of", "rather than"
_NEGATOR_PAIRS = {("other", "than"), ("instead", "of"), ("rather", "than"),
                  ("apart", "from"), ("away", "from"), ("sick", "of"), ("tired", "of"),
                  ("fed", "up"), ("no", "more"), ("rid", "of"), ("take", "out"),
                  ("leave", "out"), ("filter", "out"), ("cut", "out"), ("throw", "out"),
                  ("weed", "out"), ("no", "longer")}
# words allowed between a negator and its genre, or between two negated genres
_FILLER = frozenset("""any too very so more of the a an really overly that particularly
much remotely want like watch see in mood for or and nor either please thing things
kind sort type stuff movies films movie film at all i me we anything something
little small young""".split())
_MAX_GAP = 4


@dataclass(frozen=True)
class Constraints:
    genres: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    years: tuple[YearSpan, ...] = ()
    used: frozenset[int] = frozenset()     # token positions they took

    @property
    def any(self) -> bool:
        return bool(self.genres or self.exclude or self.years)


def read_constraints(words: list[str], genres: GenreMatcher, newest: int | None,
                     breaks: frozenset[int] = frozenset()) -> Constraints:
    """Constraints in `words` (blanked words are ''), with the tokens they used.
    `breaks`: token indices that start a new clause (after , . ; ! ?): a negation
    never reaches across one ("no, I want comedies")."""
    spans = find_years(words, newest, genres.single_words)
    used = set().union(*(s.used for s in spans)) if spans else set()
    masked = ["" if i in used else w for i, w in enumerate(words)]
    include: list[str] = []
    exclude: list[str] = []
    negating_until = -1            # a negation reaches up to this token index
    degree: set[str] = set()       # genres negated only as "too <mood>"
    for hit in genres.find(masked):
        negated = _negated(masked, hit.start, breaks)
        if negated is None and 0 <= negating_until and negating_until >= hit.start - _MAX_GAP \
                and _only_filler(masked, negating_until, hit.start) \
                and not breaks & set(range(negating_until, hit.start + 1)):
            negated = True                       # "no horror or romance"
        if negated:
            if hit.start > 0 and masked[hit.start - 1] == "too":
                degree.add(hit.genre)            # "nothing too gory": a degree
            if hit.genre not in exclude:
                exclude.append(hit.genre)
            negating_until = hit.end
        else:
            if hit.genre not in include:
                include.append(hit.genre)
            negating_until = -1
        used.update(range(hit.start, hit.end))
        used.update(_negator_positions(masked, hit.start) if negated else ())
    age = child_age_at(masked)
    if age is not None and not used & set(age):
        kids = next(iter(genres.find(["kids"])), None)     # the catalog's name for it
        if kids is not None and kids.genre not in include + exclude:
            include.append(kids.genre)                    # "for my 6 year old"
            used.update(age)
    # "a scary movie but nothing too gory": Horror asked for, and how much gore is a
    # degree the catalog can't filter, not a second, contradicting genre
    exclude = [g for g in exclude if not (g in degree and g in include)]
    year_from, year_to = combine(spans)
    return Constraints(tuple(include), tuple(exclude), year_from, year_to, tuple(spans),
                       frozenset(used))


def _negated(words: list[str], start: int, breaks: frozenset[int]) -> bool | None:
    """True when a negator governs the genre at `start`, False for "nothing but X",
    None when no negator is in reach."""
    j = start - 1
    gap = 0
    while j >= 0 and gap <= _MAX_GAP and (j + 1) not in breaks:
        w = words[j]
        if w == "but":
            before = words[j - 1] if j > 0 else ""
            if before in ("nothing", "only"):
                return False                     # "nothing but horror" = only horror
            if before in ("anything", "all", "everything", "not"):
                return True                      # "anything but horror"
            return None                          # "funny but scary": a new clause
        if w in NEGATORS or (j > 0 and (words[j - 1], w) in _NEGATOR_PAIRS):
            return True
        if w not in _FILLER:
            return None
        j -= 1
        gap += 1
    return None


def _negator_positions(words: list[str], start: int) -> list[int]:
    j = start - 1
    out = []
    while j >= 0 and start - j <= _MAX_GAP + 1:
        if words[j] in NEGATORS or words[j] == "but":
            out.append(j)
            break
        j -= 1
    return out


def _only_filler(words: list[str], a: int, b: int) -> bool:
    return all(not w or w in _FILLER for w in words[a:b])
