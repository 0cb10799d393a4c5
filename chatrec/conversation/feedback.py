"""Feedback a person gives in the conversation: opinions of films ("I loved X and
Y", "the third one was terrible", "rate X 4 stars") and films already seen. Both
become durable session effects and are used from the next answer on: rated and seen
films are never offered again, liked ones drive personal picks, disliked ones push
down what is close to them.

A rating or seen mark changes every later answer, so it is written only when the films
it is about are certain (`confirm_first`). Otherwise the reply asks, and the write
happens on "yes":
- a title linked by a loose match, scoring below an alias (a typo in a short title, a
  prefix, a close neighbour: "Sing" read as The Sting, "Hellraiser" as Hellraiser:
  Bloodline, "Much ado" as Much Ado About Nothing; a letter off a long title scores
  above it and is sure), or a title the mention model is unsure names a film at all
  ("about aliens"): "Did you mean ...?" (Query.confidence: the weakest link's certainty);
- "them" / "all of them" / "both" over a list of several films: people say it of the
  films they were just talking about, which need not be chatrec's last list ("I've
  seen them all" about a friend's suggestions), so the films are named back first;
- "it" when the film in focus and the last list disagree (followups.vague_target);
- a position ("the first one") when chatrec's last reply was neither that list nor
  about it: the list is no longer what the person is looking at.
A position in the list just shown, or "it" with one film in focus, is written.
An open checklist ("which have you seen?") is a question chatrec asked about its own
list: an answer to it ("seen them all") is written as said.
"""
from __future__ import annotations

from chatrec.conversation.facts import CatalogFacts
from chatrec.conversation.followups import (
    ABOUT_LIST,
    index_or_none,
    last_list,
    pending_for,
    resolve_films,
    vague_target,
)
from chatrec.conversation.lists import scale_rating
from chatrec.conversation.replies import join_words
from chatrec.sessions.state import SessionState, TurnEffects
from intents.query import ALL, LAST, THEM, WRITING_INTENTS, Intent, Query

SURE = 96.0     # a title or alias written as the catalog has it (case, articles, punctuation
                # aside) that the mention model is sure of (intents/mentions/titles.py)


def opinion_word(value: float) -> str:
    """The verb for a rating on the 1-5 scale the parser uses."""
    if value >= 4.5:
        return "loved"
    if value >= 3.5:
        return "liked"
    if value >= 2.5:
        return "thought OK"
    if value >= 1.5:
        return "didn't like"
    return "hated"


def record_opinions(query: Query, items: list[int], facts: CatalogFacts,
                    ctx) -> tuple[str, TurnEffects]:
    """Ratings for `items` ("loved" ~ 5 ... "hated" ~ 1, on the data's scale).
    With `ctx` (a list request that stated an opinion) the context learns them now."""
    scale = facts.ratings.scale
    given = list(query.ratings) if len(query.ratings) == len(items) else \
        [query.rating if query.rating is not None else 4.0] * len(items)
    fx = TurnEffects()
    said: dict[str, list[str]] = {}
    for i, opinion in zip(items, given):
        value = scale_rating(opinion, scale)
        fx.ratings.append((str(facts.item_ids[i]), value))
        if ctx is not None:
            ctx.profile[i] = value
        word = opinion_word(opinion)
        said.setdefault(word, []).append(f"{facts.display[i]} ({value:g}/{scale[1]:g})")
    if len(items) == 1:
        fx.focus, fx.set_focus = str(facts.item_ids[items[0]]), True
    parts = [f"you {word} {join_words(names)}" for word, names in said.items()]
    text = "Noted: " + join_words(parts) + "."
    if ctx is None:
        text += " I'll use that from now on: ask 'recommend something' for picks."
    return text, fx


def record_seen(items: list[int], facts: CatalogFacts) -> tuple[str, TurnEffects]:
    fx = TurnEffects(seen=[str(facts.item_ids[i]) for i in items])
    if len(items) == 1:
        fx.focus, fx.set_focus = str(facts.item_ids[items[0]]), True
    names = join_words([facts.display[i] for i in items])
    one = len(items) == 1
    return (f"Got it: you've seen {names}. I won't suggest {'it' if one else 'them'} "
            f"again. Did you like {'it' if one else 'them'}? Say 'I loved "
            f"{'it' if one else 'them'}' or 'not for me'."), fx


def record_marks(seen: list[int], rated: list[tuple[int, float]], facts: CatalogFacts,
                 ctx=None) -> tuple[str, TurnEffects]:
    """Seen marks and opinions given in one message ("seen 2 5 7, loved 5"): both
    recorded, and said back film by film. With `ctx` the context learns them now (the
    next list in the same turn uses them)."""
    scale = facts.ratings.scale
    fx = TurnEffects(seen=[str(facts.item_ids[i]) for i in seen])
    parts = []
    if seen:
        parts.append(f"you've seen {join_words([facts.display[i] for i in seen])}")
    said: dict[str, list[str]] = {}
    for i, opinion in rated:
        value = scale_rating(opinion, scale)
        fx.ratings.append((str(facts.item_ids[i]), value))
        said.setdefault(opinion_word(opinion), []).append(
            f"{facts.display[i]} ({value:g}/{scale[1]:g})")
        if ctx is not None:
            ctx.profile[i] = value
    if ctx is not None:
        ctx.seen.update(seen)
    parts += [f"you {word} {join_words(names)}" for word, names in said.items()]
    return ("Noted: " + "; ".join(parts) + "." if parts else ""), fx


def rated_profile(ctx, ratings) -> dict[int, float]:
    """Every rating the person has given: their dataset user's, then this session's
    (the session's word wins)."""
    profile: dict[int, float] = {}
    if ctx.user_index is not None:
        items, values = ratings.user_items(ctx.user_index)
        profile.update(zip(items.tolist(), values.tolist()))
    profile.update(ctx.profile)
    return profile


def describe_profile(ctx, facts: CatalogFacts, user_ratings: int) -> str:
    """"what have I rated?": what this conversation holds about the person (the films
    rated and marked seen here, newest last; the dataset user and their rating count)."""
    scale = facts.ratings.scale
    parts = []
    if ctx.user_index is not None:
        parts.append(f"You are user {ctx.user_label} of {facts.catalog_name}, with "
                     f"{user_ratings:,} ratings there.")
    if ctx.profile:
        rated = [f"{facts.display[i]} ({v:g}/{scale[1]:g})" for i, v in ctx.profile.items()]
        parts.append(f"In this conversation you rated {join_words(rated)}.")
    seen = [facts.display[i] for i in ctx.seen if i not in ctx.profile]
    if seen:
        parts.append(f"You've seen {join_words(sorted(seen))}.")
    if not parts:
        return ("You haven't rated anything yet. Tell me a film you loved, e.g. 'I loved "
                f"{facts.example_titles[0]}', and I'll use it for your picks.")
    return " ".join(parts)


# ---- whether a write is certain enough (see the module docstring) -------------------
def sure(query: Query) -> bool:
    """Every film the query names was written as its catalog title."""
    return not query.item_ids or query.confidence is None or query.confidence >= SURE


def confirm_first(query: Query, state: SessionState, facts: CatalogFacts
                  ) -> tuple[str, dict | None] | None:
    """(the question to ask, the pending answer that writes on "yes") when the write
    `query` asks for is not certain enough; None to write it now."""
    if query.intent not in WRITING_INTENTS:
        return None
    question = vague_target(query, state, facts)
    if question:                        # ("loved 2" next is about the list: ABOUT_LIST)
        return question, {ABOUT_LIST: True}
    what = "that you've seen" if query.intent.value == "seen" else "your opinion of"
    named = [i for i in (index_or_none(facts, x) for x in query.item_ids) if i is not None]
    if named and not sure(query) and not _on_show(named, state, facts):
        names = join_words([facts.display[i] for i in named])
        if len(named) == 1 and not query.refs:    # "yes", "1" or the title again
            bare = query.with_(item_ids=(), titles=(), item_id=None, title=None,
                               confidence=None, candidates=())
            return (f"Did you mean {names}? Say 'yes' and I'll note {what} it, or "
                    "write the title as it is.", pending_for(bare, named, facts))
        return (f"Did you mean {names}? Say 'yes' and I'll note {what} them.",
                {"confirm": query.with_(confidence=SURE).to_dict()})
    plural, stale = _plural(query, state, facts), _stale(query, state)
    if not (plural or stale):
        return None
    films = resolve_films(query, state, facts)
    if films.problem or not films.items:
        return None                     # the route says what is wrong
    whole = query.with_(item_ids=tuple(facts.item_ids[i] for i in films.items), refs=(),
                        titles=tuple(facts.titles[i] for i in films.items), ref=None,
                        confidence=SURE, ratings=() if plural else query.ratings)
    names = join_words([facts.display[i] for i in films.items])
    if plural:
        return (f"All {len(films.items)} of them: {names}? Say 'yes' and I'll note {what} "
                "each, or tell me which (e.g. 'loved 1 and 3', 'seen 2').",
                {"confirm": whole.to_dict(), ABOUT_LIST: True})
    return (f"Do you mean {names} from the list I showed earlier? Say 'yes' and I'll note "
            f"{what} {'it' if len(films.items) == 1 else 'them'}.",
            {"confirm": whole.to_dict(), ABOUT_LIST: True})


def reads_transcript(query: Query) -> bool:
    """Whether a turn needs the last turns of the transcript: "why?" may be about an
    earlier list, and a write by position checks the list is still in view (`_stale`)."""
    return query.intent is Intent.WHY or (query.intent in WRITING_INTENTS and bool(query.refs))


def _stale(query: Query, state: SessionState) -> bool:
    """A position ("the first one", "the last one") said when chatrec's last reply was
    not that list nor about it: people then mean something else ("I saw the first one
    but not the second" of a series). Known from the last turn of the transcript (the
    service loads it for such messages); without it, the list is taken as current."""
    if not any(r > 0 or r == LAST for r in query.refs) or not state.transcript \
            or query.seen_refs or query.seen_item_ids:    # "seen 2 5, loved 5": marks
        return False                                      # by number (checklist/)
    last = state.transcript[-1]
    return not (last.get("items") or last.get("checklist") or _on_screen(state)
                or (state.pending or {}).get(ABOUT_LIST))


def _on_show(named: list[int], state: SessionState, facts: CatalogFacts) -> bool:
    """Every film named is one chatrec just listed (or its open checklist holds): a title
    typed loosely or in lower case then names that film, no doubt left ("seen the usual
    suspects, loved casablanca" under a checklist holding both)."""
    shown = set(state.last_items) | set((state.checklist or {}).get("items", []))
    return all(str(facts.item_ids[i]) in shown for i in named)


def _on_screen(state: SessionState) -> bool:
    sheet = state.checklist or {}
    return bool(sheet.get("open")) and list(state.last_items) == list(sheet.get("items", []))


def _plural(query: Query, state: SessionState, facts: CatalogFacts) -> bool:
    """"them all", "both", "all of those" over more than one film of the last list,
    when that list is not what chatrec just said (nor a checklist of its own asking
    about it): right under the list, "I've seen all of those" means it."""
    if not (ALL in query.refs or THEM in query.refs) or _on_screen(state) \
            or (state.transcript and state.transcript[-1].get("items")):
        return False
    return len(last_list(facts, state)) > 1
