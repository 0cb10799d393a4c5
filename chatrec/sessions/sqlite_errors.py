"""How the SQLite store's calls fail: `Guard` turns sqlite3 errors into the typed ones
of chatrec.errors (StoreBusy for a lock, StoreUnavailable otherwise, with a write that
failed for space or permission named as such and remembered: write_health.py), and
`NoWait` is the block of `no_wait()`. Both are classes with __slots__: they run on
every call."""
from __future__ import annotations

import sqlite3

from chatrec.errors import StoreBusy, StoreUnavailable
from chatrec.sessions.write_health import FULL, IO_ERROR, READ_ONLY, describe

#: SQLite result codes (sqlite3 errors carry them as `sqlite_errorname`) of a write
#: that failed for lack of space or permission, not because of the database itself
_WRITE_FAILURES = (("SQLITE_FULL", FULL), ("SQLITE_READONLY", READ_ONLY),
                   ("SQLITE_IOERR", IO_ERROR), ("SQLITE_CANTOPEN", READ_ONLY))


def write_failure(exc: sqlite3.Error) -> str | None:
    """FULL, READ_ONLY or IO_ERROR for an error of that kind, else None."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, kind in _WRITE_FAILURES:
        if name.startswith(prefix):
            return kind
    text = str(exc)  # older SQLite builds: the message only
    if "disk is full" in text:
        return FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    return IO_ERROR if "disk I/O error" in text else None


class Guard:
    """The context of every store call (store._errors(write))."""

    __slots__ = ("store", "write")

    def __init__(self, store, write: bool = False):
        self.store, self.write = store, write

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        store = self.store
        if exc is None:
            if self.write:
                store._wrote()
            return False
        if isinstance(exc, sqlite3.OperationalError):
            text = str(exc)
            if "locked" in text or "busy" in text:
                waited = 0 if getattr(store._local, "no_wait", False) else \
                    store.busy_timeout_ms / 1000
                raise StoreBusy(f"the sessions database is busy: another process held its "
                                f"lock for more than {waited:g} s; try again") from None
        if isinstance(exc, sqlite3.DatabaseError):  # "not a database", "malformed", ...
            failure = write_failure(exc) if self.write else None
            if failure is not None:
                message = describe(failure, str(store.path), str(exc))
                store._write_failed(message)
                raise StoreUnavailable(message) from None
            raise StoreUnavailable(f"the sessions database {store.path} cannot be used: "
                                   f"{exc}") from None
        return False


class NoWait:
    """The block of `no_wait()`."""

    __slots__ = ("local", "before")

    def __init__(self, local):
        self.local = local

    def __enter__(self):
        self.before = getattr(self.local, "no_wait", False)
        self.local.no_wait = True
        return self

    def __exit__(self, *exc):
        self.local.no_wait = self.before
        return False
