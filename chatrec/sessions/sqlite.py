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
* a bounded busy timeout (CHATREC_SESSIONS_BUSY_TIMEOUT, 1 s): a lock held longer by
  another process is a typed StoreBusy (HTTP 503 + Retry-After), and inside `no_wait()`
  (the HTTP app's event loop) a call never waits at all.
* the file is watched: deleted or replaced while running, read-only, or not a SQLite
  file is a StoreUnavailable with one clear line, never a write into a deleted inode.
* expiry: an index on `updated` makes `prune` cheap; new databases use incremental
  auto-vacuum so a prune gives the space back to the file system.
* a turn's load reads the connection's own copy of the session while no other
  connection has committed (sqlite_cache.py), and WAL checkpoints run in a background
  thread, not inside one turn's COMMIT (sqlite_checkpoint.py).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from chatrec.errors import NotFound, StoreUnavailable
from chatrec.sessions.columns import (
    STATE_COLUMNS,
    row_updates,
    state_from_row,
    transcript_from_rows,
)
from chatrec.sessions.sqlite_cache import LoadCache
from chatrec.sessions.sqlite_checkpoint import SAFETY_PAGES, Checkpointer
from chatrec.sessions.sqlite_errors import Guard, NoWait
from chatrec.sessions.sqlite_schema import migrate
from chatrec.sessions.sqlite_upkeep import (
    SQLiteUpkeep,
    check_file,
    delete_ids,
    file_identity,
    open_error,
)
from chatrec.sessions.state import (
    DEFAULT_BUSY_TIMEOUT,
    TRANSCRIPT_KEEP,
    SessionState,
    TurnEffects,
)
from chatrec.sessions.write_health import WriteHealth

_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False)
_COLUMNS = ", ".join(STATE_COLUMNS)
_WAL_LIMIT = 8 * 1024 * 1024  # the -wal file is cut back to this after a checkpoint
_ITEMS = ("SELECT 0, item_id, rating, at, rowid FROM ratings WHERE session_id = ? "
          "UNION ALL SELECT 1, item_id, NULL, NULL, NULL FROM shown WHERE session_id = ? "
          "UNION ALL SELECT 2, item_id, NULL, NULL, NULL FROM seen WHERE session_id = ? "
          "ORDER BY 1, 4, 5")


class SQLiteSessionStore(SQLiteUpkeep, WriteHealth):
    """Sessions in one SQLite file; safe across threads and processes."""

    backend = "sqlite"
    blocking = False  # local file: inside no_wait() a call never waits (module docstring)

    def __init__(self, path: str | Path,
                 busy_timeout_ms: int = int(DEFAULT_BUSY_TIMEOUT * 1000)):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self.fsync_ratings = os.environ.get("CHATREC_SESSIONS_SYNC", "").lower() == "full"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreUnavailable(open_error(self.path, e)) from None
        with self._errors():
            self._migrate()
        self._identity = file_identity(self.path)
        problem = check_file(self.path, self._identity)
        if problem:
            raise StoreUnavailable(f"the sessions database {problem}")
        self._checkpoints = Checkpointer(self.path, self._identity)  # off the turn's path

    def _migrate(self) -> None:
        migrate(self._conn())

    # ---- connection and errors ---------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        """This thread's connection: inside no_wait() a second one whose busy timeout
        is 0 (two connections, so no PRAGMA has to flip the timeout on every call)."""
        local = self._local
        name = "nowait_conn" if getattr(local, "no_wait", False) else "conn"
        conn = getattr(local, name, None)
        if conn is None:
            conn = self._open(0 if name == "nowait_conn" else self.busy_timeout_ms)
            setattr(local, name, conn)
        return conn

    def _cache(self, conn) -> LoadCache:
        """The sessions `conn` last read or wrote (sqlite_cache.py)."""
        caches = self._local.__dict__.setdefault("caches", {})
        cache = caches.get(id(conn))
        if cache is None or cache.conn is not conn:
            cache = caches[id(conn)] = LoadCache(conn)
        return cache

    def _open(self, busy_timeout_ms: int) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves, so reads run outside
        # any transaction and writes take the lock only for their few statements.
        new = not self.path.exists() or self.path.stat().st_size == 0
        # set up with the normal timeout: switching to WAL may wait for a lock
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000,
                               isolation_level=None, check_same_thread=True)
        if new:  # only takes before WAL mode writes the file's header
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT}")
        conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")  # sqlite_checkpoint.py
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        return conn

    def _errors(self, write: bool = False) -> Guard:
        """Driver errors -> StoreBusy / StoreUnavailable (sqlite_errors.py; a write that
        fails for space or permission says so and marks the store degraded). For a
        write, first refuse a file that was deleted or replaced since it was opened (the
        write would go to an unlinked inode and vanish at the next start)."""
        if write and file_identity(self.path) != self._identity:
            raise StoreUnavailable(
                f"the sessions database {self.path} was deleted or replaced while chatrec "
                "was running; restart it")
        return Guard(self, write)

    @contextmanager
    def _transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: the write lock is
        taken up front, so two processes never deadlock upgrading a read lock. A failed
        COMMIT (a full disk) may have rolled back already: then there is nothing to
        roll back, and the error that says why is the one raised."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def _probe_write(self) -> None:
        """One write, without waiting for a lock (write_health.py); 64 KiB, more than a
        turn writes, so that room left by a failed turn's frames is no false 'ok'."""
        with self.no_wait(), self._errors(write=True), self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO health_probe (id, at, pad) "
                         "VALUES (1, ?, zeroblob(65536))", (time.time(),))

    def no_wait(self) -> NoWait:
        """Calls on this thread inside the block fail at once with StoreBusy instead
        of sleeping in SQLite's busy handler."""
        return NoWait(self._local)

    def close(self) -> None:
        """Close this thread's connections (others close when their thread ends) and
        the background checkpoints' one."""
        self._checkpoints.close()
        for name in ("conn", "nowait_conn"):
            conn = getattr(self._local, name, None)
            if conn is not None:
                conn.close()
                setattr(self._local, name, None)
        self._local.__dict__.pop("caches", None)

    # ---- reads -------------------------------------------------------------------
    def load(self, session_id: str) -> SessionState:
        """The state of a session; a fresh, not yet stored one if it does not exist."""
        with self._errors():
            conn = self._conn()
            cache = self._cache(conn)
            entry = cache.get(session_id)
            if entry is None:
                entry = self._load(conn, session_id)
                if entry is None:
                    return SessionState(id=session_id)
                cache.put(session_id, entry)
            return state_from_row(session_id, *entry)

    def _load(self, conn, session_id: str) -> tuple | None:
        """(row, ratings, seen, shown) as stored; None if there is no such session."""
        row = conn.execute(f"SELECT {', '.join(STATE_COLUMNS)} FROM sessions WHERE id = ?",
                           (session_id,)).fetchone()
        if row is None:
            return None
        # the three item tables in one statement (a turn's reads were 4 of its ~11):
        # kind 0 ratings in rating order, 1 shown, 2 seen
        ratings, shown, seen = [], set(), set()
        for kind, item, rating, _at, _row in conn.execute(_ITEMS, (session_id,) * 3):
            if kind == 0:
                ratings.append((item, rating))
            else:
                (shown if kind == 1 else seen).add(item)
        return row, tuple(ratings), frozenset(seen), frozenset(shown)

    def get(self, session_id: str, transcript: int = 0) -> SessionState:
        """Like load, but raises NotFound for a session that was never stored; with
        `transcript` > 0 the last that many turns, oldest first."""
        state = self.load(session_id)
        if not state.exists:
            raise NotFound(f"no session {session_id!r}")
        if transcript > 0:
            with self._errors():
                rows = self._conn().execute(
                    "SELECT n, at, turn FROM transcript WHERE session_id = ? "
                    "ORDER BY n DESC LIMIT ?", (session_id, int(transcript))).fetchall()
            state.transcript = transcript_from_rows(rows)
        return state

    # ---- writes ------------------------------------------------------------------
    def apply(self, session_id: str, effects: TurnEffects, owner: str | None = None) -> None:
        """Record one turn: create the session (for `owner`) if needed, count the turn,
        merge the effects. Returns only after the commit (the turn is then
        acknowledged). NotFound, with nothing written, if another owner has it."""
        with self._errors(write=True):
            conn = self._conn()
            now = time.time()
            durable = bool(effects.ratings or effects.seen) and self.fsync_ratings
            if durable:  # opt-in: survive power loss too, not only a process crash
                conn.execute("PRAGMA synchronous=FULL")
            cache = self._cache(conn)
            prior = cache.entries.pop(session_id, None)   # a failed turn leaves none
            try:
                with self._transaction():
                    row = self._write(conn, session_id, effects, now, owner)
            finally:
                if durable:
                    conn.execute("PRAGMA synchronous=NORMAL")
            cache.wrote(session_id, row, effects, prior)
        self._checkpoints.committed()

    def _write(self, conn, sid: str, fx: TurnEffects, now: float, owner) -> tuple:
        """The turn's statements; returns the session row as written (STATE_COLUMNS)."""
        # one statement: a new session is stored with this turn's columns and turn 1;
        # a known one of this owner counts the turn and takes the columns; another
        # owner's is left alone and returns no row
        cols = row_updates(fx)
        names = "".join(f", {name}" for name in cols)
        sets = "".join(f", {name} = excluded.{name}" for name in cols)
        row = conn.execute(
            f"INSERT INTO sessions (id, turns, created, updated, owner{names}) "
            f"VALUES (?, 1, ?, ?, ?{', ?' * len(cols)}) "
            f"ON CONFLICT(id) DO UPDATE SET turns = turns + 1, updated = excluded.updated"
            f"{sets} WHERE sessions.owner IS excluded.owner RETURNING {_COLUMNS}",
            (sid, now, now, owner, *cols.values())).fetchone()
        if row is None:  # someone else's session: to this caller it does not exist
            raise NotFound(f"unknown session {sid!r}")
        turn_no = row[1]
        for table in ("ratings", "seen") if fx.retract else ():
            conn.executemany(f"DELETE FROM {table} WHERE session_id = ? AND item_id = ?",
                             [(sid, str(i)) for i in fx.retract])
        if fx.ratings:
            conn.executemany(
                "INSERT INTO ratings (session_id, item_id, rating, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(session_id, item_id) DO UPDATE SET rating = excluded.rating, "
                "at = excluded.at", [(sid, str(i), float(v), now) for i, v in fx.ratings])
        for table, ids in (("seen", fx.seen), ("shown", fx.shown)):
            if ids:
                conn.executemany(f"INSERT OR IGNORE INTO {table} (session_id, item_id) "
                                 "VALUES (?, ?)", [(sid, str(i)) for i in ids])
        if fx.transcript is not None:
            conn.execute("INSERT OR REPLACE INTO transcript (session_id, n, at, turn) "
                         "VALUES (?, ?, ?, ?)",
                         (sid, turn_no, now, _encode(fx.transcript)))
            if turn_no > TRANSCRIPT_KEEP:   # turns are numbered from 1: else none to cut
                conn.execute("DELETE FROM transcript WHERE session_id = ? AND n <= ?",
                             (sid, turn_no - TRANSCRIPT_KEEP))
        return row

    def delete(self, session_id: str, owner: str | None = None) -> bool:
        """Forget a session of `owner`. True if it existed and was theirs."""
        with self._errors(write=True), self._transaction() as conn:
            self._cache(conn).drop(session_id)
            if conn.execute("SELECT 1 FROM sessions WHERE id = ? AND owner IS ?",
                            (session_id, owner)).fetchone() is None:
                return False
            delete_ids(conn, [session_id])
        return True

    def count(self) -> int:
        with self._errors():
            return self._conn().execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
