"""When a newcomer's first list is a checklist, and which films it holds.

Issue 21: people who have told a few liked films (or none) reach a film they go on to
love more often when their first list asks what they have seen and loved than when it
only ranks. So, for a person with fewer than FEW ratings in the session and no dataset
user behind them, the first open `recommend` list is a checklist: up to SIZE of the
recommend route's top picks (its constraints, exclusions and diversity stage applied),
re-ranked with a small lean towards films many people have seen (they are the ones a
person can say something about), with a one-line invitation. Its answer brings another
checklist of new films (up to TURNS in a row in a chat, PANEL_TURNS on the web page's
panel), then a list that uses every answer. The constants are chosen on validation
users (bench/checklist_tuning.py; docs/benchmarks/checklist.md).
"""
from __future__ import annotations

import os

import numpy as np

from chatrec.errors import UsageError
from intents.query import Intent, Query

SIZE = 10            # films on a checklist
FEW = 25             # fewer session ratings than this: the first list is a checklist
POOL = 30            # the recommend route's top picks it re-ranks
LEAN = 0.5           # weight of a film's rank by rating count beside its rank in the route
LEAN_NEW = 0.0       # ... for a person who has rated nothing yet (the route is popularity)
TURNS = 3            # checklists in a row while the person still has few ratings
PANEL_TURNS = 3      # ... drawn as a panel (the web page's: they cost no list slots)
MIN_SIZE = 3         # fewer films qualify: an ordinary list instead


SETTING = "CHATREC_CHECKLIST"         # "off" never asks (e.g. to measure without it)


def enabled(env=os.environ) -> bool:
    """CHATREC_CHECKLIST: on (the default) or off; anything else is refused."""
    raw = (env.get(SETTING) or "on").strip().lower()
    if raw not in ("on", "off", "1", "0", "true", "false", "yes", "no"):
        raise UsageError(f"{SETTING} must be 'on' or 'off', not {raw!r}")
    return raw in ("on", "1", "true", "yes")


def due(query: Query, state, ctx) -> bool:
    """Whether this request's list should be the session's checklist: an open request
    ("what should I watch?", "recommend something") from a person with few ratings, the
    first in the session. A request that says what it wants ("3 westerns", "comedies
    from the 80s", "hidden gems") is answered as asked."""
    return (query.intent is Intent.RECOMMEND and not query.has_constraints
            and query.k_requested is None and query.rank_by is None
            and ctx.user_index is None and not ctx.unknown_user and len(ctx.profile) < FEW
            and state.checklist is None)


def again(ctx, sheet: dict) -> bool:
    """Whether an answered checklist is followed by another (TURNS), not a list."""
    return sheet.get("asked", 1) < (PANEL_TURNS if sheet.get("panel") else TURNS) \
        and len(ctx.profile) < FEW


def picks(items: list[dict], counts, index_of, rated: bool, lean: float | None = None,
          size: int | None = None) -> list[dict]:
    """The checklist's films: `items` (the route's order) re-ranked by position + lean x
    the position by rating count within them; ties keep the route's order. `rated`:
    the person has rated something (else LEAN_NEW)."""
    lean = (LEAN if rated else LEAN_NEW) if lean is None else lean
    size = SIZE if size is None else size
    if not items:
        return []
    seen_by = np.array([counts[index_of(it["item_id"])] for it in items], dtype=float)
    by_count = np.argsort(np.argsort(-seen_by, kind="stable"), kind="stable")
    order = np.argsort(np.arange(len(items)) + lean * by_count, kind="stable")
    return [items[j] for j in order[:size]]


def invitation(n: int, what: str | None, again: bool = False, lean: str = "") -> str:
    """"My first 10 picks — which have you seen, and which did you love? Reply like
    'seen 2 5 7, loved 5'." (the example fits the list; `lean`: ", leaning to Horror
    (you mentioned it)" when a cold start leaned on genres heard)."""
    example = "seen 2 5 7, loved 5" if n >= 7 else "seen 1 3, loved 3" if n >= 3 \
        else "seen 1, loved 1"
    about = f" ({what})" if what else ""
    lead = f"{n} more picks{about}{lean} to get to know you" if again else \
        f"My first {n} picks{about}{lean}"
    return (f"{lead} — which have you seen, and which did you love? Reply like "
            f"'{example}'.")
