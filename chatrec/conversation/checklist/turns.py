"""The checklist's turns, mixed into the Dispatcher (like moves.Moves): offering it as a
newcomer's first list, and reading an answer to it — the marks recorded, then the next
list, which uses them.

The checklist is "on screen" while it is the last list shown and unanswered: numbers in
a message then mean its films. Its films are not counted as shown (a film left unmarked
stays on offer for the lists that use the answers), except by a `more` asked instead of
answering. An answer by number that comes after another list, while the checklist was
never answered, could mean either list: nothing is recorded by number, and the reply
says so (films named by title are recorded).
"""
from __future__ import annotations

from chatrec.conversation.checklist import offer
from chatrec.conversation.checklist.marks import Marks, compound, read_marks
from chatrec.conversation.constraints import Filter
from chatrec.conversation.feedback import record_marks
from chatrec.conversation.followups import last_list
from chatrec.conversation.moves import Reply
from chatrec.sessions.state import SessionState, TurnEffects
from intents.query import ALL, Intent, Query

LATE = ("The numbers could mean my first picks or the list just above, so I noted "
        "nothing by number: name the films (e.g. 'seen {a}, loved {b}'), or send the "
        "numbers again and they'll mean the list just above.")


def on_screen(state: SessionState) -> bool:
    """The checklist is the last list shown, still unanswered."""
    sheet = state.checklist or {}
    return bool(sheet.get("open")) and list(state.last_items) == list(sheet.get("items", []))


def _films_said(query: Query) -> bool:
    return bool(query.item_ids or query.refs or query.seen_refs or query.seen_item_ids)


class ChecklistTurns:
    """Dispatcher methods (self has facts, lists, catalog and `_show`)."""

    def _offer_checklist(self, req: dict, ctx, fx: TurnEffects, note: str,
                         asked: int = 1) -> Reply:
        made = self.lists.make(dict(req, k=offer.POOL), ctx, more=asked > 1)
        items = offer.picks(made.items, self.facts.counts, self.catalog.index_of,
                            rated=bool(ctx.profile))
        if len(items) < offer.MIN_SIZE:            # too few to ask about: just show them
            return self._show(req, ctx, fx, note, page=asked, more=asked > 1)
        ids = [str(it["item_id"]) for it in items]
        fx.last_query, fx.set_last_query, fx.page = req, True, asked
        fx.last_items = ids
        fx.checklist = {"items": ids, "open": True, "asked": asked}
        fx.focus, fx.set_focus = None, True      # not fx.shown: see the module docstring
        if not offer.KEEP_UNSEEN:
            fx.shown = list(ids)
        flt = Filter.from_dict(req.get("filter"))
        what = flt.describe(self.facts.noun) if flt.active else None
        return Reply((note + " " + offer.invitation(len(items), what)).strip(), items, fx,
                     checklist=True)

    def _asks(self, query: Query, state: SessionState, ctx) -> bool:
        """Whether this request's list is the checklist (offer.due), when enabled."""
        return self.checklist and offer.due(query, state, ctx)

    def _answer(self, query: Query, state: SessionState, ctx) -> Reply | None:
        """A reply when `query` answers the checklist or marks films in a way the plain
        feedback route cannot carry; None to route it as usual."""
        marks_films = query.intent in (Intent.RATE, Intent.SEEN) and _films_said(query)
        if on_screen(state):
            none = (query.intent is Intent.CHOOSE and query.topic == "no") or (
                query.intent is Intent.SEEN and query.topic == "not_seen"
                and not _films_said(query))
            if query.intent is Intent.UNKNOWN and query.refs == (ALL,):
                query, marks_films = Query(Intent.SEEN, refs=(ALL,)), True
            if marks_films or none:
                return self._answer_checklist(query, state, ctx, none)
            if query.intent is Intent.MORE:       # "more" instead of an answer: the next
                ctx.shown |= set(last_list(self.facts, state))   # page passes them by
            return None
        sheet = state.checklist or {}
        if sheet.get("open") and marks_films and (query.refs or query.seen_refs):
            return self._late_answer(query, state, sheet)
        if marks_films and compound(query):
            marks = read_marks(query, last_list(self.facts, state), self.facts,
                               "the last list")
            return self._noted(marks, query, TurnEffects())
        return None

    def _answer_checklist(self, query: Query, state: SessionState, ctx,
                          none: bool) -> Reply:
        marks = Marks() if none else read_marks(query, last_list(self.facts, state),
                                                self.facts, "my first picks")
        if marks.question:
            return Reply(marks.question)
        if marks.empty and not none:              # "seen 14": nothing to go on yet
            return self._noted(marks, query, TurnEffects())
        text, fx = record_marks(marks.seen, marks.rated, self.facts, ctx)
        if none:
            text = "OK, none of those seen yet."
        text = _with_problems(text, marks, query)
        fx.checklist = dict(state.checklist, open=False)
        if offer.again(ctx, state):              # still little to go on: ask once more
            ctx.shown |= set(last_list(self.facts, state))
            asked = state.checklist.get("asked", 1) + 1
            return self._offer_checklist(dict(state.last_query), ctx, fx, text, asked)
        if offer.KEEP_UNSEEN:
            return self._show(dict(state.last_query), ctx, fx, text, page=1)
        ctx.shown |= set(last_list(self.facts, state))
        return self._show(dict(state.last_query), ctx, fx, text, page=2, more=True)

    def _late_answer(self, query: Query, state: SessionState, sheet: dict) -> Reply:
        marks = read_marks(query, [], self.facts, numbers=False)
        reply = self._noted(marks, query, TurnEffects())
        a, b = (list(self.facts.example_titles) + ["Fargo", "Heat"])[:2]
        reply.text = (reply.text + " " + LATE.format(a=a, b=b)).strip()
        reply.effects.checklist = dict(sheet, open=False)
        return reply

    def _noted(self, marks: Marks, query: Query, fx: TurnEffects) -> Reply:
        """The marks recorded and said back, with what was not recorded and why."""
        if marks.question:
            return Reply(marks.question)
        text, recorded = record_marks(marks.seen, marks.rated, self.facts)
        fx.seen, fx.ratings = recorded.seen, recorded.ratings
        films = [i for i in marks.seen] + [i for i, _ in marks.rated]
        if len(films) == 1:
            fx.focus, fx.set_focus = str(self.facts.item_ids[films[0]]), True
        return Reply(_with_problems(text, marks, query), [], fx)


def _with_problems(text: str, marks: Marks, query: Query) -> str:
    problems = list(marks.problems)
    if query.unknown_title:
        problems.append(f"I don't know '{query.unknown_title}'")
    if not problems:
        return text
    return (text + " Not noted: " + "; ".join(problems) + ".").strip()
