"""Answers to a checklist ("My first 10 picks — which have you seen, and which did you
love? Reply like 'seen 2 5 7, loved 5'"): several marks in one message, by position and
by title, read as clauses of a small grammar.

    seen 2 5 7, loved 5               -> rate refs (5,) rating 5, seen_refs (2, 5, 7)
    I've seen 1 and 3                 -> seen refs (1, 3)
    loved 3                           -> rate refs (3,) rating 5
    seen the first, loved the third   -> rate refs (3,), seen_refs (1,)
    all of them, hated 4              -> rate refs (4,) rating 1, seen_refs (ALL,)
    seen Fargo and Heat, loved Heat   -> rate Heat, seen_titles (Fargo, Heat)
    seen none of them                 -> seen, topic "not_seen" (nothing to mark)
    I've seen 2 of them               -> seen refs (THEM,): the service asks which
    all of them                       -> unknown refs (ALL,) (what about them is unsaid)

The clauses come from intents/rules/marks.py; every word of the message must fit one,
or it is not an answer and the rest of the parser reads it. This takes over only what
the rest gets wrong: bare numbers, several clauses about different films, "seen none"
and counts ("2 of them"); "I loved Fargo" and "I've seen the first and the third" stay
with the film slots.
"""
from __future__ import annotations

from intents.catalog import TitleCatalog
from intents.mentions.detector import certainty
from intents.query import ALL, LAST, THEM, Candidate, Intent, Query
from intents.rules.marks import SEEN, UNSEEN, Clause, Target, read_clauses


class AnswerReader:
    """`AnswerReader(catalog).read(words, breaks, titles) -> Query | None`."""

    def __init__(self, catalog: TitleCatalog) -> None:
        self.catalog = catalog
        self.matcher = catalog.titles_matcher

    def read(self, words: list[str], breaks: frozenset[int], titles: dict) -> Query | None:
        """The answer `words` give (after whole titles became sentinels in `titles`),
        or None when the message is not one, or is one the film slots read right."""
        clauses = read_clauses(words, breaks, titles, self.matcher)
        if not clauses or not _takes_over(clauses):
            return None
        return self._query(clauses)

    def unmissed(self, query: Query, words: list[str], breaks: frozenset[int],
                 titles: dict) -> Query:
        """`query` (the film slots' reading), or the grammar's when they heard no film in
        a message it reads whole as marks of films named by their exact titles: "seen
        The Edge", "loved the game" (everyday words the film slots leave to the cues,
        which a verb of marking makes a film)."""
        if query.item_ids or query.refs or query.seen_refs or query.seen_item_ids:
            return query
        clauses = read_clauses(words, breaks, titles, self.matcher)
        if not clauses or not all(c.verb and c.mark != UNSEEN and c.targets and all(
                t.kind == "title" and t.value.index is not None for t in c.targets)
                for c in clauses):
            return query
        return self._query(clauses)

    def _query(self, clauses: list[Clause]) -> Query:
        if not any(c.verb for c in clauses):        # "all of them": what about them?
            return Query(Intent.UNKNOWN, refs=(ALL,), parser="regex")
        rated, seen, unknown = [], [], None
        for c in clauses:
            for t in c.targets:
                if t.kind == "title" and t.value.index is None:
                    unknown = unknown or t
                elif t.kind == "none" or c.mark == UNSEEN:
                    continue
                elif c.mark == SEEN:
                    seen.append(t)
                else:
                    rated.append((t, c.mark))
        if any(t.kind == "count" for t in seen + [t for t, _ in rated]):
            return Query(Intent.RATE if rated else Intent.SEEN, refs=(THEM,),
                         rating=rated[0][1] if rated else None, parser="regex")
        fields: dict = {}
        if unknown is not None:
            fields["unknown_title"] = unknown.text
            fields["candidates"] = tuple(Candidate(self.catalog.titles[i],
                                                   self.catalog.item_ids[i], float(s))
                                         for i, s in unknown.value.candidates[:3])
        if not rated and not seen:
            return Query(Intent.SEEN, topic="not_seen", parser="regex", **fields)
        if not rated:
            return Query(Intent.SEEN, parser="regex", **fields, **self._films(seen))
        rated = list({(str(_key(t)), v): (t, v) for t, v in rated}.values())  # said twice
        # titles first, then positions: the order `ratings` follows (DESIGN §2)
        ordered = [r for r in rated if r[0].kind == "title"] + \
            [r for r in rated if r[0].kind != "title"]
        values = tuple(v for _, v in ordered)
        fields.update(self._films([t for t, _ in ordered], dedupe=False), rating=values[0])
        if len(set(values)) > 1:
            fields["ratings"] = values
        also = self._films(seen)
        fields.update(seen_refs=also.get("refs", ()), seen_titles=also.get("titles", ()),
                      seen_item_ids=also.get("item_ids", ()))
        return Query(Intent.RATE, parser="regex", **fields)

    def _films(self, targets: list[Target], dedupe: bool = True) -> dict:
        """refs, titles and item_ids of some targets, in order (a film named twice with
        two opinions stays twice: the service asks which was meant)."""
        refs = tuple(t.value for t in targets if t.kind in ("ref", "number"))
        matches = [t.value for t in targets if t.kind == "title"]
        if dedupe:
            refs = tuple(dict.fromkeys(refs))
            matches = list({m.index: m for m in matches}.values())
        out: dict = {}
        if refs:
            out["refs"] = refs
        if matches:
            out["titles"] = tuple(self.catalog.titles[m.index] for m in matches)
            out["item_ids"] = tuple(self.catalog.item_ids[m.index] for m in matches)
            out["confidence"] = round(min(certainty(m) for m in matches), 1)   # weakest
        return out


def _takes_over(clauses: list[Clause]) -> bool:
    """Only what the film slots get wrong: bare numbers, counts, "seen none", a list of
    several titles, or several clauses naming films by title or position ("seen the
    first, loved the third"); several clauses only about "it" / "them" ("I saw it and
    loved it") stay with the film slots unless they mark different films seen."""
    kinds = {t.kind for c in clauses for t in c.targets}
    if len(clauses) == 1 and not clauses[0].verb:
        return [t.value for t in clauses[0].targets] == [ALL]     # "all of them"
    if kinds & {"number", "count"} or ("none" in kinds and any(c.verb for c in clauses)):
        return True
    if any(sum(t.kind == "title" for t in c.targets) > 1 for c in clauses):
        return True                                   # "seen fargo, contact and heat"
    if len(clauses) < 2:
        return False
    named = any(t.kind == "title" or t.kind == "ref" and isinstance(t.value, int)
                and (t.value > 0 or t.value == LAST) for c in clauses for t in c.targets)
    said = {tuple(sorted(str(_key(t)) for t in c.targets)) for c in clauses}
    return named or (len(said) > 1 and any(c.mark == SEEN for c in clauses))


def _key(t: Target):
    return t.value.index if t.kind == "title" else t.value
