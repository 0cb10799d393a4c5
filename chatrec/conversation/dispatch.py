"""Query -> route table (DESIGN §3) -> Reply.

`Dispatcher(bundle)` precomputes at build time what a turn would otherwise redo
(catalog facts, weighted averages, the "liked" matrix behind reasons), so a turn is
a few vector operations. It is pure with respect to storage: it reads a
`SessionState` and returns the `TurnEffects` the service then commits.

Order of a turn: an open "did you mean" is answered first; a title the catalog does
not know is said so (with close candidates as a new "did you mean"); then the intent's
route. Every list route goes through `ListMaker` (constraints, exclusions, reasons).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from chatrec.conversation import replies
from chatrec.conversation.checklist.turns import ChecklistTurns
from chatrec.conversation.constraints import Filter
from chatrec.conversation.explain import Explainer
from chatrec.conversation.facts import CatalogFacts
from chatrec.conversation.feedback import (confirm_first, describe_profile, rated_profile,
                                           reads_transcript, record_opinions, record_seen, sure)
from chatrec.conversation.followups import (answer_pending, focus_seed, other_version,
                                            pending_for, resolve_films, shows_again)
from chatrec.conversation.lists import Context, ListMaker
from chatrec.conversation.moves import Moves, Reply
from chatrec.conversation.smalltalk import MOVES
from chatrec.conversation.tastes import heard
from chatrec.conversation.wishes import directed
from chatrec.sessions.state import SessionState, TurnEffects
from chatrec.training.bundle import Bundle
from intents.query import FOCUS, MAX_K, MIN_K, Intent, Query

__all__ = ["Context", "Dispatcher", "Reply"]
LIST_ROUTES = (Intent.SIMILAR, Intent.RECOMMEND, Intent.POPULAR)
# intents whose topic may be a small-talk move (a greeting, "I'll check it out", "I
# haven't seen that one", a question back) when no film or position is named
_MOVE_INTENTS = (Intent.GREET, Intent.THANKS, Intent.UNKNOWN, Intent.SEEN, Intent.RATE,
                 Intent.INFO, Intent.MORE, Intent.CHOOSE)


class Dispatcher(Moves, ChecklistTurns):
    """Routes a Query to the bundle's models and words the reply."""

    reads_transcript = staticmethod(reads_transcript)   # the service loads it for these

    def __init__(self, bundle: Bundle, checklist: bool = True):
        self.bundle, self.checklist = bundle, checklist     # False: never ask (checklist/)
        self.catalog, self.ratings = bundle.catalog, bundle.ratings
        self.facts = CatalogFacts(bundle)
        # the similar-route model's vectors cost about a millisecond each; lists,
        # reasons, `more` and repeated seeds reuse them (lru_cache is thread-safe)
        self.similarity = lru_cache(maxsize=2048)(self._similarity)
        self.lists = ListMaker(bundle, self.facts, self.similarity)
        self.explain = Explainer(self.facts, self.similarity, self.catalog.links is not None)

    def _similarity(self, item: int) -> np.ndarray:
        v = np.asarray(self.bundle.route("similar").item_similarity(item), dtype=np.float64)
        v.flags.writeable = False  # shared by the cache: nobody may modify it
        return v

    # ---- entry point -----------------------------------------------------------------
    def handle(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        resolved, said = answer_pending(query, state, self.facts)
        asked = None if said or resolved else confirm_first(query, state, self.facts)
        if said or asked:                    # an answer to a question, or a write to confirm
            return Reply(said) if said else Reply(asked[0], [], TurnEffects(pending=asked[1]))
        if resolved is None and (answer := self._answer(query, state, ctx)) is not None:
            return answer               # the checklist answered, or several marks at once
        if resolved is not None:
            query = resolved
        elif query.intent is Intent.CHOOSE:
            return self._choose_without_question(query, state)
        tastes = heard(ctx.tastes, query)        # "I like comedies" leans what follows
        ctx.tastes = ctx.tastes if tastes is None else tastes
        query, note, problem = directed(query, state, self.facts)   # "older", "the remake"
        if problem:
            return Reply(problem)
        replaces = (state.pending or {}).get("replaces") if resolved is not None else None
        if replaces is not None:         # "the 1962 one" after "I loved Cape Fear"
            reply = self._feedback(query, state, offer_versions=False)
            reply.effects.retract.append(replaces)
            i = self.catalog.index_of(replaces)
            reply.text += f" (Taken back: {self.facts.display[i]}.)"
        elif not query.item_ids and (query.unknown_title is not None or query.candidates):
            reply = self._unknown_title(query, ctx)
        else:
            reply = self._route(query, state, ctx)
            if query.unknown_title is not None:   # "Mel Gibson is good! I loved Braveheart"
                reply.text += " " + replies.also_unknown(query.unknown_title,
                                                         self.facts.catalog_line())
        if query.k_requested is not None and query.k != query.k_requested and reply.items:
            reply.text = replies.clamp_note(query.k_requested, MIN_K, MAX_K) + " " + reply.text
        if query.then is not None:            # a second request: offered next
            reply.text = replies.offer_next(self._describe(Query.from_dict(query.then))) \
                + " " + reply.text
            reply.effects.pending = {"then": query.then}
        reply.effects.tastes = tastes
        reply.text = f"{note} {reply.text}" if note else reply.text
        return reply

    def _describe(self, query: Query) -> str:
        """"Sci-Fi films", "films like Heat (1995)": what a request asks for."""
        seeds = [i for i in (self.catalog.index_of(x) for x in query.item_ids)]
        return Filter.of(query).describe(self.facts.noun, like=", ".join(
            self.facts.display[i] for i in seeds) or None)

    def _route(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        intent = query.intent
        if intent in LIST_ROUTES:
            return self._new_list(query, state, ctx)
        if intent is Intent.MORE:
            return self._more(query, state, ctx)
        if intent is Intent.REFINE:
            return self._refine(query, state, ctx)
        if query.topic in MOVES and not (query.item_ids or query.refs) \
                and intent in _MOVE_INTENTS:
            return self._smalltalk(query, state, ctx)
        if intent in (Intent.RATE, Intent.SEEN):
            return self._feedback(query, state)
        if intent is Intent.INFO:
            return self._info(query, state, ctx)
        if intent is Intent.WHY:
            return self._why(query, state, ctx)
        f = self.facts
        if intent is Intent.HELP:
            return Reply(replies.help_text(f.example_titles, f.genre_names, f.noun,
                                           f.catalog_line()))
        if intent is Intent.GREET:
            return Reply(replies.greet_text(f.example_titles, f.noun))
        if intent is Intent.THANKS:
            return Reply(replies.thanks_text(query.topic == "bye", f.noun))
        return Reply(replies.unknown_text(f.example_titles))

    # ---- lists --------------------------------------------------------------------------
    def _new_list(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        note, fx = "", TurnEffects()
        if query.intent is Intent.SIMILAR:
            films = resolve_films(query, state, self.facts)
            if query.ref == FOCUS and not films.items and state.last_query:
                return self._more(query.with_(refs=(), ref=None), state, ctx)  # "more like that"
            if films.problem:
                return Reply(films.problem)
            seeds = films.items
        else:
            seeds = []
        if query.rating is not None and query.item_ids and sure(query):  # "I loved X, so?"
            note, fx = record_opinions(query, [self.catalog.index_of(i)
                                               for i in query.item_ids], self.facts, ctx)
        if query.said:                    # "I hated Titanic, anything like Heat?"
            also, more = record_opinions(
                Query(Intent.RATE, ratings=tuple(r for _, r in query.said)),
                [self.catalog.index_of(i) for i, _ in query.said], self.facts, ctx)
            note = (note + " " + also).strip()
            fx.ratings += more.ratings
        note = (note + " " + replies.ignored_note(query.topic)).strip()  # "with Tom Hanks"
        req = {"intent": query.intent.value, "k": int(query.k), "rank_by": query.rank_by,
               "item_ids": [self.facts.item_ids[i] for i in seeds],
               "filter": Filter.of(query).to_dict()}
        if self._asks(query, state, ctx):     # a newcomer's first list asks too (checklist/)
            return self._offer_checklist(req, ctx, fx, note)
        reply = self._show(req, ctx, fx, note, page=1,      # "it" after "movies like X": X
                           focus=seeds[0] if len(seeds) == 1 else None)
        if not note and query.topic is None and shows_again(reply, state):  # "surprise me"
            return self._more(query.with_(k_requested=None), state, ctx)    # twice: new films
        return reply

    def _more(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        last = state.last_query
        if not last or last.get("intent") not in ("similar", "recommend", "popular"):
            if (seeded := focus_seed(query, state, self.facts)) is not None:
                return self._new_list(seeded, state, ctx)   # "I loved X" ... "more like that"
            return Reply("There is no list to continue yet. Try: "
                         + replies.examples(self.facts.example_titles) + ".")
        # "show me more" keeps the last list's size; "3 more" asks for 3
        k = int(query.k) if query.k_requested is not None else int(last["k"])
        req = dict(last, k=k, rank_by=query.rank_by or last.get("rank_by"))
        if query.has_constraints:         # "more from the 90s": refine, then page on
            req["filter"] = Filter.from_dict(last.get("filter")).refined(
                Filter.of(query)).to_dict()
        return self._show(req, ctx, TurnEffects(), "", page=state.page + 1, more=True)

    def _refine(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        last = state.last_query
        switch = other_version(query, state, self.facts)
        if switch is not None:            # "the 1962 one", "the old one": a same-titled film
            i, seeded = switch
            ids = (self.facts.item_ids[i],)
            if seeded:
                return self._new_list(Query(Intent.SIMILAR, item_ids=ids, k=int(last["k"]),
                                            titles=(self.facts.titles[i],)), state, ctx)
            return self._info(Query(Intent.INFO, item_ids=ids,
                                    titles=(self.facts.titles[i],)), state, ctx)
        if not last:
            if query.has_constraints:     # nothing to narrow: a fresh list under them
                return self._new_list(query.with_(intent=Intent.RECOMMEND), state, ctx)
            return Reply("There's no list to narrow down yet. Ask me for films first, "
                         "e.g. " + replies.examples(self.facts.example_titles) + ".")
        k = int(last["k"])
        if query.k_requested is not None:
            k = int(query.k)
        elif query.fewer:
            k = max(1, k // 2)
        flt = Filter.from_dict(last.get("filter")).refined(Filter.of(query))
        req = dict(last, k=k, filter=flt.to_dict(), rank_by=query.rank_by or last.get("rank_by"))
        return self._show(req, ctx, TurnEffects(), "", page=1)

    def _show(self, req: dict, ctx: Context, fx: TurnEffects, note: str, page: int,
              more: bool = False, focus: int | None = None) -> Reply:
        made = self.lists.make(req, ctx, more=more)
        reply = Reply((note + " " + made.text).strip(), made.items, fx)
        if made.items:
            fx.last_query, fx.set_last_query, fx.page = req, True, page
            fx.last_items = [str(it["item_id"]) for it in made.items]
            fx.shown = list(fx.last_items)
            if focus is None and len(made.items) == 1:
                focus = self.catalog.index_of(made.items[0]["item_id"])
            fx.focus, fx.set_focus = (None if focus is None
                                      else str(self.facts.item_ids[focus])), True
        return reply

    # ---- feedback, facts, explanations ------------------------------------------------------
    def _feedback(self, query: Query, state: SessionState,
                  offer_versions: bool = True) -> Reply:
        films = resolve_films(query, state, self.facts)   # (vague ones asked: writes.py)
        if films.problem:
            return Reply(films.problem)
        if not films.items:
            example = self.facts.example_titles[-1]
            return Reply(f"Which film? Tell me like this: 'I loved {example}', 'rate "
                         f"{example} 4 stars' or 'I've seen {example}'.")
        if query.intent is Intent.SEEN:
            text, fx = record_seen(films.items, self.facts)
        else:
            text, fx = record_opinions(query, films.items, self.facts, None)
        first = films.items[0]
        others = self.facts.other_versions(first) if offer_versions and query.version \
            is None and len(films.items) == 1 and films.positions == [None] else []
        # a title alone links to its most-rated version (a typed year picks another),
        # so that is the case to say so and offer the others
        if others and self.facts.counts[first] >= max(self.facts.counts[j] for j in others):
            text += " " + replies.other_versions_note([self.facts.display[j] for j in others],
                                                      [self.facts.years[j] for j in others])
            bare = query.with_(item_ids=(), titles=(), item_id=None, title=None, refs=(),
                               ref=None, candidates=())
            fx.pending = pending_for(bare, others, self.facts) | {
                "replaces": str(self.facts.item_ids[first])}
        return Reply(text, [], fx)

    def _info(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        if query.topic == "mine" and not query.item_ids and not query.refs:
            known = 0 if ctx.user_index is None else \
                len(self.ratings.user_items(ctx.user_index)[0])
            return Reply(describe_profile(ctx, self.facts, known))   # "what have I rated?"
        films = resolve_films(query, state, self.facts)
        if films.problem:
            return Reply(films.problem)
        if not films.items:
            if query.topic in replies.NO_DATA_WORDS:    # "any with Tom Hanks?"
                return Reply(replies.no_people_search(self.facts.catalog_name,
                                                      self.facts.example_titles))
            return Reply("Which film? e.g. 'tell me about "
                         f"{self.facts.example_titles[0]}'.")
        texts, items = [], []
        if query.rank_by is not None:     # "which one has the best reviews?": that one
            key = self.facts.weighted if query.rank_by == "rating" else self.facts.counts
            n = max(range(len(films.items)), key=lambda j: key[films.items[j]])
            which = "most-watched" if query.rank_by == "count" else "best-rated"
            texts.append(f"Of those {len(films.items)} films, the {which} is "
                         f"#{films.positions[n]}:")
            films.items = [films.items[n]]
        rated = set(ctx.profile) | set(ctx.seen)
        for i in films.items[:3]:
            text, item = self.explain.info(i, query.topic, exclude=rated,
                                           asked_genres=query.genres)
            texts.append(text)
            items.append(item)
        fx = TurnEffects(focus=str(self.facts.item_ids[films.items[0]]), set_focus=True)
        return Reply(" ".join(texts), items, fx)

    def _why(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        if not state.last_query:
            return Reply("I haven't recommended anything in this conversation yet. Ask me "
                         "for films, then 'why the first one?'.")
        if query.ref is None and not query.item_ids:
            query = query.with_(refs=(1,), ref=1)          # "why?": the first film of the list
        films = resolve_films(query, state, self.facts, default_first=True)
        if films.problem or not films.items:
            return Reply(films.problem or "Which film? e.g. 'why the first one?'.")
        i = films.items[0]
        position = (films.positions or [None])[0]
        if position is None:        # not in the last list: what did I say when I showed it?
            text = self.explain.why_earlier(i, state.transcript)
        else:
            text = self.explain.why(i, state.last_query, rated_profile(ctx, self.ratings),
                                    self.lists.liked_at, position)
        return Reply(text, [], TurnEffects(focus=str(self.facts.item_ids[i]),
                                           set_focus=True))

    # ---- titles the catalog does not know; answers with nothing to answer ----------------------
