"""The SQLite store's sessions as this connection last read or wrote them.

A turn loads its session (a row and its rated, seen and shown films: two statements
and a loop over every film the session was shown) and then writes it; the next turn
loads what this connection just wrote. Here the raw rows are kept per connection and
used while `PRAGMA data_version` says that no other connection (another thread's,
another process's) committed anything since: a commit by anyone else empties the
cache, so a load never returns what another writer has changed. The connection's own
writes keep it current: `apply` stores the row its upsert returned plus the films it
added, and a turn that rates or takes back films (whose order in the table depends
on row ids) just drops its entry, as do `delete` and `prune`.

Entries are raw values (the row tuple, (item, rating) pairs, item id sets): every load
builds a new SessionState from them, decoding the JSON columns again, so nothing a
turn does to its state can reach the cache.
"""
from __future__ import annotations

#: sessions kept per connection, the oldest going first (an HTTP worker has a
#: connection per thread of its pool: this bounds the memory, ~1-2 MB each)
MAX_SESSIONS = 256


class LoadCache:
    """session id -> (row, ratings, seen, shown) for one connection."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.version = None
        self.entries: dict[str, tuple] = {}

    def _changed(self) -> bool:
        """Whether another connection committed since the last look (then emptied)."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self.version:
            return False
        self.entries.clear()
        self.version = version
        return True

    def get(self, session_id: str):
        self._changed()
        return self.entries.get(session_id)

    def put(self, session_id: str, entry: tuple) -> None:
        if len(self.entries) >= MAX_SESSIONS:
            self.entries.pop(next(iter(self.entries)))
        self.entries[session_id] = entry

    def wrote(self, session_id: str, row, fx, prior) -> None:
        """After this connection committed a turn's effects `fx`: `row` is the session
        row as written (STATE_COLUMNS), `prior` the entry the turn started from."""
        if self._changed():              # someone else wrote too: nothing is certain
            return
        if fx.ratings or fx.retract:
            return                       # rating order is the table's: load it again
        if row[1] == 1:                  # turns == 1: the session was just created
            prior = (None, (), frozenset(), frozenset())
        if prior is None:
            return
        _, ratings, seen, shown = prior
        self.put(session_id, (tuple(row), ratings,
                              seen | {str(i) for i in fx.seen} if fx.seen else seen,
                              shown | {str(i) for i in fx.shown} if fx.shown else shown))

    def drop(self, session_id: str | None = None) -> None:
        """Forget one session (None: all of them)."""
        if session_id is None:
            self.entries.clear()
        else:
            self.entries.pop(session_id, None)
