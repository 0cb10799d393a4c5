"""Which session store to open, and the settings every store shares: the idle TTL and
the busy timeout. The only module here that knows the back ends; they never import it.
"""
from __future__ import annotations

import os

from chatrec.errors import UsageError
from chatrec.sessions.state import DEFAULT_BUSY_TIMEOUT, DEFAULT_TTL
from chatrec.sessions.store import SessionStore
from chatrec.units import parse_duration

#: the shortest idle TTL a setting may give: a shorter one deletes sessions in use (an
#: explicit `chatrec sessions prune --ttl 0s` may still clear everything)
MIN_SESSION_TTL = 60.0


def session_ttl(env=None) -> float:
    """Idle seconds before a session expires: $CHATREC_SESSION_TTL (e.g. 30d, 12h), else
    DEFAULT_TTL."""
    raw = (os.environ if env is None else env).get("CHATREC_SESSION_TTL")
    ttl = parse_duration(raw, "CHATREC_SESSION_TTL") if raw else DEFAULT_TTL
    if ttl < MIN_SESSION_TTL:
        raise UsageError(f"CHATREC_SESSION_TTL must be at least {MIN_SESSION_TTL:g} s, got "
                         f"{raw!r}: a shorter one deletes sessions while they are in use")
    return ttl


def busy_timeout(env=None) -> float:
    """Seconds a store call waits for a lock: $CHATREC_SESSIONS_BUSY_TIMEOUT, else 1 s."""
    raw = (os.environ if env is None else env).get("CHATREC_SESSIONS_BUSY_TIMEOUT")
    return parse_duration(raw, "CHATREC_SESSIONS_BUSY_TIMEOUT") if raw else DEFAULT_BUSY_TIMEOUT


def open_store(location=None) -> SessionStore:
    """The store for `location`: a `postgresql://` URL (PostgreSQL, chatrec/sessions/
    postgres.py) or a SQLite file path. None means $CHATREC_SESSIONS_URL when set,
    else the data home's SQLite file."""
    location = location or os.environ.get("CHATREC_SESSIONS_URL") or None
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from chatrec.sessions.postgres import PostgresSessionStore
        return PostgresSessionStore(location, busy_timeout_ms=int(busy_timeout() * 1000))
    if isinstance(location, str) and "://" in location:
        raise UsageError(f"CHATREC_SESSIONS_URL: unsupported sessions URL scheme in "
                         f"{location.split('://')[0]!r}; use postgresql://USER@HOST/DB "
                         "or a SQLite file path")
    from chatrec.data.home import sessions_db
    from chatrec.sessions.sqlite import SQLiteSessionStore

    return SQLiteSessionStore(location or sessions_db(),
                              busy_timeout_ms=int(busy_timeout() * 1000))
