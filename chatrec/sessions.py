"""Conversation state: what a turn reads (`SessionState`), what it changes
(`TurnEffects`), and the one interface every session store implements
(`SessionStore`). The back ends live in chatrec/stores/ (SQLite by default).

A turn reads the state, computes its reply outside any transaction, then commits its
effects in one short transaction whose statements are idempotent merges, so two
concurrent turns on one session never lose each other's updates.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Protocol

from chatrec.errors import UsageError

#: what a session id may be; the HTTP schemas validate against the same pattern
SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
#: turns of transcript a store keeps per session (older ones are dropped)
TRANSCRIPT_KEEP = 100


@dataclass
class SessionState:
    """What a turn needs to know about its conversation. Item ids are external ids
    as strings (the catalog resolves '42' and 42 alike).

    last_query: the last list request (a JSON-able dict), for `more` and `refine`.
    last_items: the ids of the films the last list showed, in order (for "the
        second one").
    pending: the open "did you mean" question: {"query": <the request that asked
        it, as a dict>, "candidates": [ids]}; None when nothing is pending.
    """

    id: str
    user_id: int | str | None = None
    ratings: dict[str, float] = field(default_factory=dict)  # insertion = rating order
    seen: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    last_query: dict | None = None
    last_items: list[str] = field(default_factory=list)
    page: int = 0
    pending: dict | None = None
    focus: str | None = None        # the film just talked about ("it", "that one")
    turns: int = 0
    created: float | None = None
    updated: float | None = None
    exists: bool = False
    transcript: list[dict] = field(default_factory=list)  # filled by get(..., transcript=N)


@dataclass
class TurnEffects:
    """What a turn changes; applied in one short transaction.

    `pending` is written on every turn: a "did you mean" is open for one turn only.
    `transcript` is the turn as it should be shown again ({"message", "reply",
    "intent", "items"}); stores keep the last TRANSCRIPT_KEEP of them.
    """

    user_id: int | str | None = None
    set_user: bool = False
    ratings: list[tuple[str, float]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    last_query: dict | None = None
    set_last_query: bool = False
    last_items: list[str] | None = None
    page: int | None = None
    pending: dict | None = None
    focus: str | None = None
    set_focus: bool = False
    transcript: dict | None = None


class SessionStore(Protocol):
    """The one interface of a session store (SQLite, PostgreSQL, ...)."""

    def load(self, session_id: str) -> SessionState:
        """The state of a session; a fresh, not yet stored one if it does not exist."""

    def get(self, session_id: str, transcript: int = 0) -> SessionState:
        """Like load, with the last `transcript` turns; raises NotFound if absent."""

    def apply(self, session_id: str, effects: TurnEffects) -> None:
        """Record one turn (create the session if needed); returns after the commit."""

    def delete(self, session_id: str) -> bool:
        """Forget a session. True if it existed."""

    def count(self) -> int:
        """How many sessions are stored."""

    def close(self) -> None:
        """Release this thread's connection."""


def validate_session_id(session_id: str) -> str:
    """Return the id if it is 1-64 of [A-Za-z0-9_-], else raise UsageError."""
    if not isinstance(session_id, str) or not SESSION_ID_RE.fullmatch(session_id):
        raise UsageError(
            "invalid session id: use 1-64 characters from A-Z, a-z, 0-9, '_' and '-'"
        )
    return session_id


def new_session_id() -> str:
    """A random, URL-safe, unguessable id (22 chars of [A-Za-z0-9_-], 128 bits)."""
    return secrets.token_urlsafe(16)


def open_store(location=None) -> SessionStore:
    """The store for `location`: a `postgresql://` URL (PostgreSQL, chatrec/stores/
    postgres.py) or a SQLite file path. None means $CHATREC_SESSIONS_URL when set,
    else the data home's SQLite file."""
    import os

    location = location or os.environ.get("CHATREC_SESSIONS_URL") or None
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from chatrec.stores.postgres import PostgresSessionStore
        return PostgresSessionStore(location)
    if isinstance(location, str) and "://" in location:
        raise UsageError(f"CHATREC_SESSIONS_URL: unsupported sessions URL scheme in "
                         f"{location.split('://')[0]!r}; use postgresql://USER@HOST/DB "
                         "or a SQLite file path")
    from chatrec.home import sessions_db
    from chatrec.stores.sqlite import SQLiteSessionStore

    return SQLiteSessionStore(location or sessions_db())
