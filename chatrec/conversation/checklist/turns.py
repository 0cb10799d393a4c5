"""The checklist's turns, mixed into the Dispatcher (like moves.Moves): offering it as a
newcomer's first list, and reading an answer to it — the marks recorded, then the next
list, which uses them.

The checklist is "on screen" while it is the last list shown and still open: numbers in
a message then mean its films. An answer that says what was seen ("seen 2 5 7, loved
5", "none of them", "all of them, hated 4") closes it and brings the next list (or, while
the person still has few ratings, a second checklist: offer.TURNS). One that only gives
opinions ("loved 3") is noted and leaves it up for more; "more" / "go on" moves on.

In a chat the checklist is the first recommendation: its films count as shown, and the
next list brings new ones. A client that draws it as a panel of marks (the web page,
`panel`) does not show recommendations in it: its films are not counted as shown, and
those left unmarked stay on offer for the next list.

An answer by number that comes after another list, while the checklist was never
answered, could mean either list: nothing is recorded by number, the reply says so
(films named by title are recorded), and from then on numbers mean the last list.
"""
from __future__ import annotations

from chatrec.conversation.checklist import offer
from chatrec.conversation.checklist.marks import Marks, compound, read_marks
from chatrec.conversation.constraints import Filter
from chatrec.conversation.feedback import record_marks
from chatrec.conversation.followups import ABOUT_LIST, index_or_none, last_list
from chatrec.conversation.moves import Reply
from chatrec.conversation.replies import join_words
from chatrec.conversation.tastes import lean_text
from chatrec.sessions.state import SessionState, TurnEffects
from intents.query import ALL, Intent, Query

LATE = ("The numbers could mean my first picks or the list just above, so I noted "
        "nothing by number: name the films (e.g. 'seen {a}, loved {b}'), or send the "
        "numbers again and they'll mean the list just above.")
MORE_MARKS = ("Any others among these you've seen or loved? Or say 'go on' for picks "
              "that use this.")


def on_screen(state: SessionState) -> bool:
    """The checklist is the last list shown, still open."""
    sheet = state.checklist or {}
    return bool(sheet.get("open")) and list(state.last_items) == list(sheet.get("items", []))


def _films_said(query: Query) -> bool:
    return bool(query.item_ids or query.refs or query.seen_refs or query.seen_item_ids)


def _says_seen(query: Query) -> bool:
    """The answer says which films were seen (so the rest were not)."""
    return query.intent is Intent.SEEN or bool(query.seen_refs or query.seen_item_ids)


class ChecklistTurns:
    """Dispatcher methods (self has facts, lists, catalog, checklist, `_show`, `_more`)."""

    def _asks(self, query: Query, state: SessionState, ctx) -> bool:
        """Whether this request's list is the checklist (offer.due), when enabled."""
        return self.checklist and offer.due(query, state, ctx)

    def _offer_checklist(self, req: dict, ctx, fx: TurnEffects, note: str,
                         asked: int = 1) -> Reply:
        pool = dict(req, k=offer.POOL)
        made = self.lists.make(pool, ctx, more=asked > 1)
        if "tastes" in pool:                  # what a cold start leaned on stays with it
            req["tastes"] = pool["tastes"]
        items = offer.picks(made.items, self.facts.counts, self.catalog.index_of,
                            rated=bool(ctx.profile))
        if len(items) < offer.MIN_SIZE:            # too few to ask about: just show them
            return self._show(req, ctx, fx, note, page=asked, more=asked > 1)
        ids = [str(it["item_id"]) for it in items]
        fx.last_query, fx.set_last_query, fx.page = req, True, asked
        fx.last_items = ids
        fx.checklist = {"items": ids, "open": True, "answered": False, "asked": asked,
                        "panel": ctx.panel}
        fx.focus, fx.set_focus = None, True
        if not ctx.panel:                  # in a chat, the first recommendations
            fx.shown = list(ids)
        flt = Filter.from_dict(req.get("filter"))
        what = flt.describe(self.facts.noun) if flt.active else None
        lean = lean_text({g: v for g, v in req.get("tastes", {}).items()
                          if g not in flt.genres + flt.exclude}, join_words)
        text = offer.invitation(len(items), what, again=asked > 1, lean=lean)
        return Reply((note + " " + text).strip(), items, fx, checklist=True)

    def _answer(self, query: Query, state: SessionState, ctx) -> Reply | None:
        """A reply when `query` answers the checklist or marks films in a way the plain
        feedback route cannot carry; None to route it as usual."""
        marks_films = query.intent in (Intent.RATE, Intent.SEEN) and _films_said(query)
        sheet = state.checklist or {}
        if on_screen(state):
            none = (query.intent is Intent.CHOOSE and query.topic == "no") or (
                query.intent is Intent.SEEN and query.topic == "not_seen"
                and not _films_said(query))
            if query.intent is Intent.UNKNOWN and query.refs == (ALL,):
                query, marks_films = Query(Intent.SEEN, refs=(ALL,)), True
            if marks_films or none:
                return self._answer_checklist(query, state, ctx, none)
            if query.intent is Intent.MORE:         # "more" / "go on": past the checklist
                if not sheet.get("panel"):
                    ctx.shown |= set(last_list(self.facts, state))
                reply = self._more(query, state, ctx)
                if sheet.get("answered"):             # (unanswered, it stays open: a
                    reply.effects.checklist = dict(sheet, open=False)   # late answer)
                return reply
            return None
        if sheet.get("open") and not sheet.get("answered") and marks_films and (
                query.refs or query.seen_refs):
            return self._late_answer(query, sheet)
        if marks_films and compound(query):
            marks = read_marks(query, last_list(self.facts, state), self.facts,
                               "the last list")
            return self._noted(marks, query, TurnEffects())
        return None

    def _answer_checklist(self, query: Query, state: SessionState, ctx,
                          none: bool) -> Reply:
        sheet = state.checklist
        shown = last_list(self.facts, state)
        marks = Marks() if none else read_marks(query, shown, self.facts, "my picks")
        if marks.question or (marks.empty and not none):     # "seen 14": nothing yet
            return self._noted(marks, query, TurnEffects())
        text, fx = record_marks(marks.seen, marks.rated, self.facts, ctx)
        text = _with_problems("OK, none of those seen yet." if none else text, marks, query)
        if not none and not _says_seen(query):    # "loved 3": noted; the list stays up
            fx.checklist = dict(sheet, answered=True)
            return Reply(f"{text} {MORE_MARKS}", [], fx)
        fx.checklist = dict(sheet, open=False, answered=True)
        req, asked = dict(state.last_query), sheet.get("asked", 1)
        if offer.again(ctx, sheet):           # still little to go on: ask once more,
            before = list(sheet.get("before", [])) + list(sheet.get("items", []))
            ctx.shown |= set(shown) | {i for i in (index_or_none(self.facts, x)
                                                   for x in before) if i is not None}
            reply = self._offer_checklist(req, ctx, fx, text, asked + 1)  # never about
            if reply.effects.checklist:       # the same films (a panel's are not shown)
                reply.effects.checklist["before"] = before
            return reply
        if sheet.get("panel"):                # a panel's unmarked films stay on offer
            return self._show(req, ctx, fx, text, page=1)
        ctx.shown |= set(shown)               # a chat's were recommended: new ones now
        return self._show(req, ctx, fx, text, page=asked + 1, more=True)

    def _late_answer(self, query: Query, sheet: dict) -> Reply:
        marks = read_marks(query, [], self.facts, numbers=False)
        reply = self._noted(marks, query, TurnEffects())
        a, b = (list(self.facts.example_titles) + ["Fargo", "Heat"])[:2]
        reply.text = (reply.text + " " + LATE.format(a=a, b=b)).strip()
        reply.effects.checklist = dict(sheet, open=False)
        reply.effects.pending = {ABOUT_LIST: True}     # "again" means the list above
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
