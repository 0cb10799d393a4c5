"""WAL checkpoints of the SQLite sessions store, off the turn's path.

SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000
pages: that one turn copies the WAL's pages into the database and, at
synchronous=NORMAL, fsyncs both files, 5-20 ms on this machine, about one turn in 150,
and so most of a turn's p99 (bench/bench_turn.py). Here a commit only counts; every
`EVERY` commits of this process a short-lived thread runs a PASSIVE checkpoint on a
connection of its own (SQLite releases the GIL while it copies and syncs, so the turn
that triggered it returns at once). Nothing changes for durability: a commit is in
the WAL when it returns, as before; a checkpoint only moves pages from the WAL into
the database file.

The turns' connections keep SQLite's automatic checkpoint, with a much higher
threshold (`SAFETY_PAGES`), in case these checkpoints cannot keep up (say, readers
that keep the WAL pinned): the WAL stays bounded either way.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

#: commits of this process between two background checkpoints (a turn appends ~5-8
#: pages, so ~600 pages: below SQLite's own 1,000-page trigger)
EVERY = 100
#: the turns' connections checkpoint themselves only past this many WAL pages (16 MB)
SAFETY_PAGES = 4000


class Checkpointer:
    """`committed()` after each commit; checkpoints in the background now and then."""

    def __init__(self, path: Path, identity) -> None:
        self.path, self.identity = path, identity
        self._commits = 0
        self._running = threading.Lock()   # one checkpoint at a time in this process
        self._conn: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        self._commits += 1
        if self._commits < EVERY or self._running.locked():
            return
        self._commits = 0
        self._thread = threading.Thread(target=self._run, name="chatrec-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from chatrec.sessions.sqlite_upkeep import file_identity
        if not self._running.acquire(blocking=False):
            return
        try:
            if file_identity(self.path) != self.identity:
                return        # deleted or replaced: the store reports it on its next write
            if self._conn is None:
                # mode=rw: never create a file where the database was (the store's
                # deleted-while-running check must keep seeing it missing); timeout 0:
                # a busy database just means the next time
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=rw",
                                             uri=True, timeout=0, isolation_level=None,
                                             check_same_thread=False)
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass          # busy, or the file went away: the safety threshold still holds
        finally:
            self._running.release()

    def wait(self) -> None:
        """Until the last checkpoint started has finished (tests, closing the store)."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def close(self) -> None:
        self.wait()
        with self._running, suppress(sqlite3.Error):
            if self._conn is not None:
                self._conn.close()
                self._conn = None
