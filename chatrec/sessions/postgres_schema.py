"""The PostgreSQL sessions schema (the SQLite store's tables, PostgreSQL types), how a
database written by an older chatrec is migrated, and the one-round-trip session read."""
from __future__ import annotations

from chatrec.sessions.columns import NEW_COLUMNS, STATE_COLUMNS

#: any constant: the advisory lock key that serializes schema migrations
_MIGRATION_LOCK = 0x63686174726563

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS rating_order;
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT,               -- JSON-encoded so 42 and "42" round-trip as given
    turns INTEGER NOT NULL DEFAULT 0,
    last_query TEXT,            -- JSON of the last list request, for `more`/`refine`
    page INTEGER NOT NULL DEFAULT 0,
    created DOUBLE PRECISION NOT NULL,
    updated DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    rating DOUBLE PRECISION NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    ord BIGINT NOT NULL DEFAULT nextval('rating_order'),  -- rating order, latest last
    PRIMARY KEY (session_id, item_id)
);
CREATE TABLE IF NOT EXISTS shown (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    PRIMARY KEY (session_id, item_id)
);
CREATE TABLE IF NOT EXISTS seen (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    PRIMARY KEY (session_id, item_id)
);
CREATE TABLE IF NOT EXISTS transcript (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,         -- the turn number (sessions.turns after the turn)
    at DOUBLE PRECISION NOT NULL,
    turn TEXT NOT NULL,         -- JSON: message, reply, intent, items
    PRIMARY KEY (session_id, n)
);
CREATE TABLE IF NOT EXISTS health_probe (  -- one row: chatrec/sessions/write_health.py
    id INTEGER PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL
);
"""
_AFTER_COLUMNS = """
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions (updated);
CREATE OR REPLACE FUNCTION chatrec_not_owner() RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'session of another owner' USING ERRCODE = 'P0002'; END $$;
"""

LOAD = f"""
SELECT {", ".join(f"s.{name}" for name in STATE_COLUMNS)},
       ARRAY(SELECT r.item_id FROM ratings r WHERE r.session_id = s.id ORDER BY r.ord),
       ARRAY(SELECT r.rating FROM ratings r WHERE r.session_id = s.id ORDER BY r.ord),
       ARRAY(SELECT x.item_id FROM shown x WHERE x.session_id = s.id),
       ARRAY(SELECT x.item_id FROM seen x WHERE x.session_id = s.id)
FROM sessions s WHERE s.id = %s
"""


def migrate(conn) -> None:
    """Create or upgrade the schema in one transaction, under an advisory lock so N
    workers starting together do not race on CREATE TABLE."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute(_SCHEMA)
        for name, decl in NEW_COLUMNS.items():
            conn.execute(f"ALTER TABLE sessions ADD COLUMN IF NOT EXISTS {name} {decl}")
        conn.execute(_AFTER_COLUMNS)
