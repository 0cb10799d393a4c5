"""Who may wait for the sessions database's write lock (the HTTP app's side of it).

A turn first tries the store without waiting; only when another writer holds the
lock does it wait, off the event loop, up to the store's busy timeout (1 s). Our own
writers hold the lock about a millisecond, so such waits are short. A lock held for
long is someone else's job (a backup, a bulk import, `sqlite3` left open): then every
turn that arrives would wait the whole busy timeout before its 503, and the p99 of all
traffic becomes the busy timeout. The gate stops that:

- once a wait has run out (StoreBusy after the full busy timeout), the lock is taken
  to be held long: turns get their 503 + Retry-After at once, without waiting, until
  one of them finds the lock free again (each turn's no-wait attempt is the free
  probe, so no one waits to find out);
- while a wait has already lasted LONG_WAIT, new turns do not queue behind it;
- at most MAX_WAITERS turns wait at once.

One gate per worker process; the event loop is its only caller, so no locking.
"""
from __future__ import annotations

import time
from typing import Callable

MAX_WAITERS = 16
LONG_WAIT = 0.1     # seconds: our own writers never hold the lock anywhere near this


class LockGate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._waits: dict[int, float] = {}   # ticket -> when its wait started
        self._next = 0
        self.held_long = False               # the last wait ran out; not yet free again

    @property
    def waiting(self) -> int:
        return len(self._waits)

    def refusal(self) -> str | None:
        """Why a turn that found the lock taken must not wait (None: it may)."""
        if self.held_long:
            return "another process has held it for a while"
        if len(self._waits) >= MAX_WAITERS:
            return f"{MAX_WAITERS} requests already wait for it"
        if self._waits and self._clock() - min(self._waits.values()) > LONG_WAIT:
            return "a request has waited for it for a while"
        return None

    def start(self) -> int:
        """A turn starts waiting; its ticket for finish()."""
        self._next += 1
        self._waits[self._next] = self._clock()
        return self._next

    def finish(self, ticket: int, ran_out: bool) -> None:
        """The wait ended: with the lock (ran_out False) or after the busy timeout."""
        self._waits.pop(ticket, None)
        self.held_long = ran_out

    def free(self) -> None:
        """A turn got the lock without waiting: it is not held."""
        self.held_long = False
