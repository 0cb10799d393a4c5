"""What a turn writes into the `sessions` row, and how JSON columns are encoded: the
same for every store, so a new field is added in one place (the SQL dialects differ,
the mapping does not)."""
from __future__ import annotations

import json

from chatrec.sessions.state import SessionState, TurnEffects

#: `sessions` columns added after the first release (name -> SQL type, the same in
#: both dialects): every store adds those a database written by an older chatrec lacks
NEW_COLUMNS = {"last_items": "TEXT", "pending": "TEXT", "focus": "TEXT", "owner": "TEXT",
               "tastes": "TEXT", "checklist": "TEXT"}

#: the `sessions` columns a load reads, in the order `state_from_row` takes them
STATE_COLUMNS = ("user_id", "turns", "last_query", "page", "created", "updated",
                 "last_items", "pending", "focus", "owner", "tastes", "checklist")


def dump(value) -> str | None:
    """A JSON column's text (None stays SQL NULL)."""
    return json.dumps(value) if value is not None else None


def load(raw):
    """A JSON column's value (NULL or empty: None)."""
    return json.loads(raw) if raw else None


def row_updates(fx: TurnEffects) -> dict[str, object]:
    """The `sessions` columns this turn sets besides its counter, `updated` and
    `pending` (always written: a "did you mean" is open for one turn only)."""
    cols: dict[str, object] = {"pending": dump(fx.pending)}
    if fx.set_user:
        cols["user_id"] = dump(fx.user_id)
    if fx.set_last_query:
        cols["last_query"], cols["page"] = dump(fx.last_query), fx.page or 0
    elif fx.page is not None:
        cols["page"] = fx.page
    if fx.set_focus:
        cols["focus"] = None if fx.focus is None else str(fx.focus)
    if fx.last_items is not None:
        cols["last_items"] = json.dumps([str(i) for i in fx.last_items])
    if fx.tastes is not None:
        cols["tastes"] = json.dumps(fx.tastes)
    if fx.checklist is not None:
        cols["checklist"] = json.dumps(fx.checklist)
    return cols


def state_from_row(session_id: str, row, ratings, seen, shown) -> SessionState:
    """A stored session: `row` holds STATE_COLUMNS in order; `ratings` (item, value)
    pairs in rating order; `seen` and `shown` item ids."""
    (user, turns, last_query, page, created, updated, last_items, pending, focus,
     owner, tastes, checklist) = row
    return SessionState(
        id=session_id, user_id=load(user),
        ratings={str(k): float(v) for k, v in ratings},
        seen=set(seen), shown=set(shown),
        last_query=load(last_query), page=page, turns=turns,
        created=created, updated=updated,
        last_items=[str(i) for i in (load(last_items) or [])],
        pending=load(pending), focus=focus, exists=True, owner=owner,
        tastes={str(g): float(v) for g, v in (load(tastes) or {}).items()},
        checklist=load(checklist),
    )


def transcript_from_rows(rows) -> list[dict]:
    """(n, at, turn JSON) rows, newest first, as the turns oldest first."""
    return [dict(json.loads(t), n=n, at=at) for n, at, t in reversed(rows)]
