"""Conversation state: what a turn reads (`SessionState`), what it changes
(`TurnEffects`), and the one interface every session store implements
(`SessionStore`). The back ends live in chatrec/stores/ (SQLite by default).

Sessions are scoped by an `owner`: an opaque string the HTTP app derives from the API
key that created the session (None when no keys are configured, and for the CLI). A
session is only visible to its owner; to anyone else it does not exist.

A turn reads the state, computes its reply outside any transaction, then commits its
effects in one short transaction whose statements are idempotent merges, so two
concurrent turns on one session never lose each other's updates.
"""
from __future__ import annotations

import os
import re
import secrets
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Protocol

from chatrec.errors import UsageError
from chatrec.settings import DAY, parse_duration

#: what a session id may be; the HTTP schemas validate against the same pattern
SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
#: turns of transcript a store keeps per session (older ones are dropped)
TRANSCRIPT_KEEP = 100
#: idle time after which a session is deleted (CHATREC_SESSION_TTL overrides)
DEFAULT_TTL = 30 * DAY
#: how long a call waits for another writer's lock (CHATREC_SESSIONS_BUSY_TIMEOUT):
#: 1 s rides out many concurrent writers on a loaded machine (50 ms gave them 503s);
#: the HTTP app keeps a long external lock from costing every turn this wait
#: (chatrec/lock_gate.py)
DEFAULT_BUSY_TIMEOUT = 1.0


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
    owner: str | None = None   # who created it (see the module docstring)
    transcript: list[dict] = field(default_factory=list)  # filled by get(..., transcript=N)


@dataclass
class TurnEffects:
    """What a turn changes; applied in one short transaction.

    `pending` is written on every turn: a "did you mean" is open for one turn only.
    `transcript` is the turn as it should be shown again ({"message", "reply",
    "intent", "items"}); stores keep the last TRANSCRIPT_KEEP of them.
    `retract` takes back the ratings and seen marks of films (a correction: "I meant
    the 1962 one"); it is applied before this turn's own ratings and marks.
    """

    user_id: int | str | None = None
    set_user: bool = False
    ratings: list[tuple[str, float]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    retract: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    last_query: dict | None = None
    set_last_query: bool = False
    last_items: list[str] | None = None
    page: int | None = None
    pending: dict | None = None
    focus: str | None = None
    set_focus: bool = False
    transcript: dict | None = None


@dataclass
class StoreStats:
    """What `chatrec sessions stats` shows."""

    backend: str
    location: str
    sessions: int
    expired: int          # idle longer than the TTL asked about: the next prune deletes them
    ratings: int
    transcript_turns: int
    bytes: int            # on disk (or in the database), all tables and logs included
    oldest_update: float | None
    newest_update: float | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StoreHealth:
    """The answer of `SessionStore.check()`; /health reports it."""

    ok: bool
    backend: str
    detail: str


class SessionStore(Protocol):
    """The one interface of a session store (SQLite, PostgreSQL, ...).

    Every call may raise `StoreBusy` when another writer holds a lock longer than the
    store's busy timeout (the HTTP app answers 503 with Retry-After), and
    `StoreUnavailable` when the store cannot be used at all (deleted or replaced while
    running, read-only, not a database); never a bare driver exception.
    """

    #: True when calls may wait on the network (a database server): the HTTP app then
    #: always runs them in its thread pool. False (SQLite): calls on the event loop
    #: inside `no_wait()` either finish at once or raise StoreBusy.
    blocking: bool

    def load(self, session_id: str) -> SessionState:
        """The state of a session; a fresh, not yet stored one if it does not exist.
        The caller compares `state.owner` with its own before using it."""

    def get(self, session_id: str, transcript: int = 0) -> SessionState:
        """Like load, with the last `transcript` turns; raises NotFound if absent."""

    def apply(self, session_id: str, effects: TurnEffects, owner: str | None = None) -> None:
        """Record one turn, creating the session for `owner` if needed; returns after the
        commit. Raises NotFound (and writes nothing) if it belongs to another owner."""

    def delete(self, session_id: str, owner: str | None = None) -> bool:
        """Forget a session of `owner`. True if it existed and was theirs."""

    def count(self) -> int:
        """How many sessions are stored."""

    def prune(self, idle_seconds: float, now: float | None = None) -> int:
        """Delete every session idle (no turn) for more than `idle_seconds`, in short
        transactions that never hold the store for long, and give the space back where
        the back end can. Returns how many were deleted."""

    def stats(self, idle_seconds: float | None = None) -> StoreStats:
        """Counts and size; `expired` counts sessions idle longer than idle_seconds."""

    def check(self) -> StoreHealth:
        """Whether the store is usable right now (for /health): cheap, never waits for a
        lock, never raises."""

    def no_wait(self) -> AbstractContextManager[None]:
        """Within this block, calls on this thread raise StoreBusy at once instead of
        waiting for another writer's lock (the HTTP app's event loop must never wait)."""

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


def session_ttl(env=None) -> float:
    """Idle seconds before a session expires: $CHATREC_SESSION_TTL (e.g. 30d, 12h), else
    DEFAULT_TTL."""
    raw = (os.environ if env is None else env).get("CHATREC_SESSION_TTL")
    return parse_duration(raw, "CHATREC_SESSION_TTL") if raw else DEFAULT_TTL


def busy_timeout(env=None) -> float:
    """Seconds a store call waits for a lock: $CHATREC_SESSIONS_BUSY_TIMEOUT, else 1 s."""
    raw = (os.environ if env is None else env).get("CHATREC_SESSIONS_BUSY_TIMEOUT")
    return parse_duration(raw, "CHATREC_SESSIONS_BUSY_TIMEOUT") if raw else DEFAULT_BUSY_TIMEOUT


def open_store(location=None) -> SessionStore:
    """The store for `location`: a `postgresql://` URL (PostgreSQL, chatrec/stores/
    postgres.py) or a SQLite file path. None means $CHATREC_SESSIONS_URL when set,
    else the data home's SQLite file."""
    import os

    location = location or os.environ.get("CHATREC_SESSIONS_URL") or None
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from chatrec.stores.postgres import PostgresSessionStore
        return PostgresSessionStore(location, busy_timeout_ms=int(busy_timeout() * 1000))
    if isinstance(location, str) and "://" in location:
        raise UsageError(f"CHATREC_SESSIONS_URL: unsupported sessions URL scheme in "
                         f"{location.split('://')[0]!r}; use postgresql://USER@HOST/DB "
                         "or a SQLite file path")
    from chatrec.home import sessions_db
    from chatrec.stores.sqlite import SQLiteSessionStore

    return SQLiteSessionStore(location or sessions_db(),
                              busy_timeout_ms=int(busy_timeout() * 1000))
