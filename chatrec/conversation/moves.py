"""Conversation moves that are not a route of their own (mixed into the Dispatcher):
small talk (smalltalk.py), a title the catalog does not have, and "yes" / "2" when no
question is open. They read the same facts and lists as the routes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chatrec.conversation import replies, smalltalk
from chatrec.conversation.constraints import Filter
from chatrec.conversation.followups import offer, pending_for, resolve_films
from chatrec.conversation.lists import Context
from chatrec.sessions.state import SessionState, TurnEffects
from intents.query import Intent, Query

_NO_STATE = SessionState(id="")


@dataclass
class Reply:
    text: str
    items: list[dict] = field(default_factory=list)
    effects: TurnEffects = field(default_factory=TurnEffects)
    checklist: bool = False     # the items are a checklist to mark (checklist/turns.py)


class Moves:
    """Replies of the Dispatcher that move the conversation on (see the docstring)."""

    def _smalltalk(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        """A conversation move (chatrec/conversation/smalltalk.py); "no thanks" to a
        list shows something different."""
        if query.topic == "reject" and state.last_query:
            reply = self._more(query.with_(intent=Intent.MORE, topic=None), state, ctx)
            reply.text = "Fair enough - here's something different. " + reply.text
            return reply
        liked = next((self.facts.display[i] for i, r in reversed(ctx.profile.items())
                      if r >= 4), None)
        return Reply(smalltalk.move(query.topic, smalltalk.Situation(
            has_list=bool(state.last_items), liked=liked,
            example=self.facts.example_titles[0])))

    def _unknown_title(self, query: Query, ctx: Context) -> Reply:
        f = self.facts
        options = offer(query, f)
        words = query.unknown_title or (query.candidates[0].title if query.candidates else "")
        if options and query.intent is not Intent.UNKNOWN:
            fx = TurnEffects(pending=pending_for(query, options, f))
            return Reply(replies.did_you_mean([f.display[i] for i in options]), [], fx)
        text = replies.unknown_title(words, f.catalog_line(), [])
        if query.has_constraints and query.intent in (Intent.SIMILAR, Intent.RECOMMEND):
            plain = query.with_(intent=Intent.RECOMMEND, item_ids=(), titles=(),
                                unknown_title=None, candidates=())
            reply = self._new_list(plain, _NO_STATE, ctx)
            reply.text = f"{text} Here are {Filter.of(query).describe()} instead. " \
                + reply.text
            return reply
        return Reply(text + " Try: " + replies.examples(f.example_titles) + ".")

    def _choose_without_question(self, query: Query, state: SessionState) -> Reply:
        """"yes", "2", "the second one" with no "did you mean" open."""
        if query.topic == "number":      # digits alone, nothing asked (DESIGN §2)
            return Reply(replies.unknown_text(self.facts.example_titles)
                         + f" (To ask about film {query.ref} of the last list, say 'tell "
                         f"me about number {query.ref}'.)")
        if query.topic in ("yes", "no") or query.ref is None:
            return self._smalltalk(query.with_(topic=query.topic or "yes"), state, Context())
        if not state.last_items:
            films = resolve_films(query, state, self.facts)
            return Reply(films.problem or replies.unknown_text(self.facts.example_titles))
        return self._info(query.with_(intent=Intent.INFO), state, Context())
