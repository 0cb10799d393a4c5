"""Upkeep of the SQLite sessions store: expiry (prune), statistics and health, and the
checks of the database file that need no connection.

File checks (is it still there, still the file we opened, writable) cost a stat, so
/health runs them on every call, and they answer at once even while another process
holds the write lock. They never open the file: closing any descriptor of a file drops
every POSIX lock the process holds on it, SQLite's included (the SQLite docs warn
against exactly this), so the header is read through SQLite itself (`check`).
"""
from __future__ import annotations

import os
import sqlite3
import time
from contextlib import suppress
from pathlib import Path

from chatrec.errors import StoreBusy, StoreUnavailable
from chatrec.sessions.store import StoreHealth, StoreStats

_CHILD_TABLES = ("ratings", "shown", "seen", "transcript")
_PRUNE_BATCH = 200            # sessions deleted per transaction: the lock is held briefly
_VACUUM_STEP = 2000           # pages given back per incremental-vacuum transaction


class SQLiteUpkeep:
    """Expiry, statistics and health for SQLiteSessionStore (which provides _conn, _cache,
    _errors, _transaction, no_wait, path, backend and _identity)."""

    # ---- expiry, statistics, health ----------------------------------------------
    def prune(self, idle_seconds: float, now: float | None = None) -> int:
        """Delete sessions idle for more than `idle_seconds`, _PRUNE_BATCH per
        transaction, then give the freed pages back to the file system."""
        cutoff = (time.time() if now is None else now) - idle_seconds
        total = 0
        with self._errors(write=True):
            while True:
                with self._transaction() as conn:
                    self._cache(conn).drop()      # sqlite_cache.py: this connection's own
                    ids = [r[0] for r in conn.execute(
                        "SELECT id FROM sessions WHERE updated < ? LIMIT ?",
                        (cutoff, _PRUNE_BATCH))]
                    delete_ids(conn, ids)
                total += len(ids)
                if len(ids) < _PRUNE_BATCH:
                    break
            if total:
                self._give_space_back()
        return total

    def _give_space_back(self) -> None:
        conn = self._conn()
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:  # incremental
            while conn.execute("PRAGMA freelist_count").fetchone()[0] > 0:
                conn.execute(f"PRAGMA incremental_vacuum({_VACUUM_STEP})").fetchall()
        # copy the WAL back and cut it to zero if nobody is using it right now;
        # never wait for that (no_wait): busy readers just mean "next time"
        with self.no_wait(), suppress(sqlite3.OperationalError):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def stats(self, idle_seconds: float | None = None) -> StoreStats:
        with self._errors():
            conn = self._conn()
            n, oldest, newest = conn.execute(
                "SELECT COUNT(*), MIN(updated), MAX(updated) FROM sessions").fetchone()
            expired = 0 if idle_seconds is None else conn.execute(
                "SELECT COUNT(*) FROM sessions WHERE updated < ?",
                (time.time() - idle_seconds,)).fetchone()[0]
            ratings = conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
            turns = conn.execute("SELECT COUNT(*) FROM transcript").fetchone()[0]
        size = sum(_size(Path(f"{self.path}{suffix}")) for suffix in ("", "-wal"))
        return StoreStats(self.backend, str(self.path), n, expired, ratings, turns, size,
                          oldest, newest)

    def check(self) -> StoreHealth:
        """The file (there, the same one, writable; a stat, no open), whether the last
        write failed for space or permission (write_health.py: then a probe write, at
        most every few seconds), and the header as SQLite reads it, without waiting: so
        it answers at once even while another process holds the write lock."""
        problem = check_file(self.path, self._identity)
        if problem is not None and "read-only" in problem:  # reads still work
            return StoreHealth(False, self.backend, f"the sessions database {problem}",
                               degraded=True)
        if problem is None and (degraded := self._degraded()) is not None:
            return degraded  # the last write failed for space or permission
        if problem is None:
            try:
                with self.no_wait(), self._errors():  # reads page 1: the header
                    self._conn().execute("PRAGMA schema_version").fetchone()
            except StoreBusy:
                pass  # a checkpoint or recovery holds it for a moment: not a fault
            except StoreUnavailable as e:
                return StoreHealth(False, self.backend, str(e))
        return StoreHealth(ok=problem is None, backend=self.backend,
                           detail=f"the sessions database {problem}" if problem else "ok")

def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, None if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def check_file(path: Path, identity: tuple[int, int] | None) -> str | None:
    """What is wrong with the database file, as the end of a sentence starting with
    "the sessions database", or None if nothing is."""
    now = file_identity(path)
    if now is None:
        return f"{path} is missing (deleted while chatrec was running?); restart chatrec"
    if identity is not None and now != identity:
        return f"{path} was replaced while chatrec was running; restart chatrec"
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return f"{path} is read-only: check the permissions of its folder ($CHATREC_HOME)"
    return None


def open_error(path: Path, error: OSError) -> str:
    """One line for a database that cannot even be created."""
    return (f"cannot create the sessions database {path}: {error.strerror or error} "
            "(is $CHATREC_HOME writable?)")


def delete_ids(conn, ids: list[str]) -> None:
    """Delete sessions and everything they hold, inside the caller's transaction."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    # explicit child deletes: correct even if foreign_keys were off elsewhere
    for table in _CHILD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE session_id IN ({marks})", ids)
    conn.execute(f"DELETE FROM sessions WHERE id IN ({marks})", ids)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
