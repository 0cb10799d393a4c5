"""Which films qualify: required genres, excluded genres and release years, read from
the words a title did not take (DESIGN §2); and wishes with a direction: fewer
people's films ("hidden gems", lexicon/wishes.py), older / newer than the last list
(lexicon/years.py), the original or the remake of a title (lexicon/versions.py).

Negation has a scope: a negator ("not", "no", "without", "nothing", "except", "less",
"anything but", "I hate" ...) applies to the genre words right after it, through
fillers ("not too scary", "no more musicals") and lists joined by "or" / "and" ("no
horror or romance"), never through a preposition ("nothing too scary for the kids"
keeps the kids). "nothing but horror" is the opposite: only horror. Words that rule a
genre out ("live action": not Animation) are exclusions of their own.

A negation about a mood keeps the positive wish: when one message rules a genre out
and mentions it in another clause ("no scary stuff, my son gets nightmares", "nothing
scary because the kids get nightmares"), the mention is the reason, not a second wish;
the exclusion stands. In one clause it stays a contradiction the service asks about
("comedies but not comedy"), and a degree ("a scary movie but nothing too gory") leaves
the genre asked for.
"""
from __future__ import annotations

from dataclasses import dataclass

from intents.lexicon.ages import child_age_at
from intents.lexicon.genres import GenreMatcher
from intents.lexicon.versions import find_version
from intents.lexicon.wishes import find_hidden
from intents.lexicon.years import YearSpan, combine, comparison, find_years
from intents.query import Intent

NEGATORS = frozenset("""not no without nothing except excluding minus avoid avoids skip
non nor neither less never hate hates hated dislike dislikes disliked despise despises
loathe loathes detest detests isnt arent dont doesnt wasnt cant cannot besides drop lose
ditch remove scrap exclude nix eliminate omit axe""".split())
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
little small young into big huge fan fans keen on crazy about feeling with stand""".split())
_MAX_GAP = 4
_JOINS = frozenset({"or", "and", "nor", "either"})     # a negated list goes on through these
# a reason starts a clause of its own: "nothing scary because the kids get nightmares"
_REASON = frozenset({"because", "cause", "cuz", "coz", "since", "so", "as"})
# the wishes with a direction ride on these intents (a statement keeps only `version`:
# "I loved the original Cape Fear" names which film)
_LISTS = frozenset({Intent.RECOMMEND, Intent.SIMILAR, Intent.POPULAR, Intent.REFINE,
                    Intent.MORE})


@dataclass(frozen=True)
class Constraints:
    genres: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    years: tuple[YearSpan, ...] = ()
    used: frozenset[int] = frozenset()     # token positions they took
    hidden: bool = False                   # "less famous", "hidden gems"
    version: str | None = None             # "original" / "remake"
    version_picked: bool = False           # "the remake" (not "the remake was awful")

    @property
    def any(self) -> bool:
        return bool(self.genres or self.exclude or self.years or self.hidden
                    or self.version_picked)

    @property
    def relative(self) -> str | None:
        """"older" / "newer" when the years were said as a comparison."""
        return comparison(list(self.years))

    def query_fields(self, intent: Intent) -> dict:
        """The Query fields of the wishes with a direction, for `intent`."""
        out: dict = {}
        if self.version is not None:
            out["version"] = self.version
        if intent in _LISTS:
            if self.hidden:
                out["rank_by"] = "hidden"
            if self.relative is not None:
                out["years_relative"] = self.relative
        return out


def read_constraints(words: list[str], genres: GenreMatcher, newest: int | None,
                     breaks: frozenset[int] = frozenset()) -> Constraints:
    """Constraints in `words` (blanked words are ''), with the tokens they used.
    `breaks`: token indices that start a new clause (after , . ; ! ?): a negation
    never reaches across one ("no, I want comedies")."""
    hidden = find_hidden(words) or frozenset()
    version = find_version(words, breaks)
    # read first: "cult classics" and "the original" are no years, "less" no negator
    used = set(hidden) | set(version.used if version else ())
    spans = find_years(["" if i in used else w for i, w in enumerate(words)], newest,
                       genres.single_words)
    used.update(*(s.used for s in spans))
    masked = ["" if i in used else w for i, w in enumerate(words)]
    include: list[str] = []
    exclude: list[str] = []
    clause = _clauses(masked, breaks)
    said_in: dict[tuple[str, bool], set[int]] = {}   # (genre, ruled out?) -> clauses
    negating_until = -1            # a negation reaches up to this token index
    degree: set[str] = set()       # genres negated only as "too <mood>"
    for hit in genres.find(masked):
        negated = _negated(masked, hit.start, breaks)
        if negated is None and 0 <= negating_until and negating_until >= hit.start - _MAX_GAP \
                and _only_filler(masked, negating_until, hit.start) \
                and _JOINS & set(masked[negating_until:hit.start]) \
                and not breaks & set(range(negating_until, hit.start + 1)):
            negated = True                       # "no horror or romance"
        if hit.against:                          # "live action": no Animation, unless
            negated = not negated                # negated ("nothing live action")
        if negated:
            if hit.start > 0 and masked[hit.start - 1] == "too":
                degree.add(hit.genre)            # "nothing too gory": a degree
            if hit.genre not in exclude:
                exclude.append(hit.genre)
            negating_until = -1 if hit.against else hit.end
            said_in.setdefault((hit.genre, True), set()).add(clause[hit.start])
        else:
            said_in.setdefault((hit.genre, False), set()).add(clause[hit.start])
            if hit.genre not in include:
                include.append(hit.genre)
            negating_until = -1
        used.update(range(hit.start, hit.end))
        used.update(_negator_positions(masked, hit.start) if negated and not hit.against
                    else ())
    age = child_age_at(masked)
    if age is not None and not used & set(age):
        kids = next(iter(genres.find(["kids"])), None)     # the catalog's name for it
        if kids is not None and kids.genre not in include + exclude:
            include.append(kids.genre)                    # "for my 6 year old"
            used.update(age)
    # "a scary movie but nothing too gory": Horror asked for, and how much gore is a
    # degree the catalog can't filter, not a second, contradicting genre
    exclude = [g for g in exclude if not (g in degree and g in include)]
    # ... and a genre ruled out in one clause and mentioned in another is ruled out:
    # "no scary stuff, my son gets nightmares" wants no Horror, not a contradiction
    include = [g for g in include if g not in exclude
               or said_in[(g, False)] & said_in.get((g, True), set())]
    year_from, year_to = combine(spans)
    return Constraints(tuple(include), tuple(exclude), year_from, year_to, tuple(spans),
                       frozenset(used), hidden=bool(hidden),
                       version=version.which if version else None,
                       version_picked=bool(version and version.picked))


def _clauses(words: list[str], breaks: frozenset[int]) -> list[int]:
    """Each token's clause number: a new clause after , . ; ! ? and at a reason word."""
    out, n = [], 0
    for i, w in enumerate(words):
        n += i in breaks or w in _REASON
        out.append(n)
    return out


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
