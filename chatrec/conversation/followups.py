"""What a message means given the conversation so far: references to the last list
("the second one", "it"), answers to an open "did you mean", and titles the catalog
does not have. Pure functions of the Query and the session state; the dispatcher
acts on what they return.
"""
from __future__ import annotations

from dataclasses import dataclass

from chatrec.conversation.facts import CatalogFacts
from chatrec.sessions.state import SessionState
from intents.lexicon.refs import describe
from intents.query import ALL, FOCUS, LAST, THEM, Intent, Query
from models.errors import UnknownItem

OLDER, NEWER = "older", "newer"          # Query.years_relative
ORIGINAL, REMAKE = "original", "remake"  # Query.version
ABOUT_LIST = "about_list"  # a pending flag: the reply asked about the last list, so a
                           # position in the next message still means that list
CLOSE_CANDIDATE = 75.0    # a "did you mean" only offers titles at least this close: "star
                          # wors" (89) is Star Wars, "alein" (80) Alien; "amelie" (73) is not Alien
WELL_KNOWN = 10           # ... and rated at least this often, or as often as the median
                          # half the median film on a small catalog (unless very close)


@dataclass
class Films:
    """The films a message points at (indices), or why it can't be resolved."""

    items: list[int]
    problem: str | None = None
    positions: list[int | None] | None = None   # 1-based places in the last list


def index_or_none(facts: CatalogFacts, item_id) -> int | None:
    try:
        return facts.catalog.index_of(item_id)
    except UnknownItem:
        return None


def focus_index(facts: CatalogFacts, state: SessionState) -> int | None:
    """The catalog index of the film the conversation is about, if any."""
    return index_or_none(facts, state.focus) if state.focus is not None else None


def shows_again(reply, state: SessionState) -> bool:
    """The reply lists exactly the films the last list showed: asked again with nothing
    changed, a person wants other films, not the same ones."""
    return bool(state.last_items) and [str(it["item_id"]) for it in reply.items] \
        == list(state.last_items)


def last_list(facts: CatalogFacts, state: SessionState) -> list[int]:
    return [i for i in (index_or_none(facts, x) for x in state.last_items) if i is not None]


def resolve_films(query: Query, state: SessionState, facts: CatalogFacts,
                  default_first: bool = False) -> Films:
    """The films named (by title), then those referred to (by position) in `query`."""
    named = [i for i in (index_or_none(facts, x) for x in query.item_ids) if i is not None]
    films = Films(named, positions=[_position(i, facts, state) for i in named])
    for ref in query.refs:
        one = _resolve_ref(ref, state, facts, default_first)
        if one.problem:
            return one
        films.items += [i for i in one.items if i not in films.items]
        films.positions += one.positions[:len(one.items)]
    return films


def vague_target(query: Query, state: SessionState, facts: CatalogFacts) -> str | None:
    """The question to ask instead of writing an opinion or seen mark whose films the
    message leaves open: "I liked them" after a list of five (which of them?), or "I've
    seen it" right after a list made from a film the person named (that film, or one
    from the list?). None when the target is clear."""
    shown = last_list(facts, state)
    if THEM in query.refs and len(shown) > 2:
        return (f"Which of them? Say e.g. 'loved 1 and 3' or 'seen 2' and I'll note each "
                f"one (the last list had {len(shown)} films).")
    focus = focus_index(facts, state)
    if FOCUS in query.refs and shown and focus is not None and focus not in shown:
        return (f"Do you mean {facts.display[focus]}, or one of the films I listed? Say its "
                "title or its number.")
    return None


def _resolve_ref(ref: int, state: SessionState, facts: CatalogFacts,
                 default_first: bool) -> Films:
    shown = last_list(facts, state)
    focus = focus_index(facts, state)
    if ref == FOCUS:
        if focus is not None:
            return Films([focus], positions=[_position(focus, facts, state)])
        if len(shown) == 1 or (shown and default_first):
            return Films([shown[0]], positions=[1])
        if shown:
            return Films([], f"Which one? The last list had {len(shown)} films: say 'the "
                             "second one', 'number 3' or the title.")
        return Films([], "Which film do you mean? Name it, e.g. 'tell me about "
                         f"{facts.example_titles[0]}'.")
    if not shown:
        return Films([], f"I haven't shown you a list yet, so I don't know {describe(ref)}. "
                         f"Ask me for films first, e.g. 'movies like {facts.example_titles[0]}'.")
    if ref in (ALL, THEM):
        return Films(shown, positions=list(range(1, len(shown) + 1)))
    if ref == LAST:
        return Films([shown[-1]], positions=[len(shown)])
    if not 1 <= ref <= len(shown):
        return Films([], f"The last list had only {len(shown)} film"
                         f"{'s' if len(shown) != 1 else ''}: pick a number from 1 to "
                         f"{len(shown)}.")
    return Films([shown[ref - 1]], positions=[ref])


def _position(i: int, facts: CatalogFacts, state: SessionState) -> int | None:
    shown = last_list(facts, state)
    return shown.index(i) + 1 if i in shown else None


# ---- "did you mean" ------------------------------------------------------------------------
def offer(query: Query, facts: CatalogFacts) -> list[int]:
    """The candidates worth offering for an unmatched title: close and well known."""
    out = []
    for c in query.candidates:
        i = index_or_none(facts, c.item_id)
        if i is None or c.score < CLOSE_CANDIDATE:
            continue
        if facts.counts[i] < min(WELL_KNOWN, facts.min_votes / 2) and c.score < 85.0:
            continue
        out.append(i)
    return out


def pending_for(query: Query, options: list[int], facts: CatalogFacts) -> dict:
    return {"query": query.to_dict(), "candidates": [str(facts.item_ids[i]) for i in options]}


def answer_pending(query: Query, state: SessionState, facts: CatalogFacts):
    """If `query` answers the open "did you mean": (the original request with the
    chosen film, None) or (None, a reply text); (None, None) when it does not."""
    pending = state.pending
    if not pending:
        return None, None
    if pending.get("then") is not None:        # "...and also sci-fi" offered: "yes", "go on"
        goes_on = query.intent is Intent.MORE or (
            query.intent in (Intent.CHOOSE, Intent.THANKS) and query.topic in ("yes", "accept"))
        return (Query.from_dict(pending["then"]), None) if goes_on else (None, None)
    if pending.get("confirm") is not None:     # "All 5 of them: ...?" (writes.py)
        if query.intent in (Intent.CHOOSE, Intent.THANKS) and query.topic == "yes":
            return Query.from_dict(pending["confirm"]), None
        if query.intent is Intent.CHOOSE and query.topic == "no":
            return None, "OK, I haven't noted anything. Tell me which films you mean."
        return None, None
    if "candidates" not in pending:          # only a flag (ABOUT_LIST): nothing offered
        return None, None
    options = [i for i in (index_or_none(facts, x) for x in pending.get("candidates", []))
               if i is not None]
    chosen = None
    if query.intent is Intent.CHOOSE:
        if query.topic == "no" and pending.get("replaces") is not None:
            kept = index_or_none(facts, pending["replaces"])
            return None, f"OK, {facts.display[kept] if kept is not None else 'as it was'}."
        if query.topic == "no":
            return None, ("OK, none of those. Tell me the title another way, or ask for "
                          "something else.")
        n = query.ref if query.ref and query.ref > 0 else 1
        if n > len(options):
            return None, (f"I offered {len(options)} option"
                          f"{'s' if len(options) != 1 else ''}: answer 1 to {len(options)}.")
        chosen = options[n - 1]
    elif query.intent is Intent.REFINE and direction(query) and not query.genres:
        # "the original", "no, the first version", "the newer one": by age, among the
        # versions offered and the one taken
        noted = index_or_none(facts, pending.get("replaces")) \
            if pending.get("replaces") is not None else None
        pool = sorted((i for i in options + [noted] if i is not None and facts.years[i]),
                      key=lambda i: facts.years[i])
        if pool:
            chosen = pool[0] if direction(query) == OLDER else pool[-1]
        if chosen is not None and chosen == noted:
            return None, f"OK, {facts.display[noted]} it is."
    elif query.intent is Intent.REFINE and (query.year_from or query.year_to) and \
            not query.genres:                     # "the 1962 one", "the old one"
        lo, hi = query.year_from or -10**6, query.year_to or 10**6
        fitting = [i for i in options if facts.years[i] and lo <= facts.years[i] <= hi]
        if len(fitting) == 1:
            chosen = fitting[0]
    elif query.intent in (Intent.SIMILAR, Intent.INFO) and query.item_ids:
        typed = index_or_none(facts, query.item_ids[0])
        if typed in options:
            chosen = typed           # the title typed again
    if chosen is None:
        return None, None
    original = Query.from_dict(pending["query"])
    resolved = original.with_(item_ids=(facts.item_ids[chosen], *original.item_ids),
                              titles=(facts.titles[chosen], *original.titles),
                              candidates=(), unknown_title=None, ref=None, refs=())
    return resolved, None


# ---- "the 1962 one": another film of the same title ------------------------------------
def direction(query: Query) -> str | None:
    """OLDER for "the original" / "older", NEWER for "the remake" / "newer"."""
    if query.version == ORIGINAL or (query.version is None and query.years_relative == OLDER):
        return OLDER
    if query.version == REMAKE or (query.version is None and query.years_relative == NEWER):
        return NEWER
    return None


def pick_version(base: int, facts: CatalogFacts, towards: str) -> int | None:
    """Among film `base` and the films sharing its title: the original (the oldest) or
    the remake (the first one after `base`); None when there is none that way."""
    dated = sorted((facts.years[j], j) for j in [base, *facts.other_versions(base)]
                   if facts.years[j])
    if len(dated) < 2 and towards == OLDER:      # "the original" of "Jaws 2": "Jaws"
        return facts.first_of_series(base)
    if len(dated) < 2 or facts.years[base] is None:
        return None
    if towards == OLDER:
        return dated[0][1] if dated[0][1] != base else None
    later = [j for y, j in dated if y > facts.years[base]]
    return later[0] if later else None


def other_version(query: Query, state: SessionState, facts: CatalogFacts):
    """When the film in focus (or the last list's one seed) shares its title with
    another film and the message asks for that other one — by a direction ("the
    original", "the remake", "the older one") or by years that fit only it ("the 1962
    one", "the old one"): (that film's index, whether it seeded the last list); else
    None."""
    towards = direction(query)
    if towards is None and query.year_from is None and query.year_to is None:
        return None
    last = state.last_query or {}
    seeds = last.get("item_ids") or [] if last.get("intent") == "similar" else []
    base = focus_index(facts, state)
    seeded = len(seeds) == 1 and base is not None and str(facts.item_ids[base]) == str(seeds[0])
    if base is None:
        return None
    if towards is not None:
        chosen = pick_version(base, facts, towards)
        return None if chosen is None else (chosen, seeded)
    lo = query.year_from if query.year_from is not None else -10**6
    hi = query.year_to if query.year_to is not None else 10**6

    def fits(i: int) -> bool:
        return facts.years[i] is not None and lo <= facts.years[i] <= hi

    others = [i for i in facts.other_versions(base) if fits(i)]
    if not others or fits(base):
        return None
    return others[0], seeded


def focus_seed(query: Query, state: SessionState, facts: CatalogFacts) -> Query | None:
    """"more like that" with no list yet, after a turn about one film ("groundhog day is
    one of my all-time faves"): films like that film, as many as asked."""
    focus = focus_index(facts, state)
    if focus is None:
        return None
    return Query(Intent.SIMILAR, item_ids=(facts.item_ids[focus],), k=query.k,
                 titles=(facts.titles[focus],), k_requested=query.k_requested)
