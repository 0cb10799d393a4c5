"""The films one answer marks ("seen 2 5 7, loved 5", "all of them, hated 4", "seen
Fargo and Heat, loved Heat"), resolved against the list they answer: which films are
seen, which rated how, and what could not be recorded and why. Nothing is recorded
against a film the message may not mean: a number outside the list, a film given two
opinions ("loved 3, hated 3"), "them" said of a long list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chatrec.conversation.facts import CatalogFacts
from chatrec.conversation.feedback import opinion_word
from chatrec.conversation.followups import index_or_none
from intents.lexicon.text import norm
from intents.mentions.titles import ARTICLES
from intents.query import ALL, FOCUS, LAST, THEM, Intent, Query


@dataclass
class Marks:
    seen: list[int] = field(default_factory=list)                  # no opinion
    rated: list[tuple[int, float]] = field(default_factory=list)   # opinion 1..5
    problems: list[str] = field(default_factory=list)              # not recorded: why
    question: str | None = None          # ask this instead of recording anything
    by_position: bool = False            # some film was named by its place in the list
    numbers: bool = True                 # False: places are not read (ambiguous)

    @property
    def empty(self) -> bool:
        return not (self.seen or self.rated)


def compound(query: Query) -> bool:
    """Marks the film slots alone cannot carry: seen films beside opinions, or one film
    given two opinions."""
    if query.seen_refs or query.seen_item_ids:
        return True
    films = _targets(query.item_ids, query.refs)
    return len(set(films)) < len(films)


def read_marks(query: Query, shown: list[int], facts: CatalogFacts,
               list_name: str = "the list", numbers: bool = True) -> Marks:
    """The marks of `query` against `shown` (the list its numbers mean); with `numbers`
    False films named by position are left out (the message's numbers are ambiguous)."""
    out = Marks(numbers=numbers)
    named = _targets(query.item_ids, query.refs)     # titles first, then positions
    if query.intent is Intent.SEEN:
        seen_said, rated_said = named, []
    else:
        seen_said = _targets(query.seen_item_ids, query.seen_refs)
        values = list(query.ratings) if len(query.ratings) == len(named) else \
            [query.rating if query.rating is not None else 4.0] * len(named)
        rated_said = list(zip(named, values))
    opinions: dict[int, set[float]] = {}
    for target, value in rated_said:
        for i in _films(target, query, shown, facts, out, list_name):
            opinions.setdefault(i, set()).add(value)
    for i, values in opinions.items():
        if len(values) > 1:
            words = " and ".join(opinion_word(v) for v in sorted(values, reverse=True))
            out.problems.append(f"you said you {words} {facts.display[i]}, so I noted "
                                "no opinion of it (say which)")
        else:
            out.rated.append((i, values.pop()))
    rated = set(opinions)
    for target in seen_said:
        for i in _films(target, query, shown, facts, out, list_name):
            if i not in rated and i not in out.seen:
                out.seen.append(i)
    return out


def _bare(title: str) -> str:
    """A title without its article, wherever the catalog put it ("Fear, The" = "Fear")."""
    words = norm(title).split()
    if words and words[0] in ARTICLES:
        words = words[1:]
    if words and words[-1] in ARTICLES:
        words = words[:-1]
    return " ".join(words)


def _targets(item_ids, refs) -> list[tuple[str, object]]:
    return [("id", x) for x in item_ids] + [("at", r) for r in refs]


def _films(said: tuple[str, object], query: Query, shown: list[int], facts: CatalogFacts,
           out: Marks, list_name: str) -> list[int]:
    """The films one target names (a title's id, or a position), noting problems."""
    kind, target = said
    if kind == "id":
        i = index_or_none(facts, target)
        if i is None:
            return []
        if i in shown or not shown:
            return [i]
        # a title several films share ("Sabrina", "Cape Fear"), or that ends another's
        # ("Jurassic Park" read as "The Lost World: Jurassic Park"), means the one listed
        named = f" {_bare(facts.titles[i])}"
        same = [j for j in shown if named.endswith(f" {_bare(facts.titles[j])}")]
        return [same[0]] if len(same) == 1 else [i]
    out.by_position = True
    if not out.numbers:
        return []
    if not shown:
        out.question = "Which films? I haven't shown you a list yet: name them instead."
        return []
    if target == ALL:
        return list(shown)
    if target == THEM and len(shown) <= 2:
        return list(shown)
    if target in (THEM, FOCUS):
        out.question = (f"Which of them? Say e.g. 'seen 2 5 7, loved 5' and I'll note each "
                        f"one ({list_name} had {len(shown)} films).")
        return []
    if target == LAST:
        return [shown[-1]]
    if not 1 <= target <= len(shown):
        out.problems.append(f"there is no #{target} in {list_name} (it had {len(shown)} "
                            "films), so nothing is noted for it")
        return []
    return [shown[target - 1]]
