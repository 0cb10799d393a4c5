"""Sessions in one SQLite file under the data home: the zero-setup store.

The database is shared by every front door and by several uvicorn worker processes, so:

* WAL mode: readers never block the single writer, and a commit is one append to
  the -wal file. A commit that returned is in the OS's page cache, so it survives
  `kill -9` of the server (or any crash of the process) whatever `synchronous`
  says; that is the durability the service promises for an acknowledged rating.
  synchronous=NORMAL skips the fsync per commit (about 5 ms on this machine, half
  the p99 budget of a turn). Set CHATREC_SESSIONS_SYNC=full to also fsync every
  rating, which keeps acknowledged ratings through an OS crash or power loss.
* busy_timeout and short transactions: a turn's effects are written in one small
  transaction of idempotent merges (INSERT OR IGNORE, ON CONFLICT UPDATE,
  counter += 1), so two concurrent turns on one session never lose an update.
* one connection per thread (sqlite3 connections must not be shared across
  threads), opened lazily so nothing is inherited across a fork.
* the schema is created or migrated on open: databases written by an older chatrec
  gain the new columns and tables, and keep their sessions.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from chatrec.errors import NotFound
from chatrec.sessions import TRANSCRIPT_KEEP, SessionState, TurnEffects

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT,               -- JSON-encoded so 42 and "42" round-trip as given
    turns INTEGER NOT NULL DEFAULT 0,
    last_query TEXT,            -- JSON of the last list request, for `more`/`refine`
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
CREATE TABLE IF NOT EXISTS seen (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    PRIMARY KEY (session_id, item_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transcript (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,         -- the turn number (sessions.turns after the turn)
    at REAL NOT NULL,
    turn TEXT NOT NULL,         -- JSON: message, reply, intent, items
    PRIMARY KEY (session_id, n)
) WITHOUT ROWID;
"""
# columns added to `sessions` after the first release: name -> declaration
_NEW_COLUMNS = {"last_items": "TEXT", "pending": "TEXT", "focus": "TEXT"}
_CHILD_TABLES = ("ratings", "shown", "seen", "transcript")


class SQLiteSessionStore:
    """Sessions in one SQLite file; safe across threads and processes."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self.fsync_ratings = os.environ.get("CHATREC_SESSIONS_SYNC", "").lower() == "full"
        self._migrate()

    def _migrate(self) -> None:
        conn = self._conn()
        conn.executescript(_SCHEMA)   # IF NOT EXISTS: safe when another process races
        have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
        for name, decl in _NEW_COLUMNS.items():
            if name not in have:
                try:
                    conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {decl}")
                except sqlite3.OperationalError as e:  # another process added it first
                    if "duplicate column" not in str(e):
                        raise

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
            "SELECT user_id, turns, last_query, page, created, updated, last_items, "
            "pending, focus FROM sessions WHERE id = ?", (session_id,),
        ).fetchone()
        if row is None:
            return SessionState(id=session_id)
        ratings = conn.execute(
            "SELECT item_id, rating FROM ratings WHERE session_id = ? ORDER BY at, rowid",
            (session_id,)).fetchall()
        shown = {r[0] for r in conn.execute(
            "SELECT item_id FROM shown WHERE session_id = ?", (session_id,))}
        seen = {r[0] for r in conn.execute(
            "SELECT item_id FROM seen WHERE session_id = ?", (session_id,))}
        return SessionState(
            id=session_id,
            user_id=_json(row[0]),
            ratings={str(k): float(v) for k, v in ratings},
            seen=seen, shown=shown,
            last_query=_json(row[2]), page=row[3], turns=row[1],
            created=row[4], updated=row[5],
            last_items=[str(i) for i in (_json(row[6]) or [])],
            pending=_json(row[7]), focus=row[8], exists=True,
        )

    def get(self, session_id: str, transcript: int = 0) -> SessionState:
        """Like load, but raises NotFound for a session that was never stored; with
        `transcript` > 0 the last that many turns, oldest first."""
        state = self.load(session_id)
        if not state.exists:
            raise NotFound(f"no session {session_id!r}")
        if transcript > 0:
            rows = self._conn().execute(
                "SELECT n, at, turn FROM transcript WHERE session_id = ? "
                "ORDER BY n DESC LIMIT ?", (session_id, int(transcript))).fetchall()
            state.transcript = [dict(json.loads(t), n=n, at=at) for n, at, t in reversed(rows)]
        return state

    # ---- writes ------------------------------------------------------------------
    def apply(self, session_id: str, effects: TurnEffects) -> None:
        """Record one turn: create the session if needed, count the turn, merge the
        effects. Returns only after the commit (the turn is then acknowledged)."""
        conn = self._conn()
        now = time.time()
        durable = bool(effects.ratings or effects.seen) and self.fsync_ratings
        if durable:  # opt-in: survive power loss too, not only a process crash
            conn.execute("PRAGMA synchronous=FULL")
        try:
            with self._transaction():
                self._write(conn, session_id, effects, now)
        finally:
            if durable:
                conn.execute("PRAGMA synchronous=NORMAL")

    def _write(self, conn, sid: str, fx: TurnEffects, now: float) -> None:
        conn.execute("INSERT OR IGNORE INTO sessions (id, user_id, turns, created, updated) "
                     "VALUES (?, NULL, 0, ?, ?)", (sid, now, now))
        turn_no = conn.execute(
            "UPDATE sessions SET turns = turns + 1, updated = ?, pending = ? WHERE id = ? "
            "RETURNING turns", (now, _dump(fx.pending), sid)).fetchone()[0]
        if fx.set_user:
            conn.execute("UPDATE sessions SET user_id = ? WHERE id = ?",
                         (_dump(fx.user_id), sid))
        if fx.ratings:
            conn.executemany(
                "INSERT INTO ratings (session_id, item_id, rating, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(session_id, item_id) DO UPDATE SET rating = excluded.rating, "
                "at = excluded.at", [(sid, str(i), float(v), now) for i, v in fx.ratings])
        if fx.seen:
            conn.executemany("INSERT OR IGNORE INTO seen (session_id, item_id) VALUES (?, ?)",
                             [(sid, str(i)) for i in fx.seen])
        if fx.shown:
            conn.executemany("INSERT OR IGNORE INTO shown (session_id, item_id) VALUES (?, ?)",
                             [(sid, str(i)) for i in fx.shown])
        if fx.set_last_query:
            conn.execute("UPDATE sessions SET last_query = ?, page = ? WHERE id = ?",
                         (_dump(fx.last_query), fx.page or 0, sid))
        elif fx.page is not None:
            conn.execute("UPDATE sessions SET page = ? WHERE id = ?", (fx.page, sid))
        if fx.set_focus:
            conn.execute("UPDATE sessions SET focus = ? WHERE id = ?",
                         (None if fx.focus is None else str(fx.focus), sid))
        if fx.last_items is not None:
            conn.execute("UPDATE sessions SET last_items = ? WHERE id = ?",
                         (json.dumps([str(i) for i in fx.last_items]), sid))
        if fx.transcript is not None:
            conn.execute("INSERT OR REPLACE INTO transcript (session_id, n, at, turn) "
                         "VALUES (?, ?, ?, ?)",
                         (sid, turn_no, now, json.dumps(fx.transcript, ensure_ascii=False)))
            conn.execute("DELETE FROM transcript WHERE session_id = ? AND n <= ?",
                         (sid, turn_no - TRANSCRIPT_KEEP))

    def delete(self, session_id: str) -> bool:
        """Forget a session. True if it existed."""
        with self._transaction() as conn:
            # explicit child deletes: correct even if foreign_keys were off elsewhere
            for table in _CHILD_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return cur.rowcount > 0

    def count(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM sessions").fetchone()[0]


def _json(raw):
    return json.loads(raw) if raw else None


def _dump(value) -> str | None:
    return json.dumps(value) if value is not None else None
