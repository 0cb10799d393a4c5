"""What a turn writes into the `sessions` row, and how JSON columns are encoded: the
same for every store, so a new field is added in one place (the SQL dialects differ,
the mapping does not)."""
from __future__ import annotations

import json

from chatrec.sessions import TurnEffects


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
    return cols
