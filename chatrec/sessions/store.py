"""The one interface every session store implements (`SessionStore`), and what its
upkeep calls report (`StoreStats`, `StoreHealth`). SQLite and PostgreSQL implement it
beside this module.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import Protocol

from chatrec.sessions.state import SessionState, TurnEffects, scoped_id


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
    #: reads work but writes fail (a full disk, a read-only file): write_health.py
    degraded: bool = False


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


def stored_session_id(store: SessionStore, session_id: str, owner: str | None) -> str:
    """Where the session a client of `owner` calls `session_id` lives, when clients may
    choose ids and keys are on: its scoped id (state.scoped_id) if that exists; else
    `session_id` itself if that is a session of this owner (an id the server issued, or
    one chosen before ids were scoped); else the scoped id, where a new session will be
    created. Another owner's sessions never change the answer."""
    scoped = scoped_id(session_id, owner)
    if scoped == session_id or store.load(scoped).exists:
        return scoped
    plain = store.load(session_id)
    return session_id if plain.exists and plain.owner == owner else scoped
