"""Wishes with a direction that only the conversation can resolve (issue 17, item 7):
"older" / "newer" than the last list, and "the original" / "the remake" among the
films of one title (Cape Fear 1962 and 1991, Sabrina 1954 and 1995).

- A comparison of years (Query.years_relative) is read against the last list: older
  than its years ("before the 1990s" after a list of 90s films, else before the middle
  year of the films it showed), newer likewise. With no list to compare with, the
  Query's own bounds stand (the catalog's "old" / "recent").
- A version (Query.version) applies to the films the message names ("the original
  Cape Fear"); with none named, to the film in focus or the last list's one seed
  (dispatch `_refine`, `followups.other_version`), or to an open "did you mean"
  between versions (`followups.answer_pending`). With nothing to apply it to, the
  reply asks which film.
"""
from __future__ import annotations

from chatrec.conversation.constraints import Filter
from chatrec.conversation.facts import CatalogFacts
from chatrec.conversation.followups import (
    OLDER,
    ORIGINAL,
    REMAKE,
    direction,
    index_or_none,
    last_list,
    other_version,
    pick_version,
)
from chatrec.sessions.state import SessionState
from intents.query import LIST_INTENTS, Candidate, Intent, Query

# a version with no film named points at the film in focus for these ("tell me about
# the remake", "the original was better"); a refine switches the list (dispatch)
_ABOUT_A_FILM = (Intent.INFO, Intent.RATE, Intent.SEEN, Intent.SIMILAR, Intent.WHY)


def directed(query: Query, state: SessionState, facts: CatalogFacts) -> tuple[Query, str, str]:
    """(the query with its direction applied, a note for the reply, a problem that
    replaces the reply or ''). A query without a direction comes back unchanged."""
    if query.version is not None and query.item_ids:
        return _versions_of_named(query, facts)
    if query.version is not None and not (state.pending or {}).get("candidates"):
        switch = other_version(query, state, facts)
        if switch is None and query.intent is Intent.REFINE:    # "the remake" of nothing
            return query, "", _which_film(query, facts)
        if switch is not None and query.intent in _ABOUT_A_FILM:  # "the remake was awful"
            i = switch[0]
            return query.with_(item_ids=(facts.item_ids[i],), titles=(facts.titles[i],),
                               refs=(), ref=None), "", ""
    if query.years_relative is not None and query.intent in LIST_INTENTS \
            and query.version is None:
        return _relative_years(query, state, facts)
    return query, "", ""


def _versions_of_named(query: Query, facts: CatalogFacts) -> tuple[Query, str, str]:
    """"the original Cape Fear": each named film swapped for the version asked for.
    A later version the catalog lacks ("the new Beauty and the Beast", "the remake of
    Psycho" where only one is known) is not the catalog's film: it is left out, said
    so, and the catalog's film offered as a "did you mean" (never written as it)."""
    towards, ids, titles, notes, missing = direction(query), [], [], [], []
    for item, title in zip(query.item_ids, query.titles):
        i = index_or_none(facts, item)
        j = pick_version(i, facts, towards) if i is not None else None
        if i is not None and j is None and query.version == REMAKE \
                and not facts.other_versions(i):    # (of several, the latest is a remake)
            missing.append(i)
            notes.append(f"A later {facts.titles[i]} isn't in my catalog "
                         f"({facts.catalog_line()}); I have {facts.display[i]}.")
            continue
        if i is not None and not facts.other_versions(i):
            notes.append(f"I have only one {facts.titles[i]}: {facts.display[i]}.")
        ids.append(item if j is None else facts.item_ids[j])
        titles.append(title if j is None else facts.titles[j])
    swapped = query.with_(item_ids=tuple(ids), titles=tuple(titles), item_id=None,
                          title=None, version=None if missing else query.version)
    if missing and not ids:     # asked about ("did you mean ...?"); written only on "yes"
        swapped = swapped.with_(unknown_title=f"the remake of "
                                f"{facts.titles[missing[0]]}", candidates=tuple(
                                    Candidate(facts.titles[i], facts.item_ids[i], 100.0)
                                    for i in missing))
    return swapped, " ".join(notes), ""


def _which_film(query: Query, facts: CatalogFacts) -> str:
    example = facts.example_versions()
    what = "original" if query.version == ORIGINAL else "remake"
    said = f" (e.g. 'the {what}{'' if what == 'original' else ' of'} {example}')" \
        if example else ""
    return (f"The {what} of which film? Name it{said}; I'll pick the version from the "
            "films I have under that title.")


def _relative_years(query: Query, state: SessionState,
                    facts: CatalogFacts) -> tuple[Query, str, str]:
    """"something older": before the last list's years (its filter's bound, else the
    middle year of the films it showed); "newer ones": after them."""
    last = state.last_query or {}
    shown = sorted(y for y in (facts.years[i] for i in last_list(facts, state)) if y)
    if not last or not shown:
        return query, "", ""          # nothing to compare with: the catalog's old / recent
    flt = Filter.from_dict(last.get("filter"))
    middle = shown[(len(shown) - 1) // 2] if query.years_relative == OLDER \
        else shown[len(shown) // 2]
    if query.years_relative == OLDER:
        edge = flt.year_from if flt.year_from is not None else middle
        new = query.with_(year_from=None, year_to=edge - 1)
        note = "Older than the last list:"
    else:
        edge = flt.year_to if flt.year_to is not None else middle
        new = query.with_(year_from=edge + 1, year_to=None)
        note = "Newer than the last list:"
    return new, note, ""
