"""WAL checkpoints of the SQLite sessions store, off the turn's path.

SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000
pages: that one turn copies the WAL's pages into the database and, at
synchronous=NORMAL, fsyncs both files, 5-20 ms on this machine, about one turn in 150,
and so most of a turn's p99 (bench/bench_turn.py). Here a commit only counts; every
`EVERY` commits of this process it wakes a background thread that runs a PASSIVE
checkpoint on a connection of its own (SQLite releases the GIL while it copies and
syncs, so the turn returns at once). Nothing changes for durability: a commit is in
the WAL when it returns, as before; a checkpoint only moves pages from the WAL into
the database file.

The thread is started by the first wake-up (with `_thread.start_new_thread`, which,
unlike `Thread.start`, does not wait for the new thread to be scheduled: on a busy
machine that wait took milliseconds of the turn) and ends after `IDLE` seconds with
nothing to do, so an idle store holds no thread. The turns' connections keep SQLite's
automatic checkpoint with a much higher threshold (`SAFETY_PAGES`), in case these
checkpoints cannot keep up (say, readers that keep the WAL pinned): the WAL stays
bounded either way.
"""
from __future__ import annotations

import _thread
import os
import sqlite3
import threading
import time
from contextlib import suppress
from pathlib import Path

#: commits of this process between two background checkpoints (a turn appends ~5-8
#: pages, so ~600 pages: below SQLite's own 1,000-page trigger)
EVERY = 100
#: the turns' connections checkpoint themselves only past this many WAL pages (16 MB)
SAFETY_PAGES = 4000
#: seconds without a wake-up after which the background thread ends
IDLE = 60.0


class Checkpointer:
    """`committed()` after each commit; checkpoints in the background now and then."""

    def __init__(self, path: Path, identity) -> None:
        self.path, self.identity = path, identity
        self._start()

    def _start(self) -> None:
        """Fresh state: at creation, and in a forked child (the parent's thread is not
        there, and its connection must not be used across the fork)."""
        self._pid = os.getpid()
        self._commits = 0
        self._wake = threading.Event()
        self._guard = threading.Lock()       # the thread's start and end
        self._alive = False
        self._running = threading.Lock()     # held while a checkpoint runs
        self._conn: sqlite3.Connection | None = None

    def committed(self) -> None:
        if self._pid != os.getpid():
            self._start()
        self._commits += 1
        if self._commits < EVERY:
            return
        self._commits = 0
        with self._guard:
            self._wake.set()
            if not self._alive:
                self._alive = True
                _thread.start_new_thread(self._loop, ())

    def _loop(self) -> None:
        while True:
            if not self._wake.wait(IDLE):
                with self._guard:
                    if not self._wake.is_set():   # else a wake-up just came: go on
                        self._alive = False
                        return
            with self._running:
                self._wake.clear()
                self.checkpoint()

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint; never raises (a busy or vanished database: skipped)."""
        from chatrec.sessions.sqlite_upkeep import file_identity
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

    def wait(self, timeout: float = 10.0) -> None:
        """Until no checkpoint is wanted or running (tests, and closing the store)."""
        deadline = time.monotonic() + timeout
        while (self._wake.is_set() or self._running.locked()) and \
                time.monotonic() < deadline:
            time.sleep(0.001)

    def close(self) -> None:
        self.wait()
        with self._running, suppress(sqlite3.Error):
            if self._conn is not None:
                self._conn.close()
                self._conn = None
