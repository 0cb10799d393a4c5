"""The SQLite sessions schema and how a database written by an older chatrec is
migrated (the PostgreSQL side: chatrec/sessions/postgres_schema.py)."""
from __future__ import annotations

import sqlite3

from chatrec.sessions.columns import NEW_COLUMNS

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
CREATE TABLE IF NOT EXISTS health_probe (  -- one row, rewritten by a degraded store's
    id INTEGER PRIMARY KEY,                 -- check() to learn that writes work again
    at REAL NOT NULL,                       -- (chatrec/sessions/write_health.py)
    pad BLOB
);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Create what is missing; safe when another process does the same at once."""
    conn.executescript(_SCHEMA)   # IF NOT EXISTS: safe when another process races
    have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    for name, decl in NEW_COLUMNS.items():
        if name not in have:
            try:
                conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {decl}")
            except sqlite3.OperationalError as e:  # another process added it first
                if "duplicate column" not in str(e):
                    raise
    conn.execute("CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated)")
