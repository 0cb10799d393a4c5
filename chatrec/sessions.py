"""Durable conversation state in SQLite under the data home.

One row per session (user id, turn count, the last list query and its page, times),
plus the films the session rated and the films it was shown. The database is shared
by every front door and by several uvicorn worker processes, so:

* WAL mode: readers never block the single writer, and a commit is one append to
  the -wal file. A commit that returned is in the OS's page cache, so it survives
  `kill -9` of the server (or any crash of the process) whatever `synchronous`
  says; that is the durability the service promises for an acknowledged rating.
  synchronous=NORMAL skips the fsync per commit (about 5 ms on this machine, half
  the p99 budget of a turn). Set CHATREC_SESSIONS_SYNC=full to also fsync every
  rating, which keeps acknowledged ratings through an OS crash or power loss.
* busy_timeout and short transactions: a turn reads the session, computes the reply
  outside any transaction, then writes its effects in one small transaction whose
  statements are idempotent merges (INSERT OR IGNORE, counter += 1), so two
  concurrent turns on one session never lose each other's updates.
* one connection per thread (sqlite3 connections must not be shared across
  threads), opened lazily so nothing is inherited across a fork.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chatrec.errors import NotFound, UsageError

#: what a session id may be; the HTTP schemas validate against the same pattern
SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT,               -- JSON-encoded so 42 and "42" round-trip as given
    turns INTEGER NOT NULL DEFAULT 0,
    last_query TEXT,            -- JSON of the last list request, for `more`
    page INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    rating REAL NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (session_id, item_id)
);
CREATE TABLE IF NOT EXISTS shown (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    PRIMARY KEY (session_id, item_id)
) WITHOUT ROWID;
"""


@dataclass
class SessionState:
    """What a turn needs to know about its conversation. Item ids are external ids
    as strings (the catalog resolves '42' and 42 alike)."""

    id: str
    user_id: int | str | None = None
    ratings: dict[str, float] = field(default_factory=dict)  # insertion = rating order
    shown: set[str] = field(default_factory=set)
    last_query: dict | None = None
    page: int = 0
    turns: int = 0
    created: float | None = None
    updated: float | None = None
    exists: bool = False


@dataclass
class TurnEffects:
    """What a turn changes; applied in one short transaction."""

    user_id: int | str | None = None
    set_user: bool = False
    rating: tuple[str, float] | None = None
    shown: list[str] = field(default_factory=list)
    last_query: dict | None = None
    set_last_query: bool = False
    page: int | None = None


def validate_session_id(session_id: str) -> str:
    """Return the id if it is 1-64 of [A-Za-z0-9_-], else raise UsageError."""
    if not isinstance(session_id, str) or not SESSION_ID_RE.fullmatch(session_id):
        raise UsageError(
            "invalid session id: use 1-64 characters from A-Z, a-z, 0-9, '_' and '-'"
        )
    return session_id


def new_session_id() -> str:
    """A random, URL-safe, unguessable id (22 chars of [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(16)


class SessionStore:
    """Sessions in one SQLite file; safe across threads and processes."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self.fsync_ratings = os.environ.get("CHATREC_SESSIONS_SYNC", "").lower() == "full"
        conn = self._conn()
        with conn:
            conn.executescript(_SCHEMA)

    # ---- connection --------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN ourselves, so reads run outside
            # any transaction and writes take the lock only for their few statements.
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                check_same_thread=True,
            )
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: the write lock is
        taken up front, so two processes never deadlock upgrading a read lock."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # ---- reads -------------------------------------------------------------------
    def load(self, session_id: str) -> SessionState:
        """The state of a session; a fresh, not yet stored one if it does not exist."""
        conn = self._conn()
        row = conn.execute(
            "SELECT user_id, turns, last_query, page, created, updated FROM sessions "
            "WHERE id = ?", (session_id,),
        ).fetchone()
        if row is None:
            return SessionState(id=session_id)
        ratings = dict(conn.execute(
            "SELECT item_id, rating FROM ratings WHERE session_id = ? ORDER BY at, rowid",
            (session_id,),
        ).fetchall())
        shown = {r[0] for r in conn.execute(
            "SELECT item_id FROM shown WHERE session_id = ?", (session_id,))}
        return SessionState(
            id=session_id,
            user_id=json.loads(row[0]) if row[0] is not None else None,
            ratings={str(k): float(v) for k, v in ratings.items()},
            shown=shown,
            last_query=json.loads(row[2]) if row[2] else None,
            page=row[3], turns=row[1], created=row[4], updated=row[5], exists=True,
        )

    def get(self, session_id: str) -> SessionState:
        """Like load, but raises NotFound for a session that was never stored."""
        state = self.load(session_id)
        if not state.exists:
            raise NotFound(f"no session {session_id!r}")
        return state

    # ---- writes ------------------------------------------------------------------
    def apply(self, session_id: str, effects: TurnEffects) -> None:
        """Record one turn: create the session if needed, count the turn, merge the
        effects. Returns only after the commit (the turn is then acknowledged)."""
        conn = self._conn()
        now = time.time()
        durable = effects.rating is not None and self.fsync_ratings
        if durable:  # opt-in: survive power loss too, not only a process crash
            conn.execute("PRAGMA synchronous=FULL")
        try:
            with self._transaction():
                conn.execute(
                    "INSERT OR IGNORE INTO sessions (id, user_id, turns, created, updated) "
                    "VALUES (?, NULL, 0, ?, ?)", (session_id, now, now),
                )
                conn.execute(
                    "UPDATE sessions SET turns = turns + 1, updated = ? WHERE id = ?",
                    (now, session_id),
                )
                if effects.set_user:
                    conn.execute(
                        "UPDATE sessions SET user_id = ? WHERE id = ?",
                        (json.dumps(effects.user_id) if effects.user_id is not None
                         else None, session_id),
                    )
                if effects.rating is not None:
                    item, value = effects.rating
                    conn.execute(
                        "INSERT INTO ratings (session_id, item_id, rating, at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(session_id, item_id) "
                        "DO UPDATE SET rating = excluded.rating, at = excluded.at",
                        (session_id, str(item), float(value), now),
                    )
                if effects.shown:
                    conn.executemany(
                        "INSERT OR IGNORE INTO shown (session_id, item_id) VALUES (?, ?)",
                        [(session_id, str(i)) for i in effects.shown],
                    )
                if effects.set_last_query:
                    conn.execute(
                        "UPDATE sessions SET last_query = ?, page = ? WHERE id = ?",
                        (json.dumps(effects.last_query) if effects.last_query else None,
                         effects.page or 0, session_id),
                    )
                elif effects.page is not None:
                    conn.execute("UPDATE sessions SET page = ? WHERE id = ?",
                                 (effects.page, session_id))
        finally:
            if durable:
                conn.execute("PRAGMA synchronous=NORMAL")

    def delete(self, session_id: str) -> bool:
        """Forget a session. True if it existed."""
        with self._transaction() as conn:
            # explicit child deletes: correct even if foreign_keys were off elsewhere
            conn.execute("DELETE FROM ratings WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM shown WHERE session_id = ?", (session_id,))
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return cur.rowcount > 0

    def count(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
