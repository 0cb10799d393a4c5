"""Sessions in PostgreSQL: the store for several API hosts sharing one conversation.

Chosen by a `postgresql://` URL (CHATREC_SESSIONS_URL or `serve --sessions URL`); needs
the optional extra `pip install 'chatrec[postgres]'` (psycopg 3 and psycopg_pool).
Same semantics as the SQLite store (chatrec/sessions/sqlite.py):

* one transaction per turn, made of idempotent merges (INSERT ... ON CONFLICT,
  turns = turns + 1): the UPDATE of the session row takes its row lock first, so two
  concurrent turns on one session (two workers, two hosts) queue on it and neither
  loses an update; turns on different sessions never wait for each other.
* a turn's statements are sent in one pipeline (psycopg 3 pipeline mode), so a turn
  costs about one network round trip, not one per statement; the transcript row
  numbers itself from the session's turn counter inside the transaction.
* the schema is created or migrated on start (chatrec/sessions/postgres_schema.py),
  under an advisory lock so N workers starting together do not race on CREATE TABLE.
* owners: a turn on a session another owner (API key) created raises NotFound inside
  the same round trip (a guard statement), and writes nothing.
* locks: a writer waits at most the busy timeout (lock_timeout, CHATREC_SESSIONS_BUSY_
  TIMEOUT) for another's lock, then StoreBusy; inside no_wait() 1 ms. Reads never wait
  (MVCC). Expiry, statistics and health: chatrec/sessions/postgres_upkeep.py.
* a connection pool per worker process, opened lazily in the process that uses it
  (a pool's threads do not survive a fork); a forked child opens its own.
* durability as the SQLite store's: a turn commits with synchronous_commit=off, so
  it returns once PostgreSQL has it (in its WAL buffers, flushed within
  wal_writer_delay): an acknowledged rating survives `kill -9` of any chatrec server,
  not a crash of the database server itself. CHATREC_SESSIONS_SYNC=full makes turns
  that rate or mark films wait for the WAL flush (the server's own synchronous_commit:
  on by default, or stronger, e.g. a synchronous replica).

Connection problems (unreachable host, wrong credentials, missing database) raise
StoreUnavailable with one line naming the setting and the URL without its password.
"""
from __future__ import annotations

import json
import os
import threading
import time

from chatrec.errors import MissingExtra, NotFound, StoreBusy, StoreUnavailable
from chatrec.sessions.columns import row_updates, state_from_row, transcript_from_rows
from chatrec.sessions.postgres_schema import LOAD, migrate
from chatrec.sessions.postgres_upkeep import PostgresUpkeep, redact
from chatrec.sessions.state import (
    DEFAULT_BUSY_TIMEOUT,
    TRANSCRIPT_KEEP,
    SessionState,
    TurnEffects,
)
from chatrec.sessions.write_health import FULL, READ_ONLY, WriteHealth, describe

SETTING = "CHATREC_SESSIONS_URL"
def _one_line(exc: BaseException) -> str:
    """The first line of a driver message ('connection to server at ... failed: ...')."""
    text = str(exc).strip().splitlines()
    return " ".join(text[0].split()) if text else type(exc).__name__


class PostgresSessionStore(PostgresUpkeep, WriteHealth):
    """Sessions in a PostgreSQL database; safe across threads, processes and hosts."""

    backend = "postgres"
    blocking = True  # calls wait on the network: the HTTP app runs them in its pool

    def __init__(self, url: str, max_connections: int = 8, connect_timeout: float = 5.0,
                 busy_timeout_ms: int = int(DEFAULT_BUSY_TIMEOUT * 1000)):
        try:
            import psycopg  # noqa: F401
            import psycopg_pool  # noqa: F401
        except ImportError:
            raise MissingExtra(
                f"{SETTING}: a postgresql:// URL needs psycopg 3 and psycopg_pool; "
                "install them with: pip install 'chatrec[postgres]'") from None
        self.url = url
        self.max_connections = max_connections
        self.connect_timeout = connect_timeout
        self.busy_timeout_ms = max(1, int(busy_timeout_ms))
        self._local = threading.local()   # no_wait() is per thread
        self._pool = None
        self._pool_pid = None
        self._lock = threading.Lock()
        self.fsync_ratings = os.environ.get("CHATREC_SESSIONS_SYNC", "").lower() == "full"
        self._migrate()

    # ---- connections -------------------------------------------------------------
    def _fail(self, exc: BaseException) -> StoreUnavailable:
        return StoreUnavailable(f"{SETTING}: cannot use PostgreSQL at {redact(self.url)}: "
                                f"{_one_line(exc)}")

    def _get_pool(self):
        """This process's pool, opened on first use (and again after a fork). One
        direct connection first: it fails fast and says why (a pool only retries)."""
        if self._pool is not None and self._pool_pid == os.getpid():
            return self._pool
        import psycopg
        from psycopg_pool import ConnectionPool
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                timeout = max(1, int(self.connect_timeout))
                try:
                    psycopg.connect(self.url, connect_timeout=timeout).close()
                except psycopg.Error as e:
                    raise self._fail(e) from None
                pool = ConnectionPool(
                    self.url, min_size=1, max_size=self.max_connections, open=False,
                    timeout=self.connect_timeout, name="chatrec-sessions",
                    kwargs={"connect_timeout": timeout, "autocommit": True,
                            # a lock held longer than this by another writer: StoreBusy
                            "options": f"-c lock_timeout={self.busy_timeout_ms}"})
                pool.open(wait=True, timeout=self.connect_timeout)
                self._pool, self._pool_pid = pool, os.getpid()
        return self._pool

    def _run(self, work):
        """work(conn) on a pooled autocommit connection (a single statement is its own
        transaction: one round trip); a lock wait past the busy timeout is StoreBusy,
        a lost server StoreUnavailable: never a bare driver exception."""
        import psycopg
        from psycopg import errors
        from psycopg_pool import PoolTimeout
        try:
            with self._get_pool().connection() as conn:
                return work(conn)
        except errors.LockNotAvailable:
            waited = 0 if getattr(self._local, "no_wait", False) else self.busy_timeout_ms / 1000
            raise StoreBusy(f"the sessions database is busy: another writer held a lock "
                            f"for more than {waited:g} s; try again") from None
        except errors.NoDataFound:  # chatrec_not_owner(): the session is someone else's
            raise NotFound("unknown session") from None
        except (errors.DiskFull, errors.ReadOnlySqlTransaction) as e:  # write_health.py
            kind = FULL if isinstance(e, errors.DiskFull) else READ_ONLY
            message = describe(kind, redact(self.url), _one_line(e))
            self._write_failed(message)
            raise StoreUnavailable(message) from None
        except (psycopg.Error, PoolTimeout) as e:
            raise self._fail(e) from e

    def _migrate(self) -> None:
        self._run(migrate)

    def close(self) -> None:
        """Close this process's pool (it reopens on the next use)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and self._pool_pid == os.getpid():
            pool.close()

    # ---- reads -------------------------------------------------------------------
    def load(self, session_id: str) -> SessionState:
        """The state of a session; a fresh, not yet stored one if it does not exist."""
        row = self._run(lambda conn: conn.execute(LOAD, (session_id,)).fetchone())
        if row is None:
            return SessionState(id=session_id)
        *columns, rated, values, shown, seen = row
        return state_from_row(session_id, columns, zip(rated, values), seen, shown)

    def get(self, session_id: str, transcript: int = 0) -> SessionState:
        """Like load, but raises NotFound for a session that was never stored; with
        `transcript` > 0 the last that many turns, oldest first."""
        state = self.load(session_id)
        if not state.exists:
            raise NotFound(f"no session {session_id!r}")
        if transcript > 0:
            rows = self._run(lambda conn: conn.execute(
                "SELECT n, at, turn FROM transcript WHERE session_id = %s "
                "ORDER BY n DESC LIMIT %s", (session_id, int(transcript))).fetchall())
            state.transcript = transcript_from_rows(rows)
        return state

    def count(self) -> int:
        return self._run(lambda conn: conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    # ---- writes ------------------------------------------------------------------
    def apply(self, session_id: str, effects: TurnEffects, owner: str | None = None) -> None:
        """Record one turn: create the session (for `owner`) if needed, count the turn,
        merge the effects; returns only after the commit (the turn is then
        acknowledged). NotFound, with nothing written, if another owner has it."""
        now = time.time()

        durable = bool(effects.ratings or effects.seen) and self.fsync_ratings

        def work(conn):
            # BEGIN ... COMMIT queued in one pipeline: the whole turn is one round trip
            try:
                with conn.pipeline(), conn.cursor() as cur:
                    cur.execute("BEGIN")
                    if getattr(self._local, "no_wait", False):
                        cur.execute("SET LOCAL lock_timeout = 1")  # (0 would mean never)
                    if not durable:  # see the module docstring: SQLite's NORMAL
                        cur.execute("SET LOCAL synchronous_commit = off")
                    _write(cur, session_id, effects, now, owner)
                    cur.execute("COMMIT")
            except BaseException:
                if not conn.closed:
                    conn.rollback()
                raise
        self._run(work)
        self._wrote()

    def delete(self, session_id: str, owner: str | None = None) -> bool:
        """Forget a session of `owner` (its ratings, marks and transcript go with it).
        True if it existed and was theirs."""
        deleted = self._run(lambda conn: conn.execute(
            "DELETE FROM sessions WHERE id = %s AND owner IS NOT DISTINCT FROM %s",
            (session_id, owner)).rowcount > 0)
        self._wrote()
        return deleted

    def _probe_write(self) -> None:
        """One small write (write_health.py): the health_probe table's one row."""
        self._run(lambda conn: conn.execute(
            "INSERT INTO health_probe (id, at) VALUES (1, %s) ON CONFLICT (id) DO UPDATE "
            "SET at = excluded.at", (time.time(),)))


def _write(cur, sid: str, fx: TurnEffects, now: float, owner) -> None:
    """The statements of one turn, in the order the SQLite store runs them."""
    cur.execute("INSERT INTO sessions (id, user_id, turns, created, updated, owner) "
                "VALUES (%s, NULL, 0, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (sid, now, now, owner))
    # another owner's session: raise (P0002 -> NotFound) and the pipeline writes nothing
    cur.execute("SELECT chatrec_not_owner() FROM sessions WHERE id = %s "
                "AND owner IS DISTINCT FROM %s", (sid, owner))
    # takes the row lock: a concurrent turn on this session waits here until we commit
    cols = row_updates(fx)
    sets = "".join(f", {name} = %s" for name in cols)
    cur.execute(f"UPDATE sessions SET turns = turns + 1, updated = %s{sets} WHERE id = %s",
                (now, *cols.values(), sid))
    for table in ("ratings", "seen") if fx.retract else ():
        cur.executemany(f"DELETE FROM {table} WHERE session_id = %s AND item_id = %s",
                        [(sid, str(i)) for i in fx.retract])
    if fx.ratings:
        cur.executemany(
            "INSERT INTO ratings (session_id, item_id, rating, at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (session_id, item_id) DO UPDATE SET rating = excluded.rating, "
            "at = excluded.at, ord = nextval('rating_order')",
            [(sid, str(i), float(v), now) for i, v in fx.ratings])
    for table, ids in (("seen", fx.seen), ("shown", fx.shown)):
        if ids:
            cur.executemany(f"INSERT INTO {table} (session_id, item_id) VALUES (%s, %s) "
                            "ON CONFLICT DO NOTHING", [(sid, str(i)) for i in ids])
    if fx.transcript is not None:
        turn = json.dumps(fx.transcript, ensure_ascii=False)
        cur.execute("INSERT INTO transcript (session_id, n, at, turn) "
                    "SELECT id, turns, %s, %s FROM sessions WHERE id = %s "
                    "ON CONFLICT (session_id, n) DO UPDATE SET at = excluded.at, "
                    "turn = excluded.turn", (now, turn, sid))
        cur.execute("DELETE FROM transcript WHERE session_id = %s AND n <= "
                    "(SELECT turns FROM sessions WHERE id = %s) - %s",
                    (sid, sid, TRANSCRIPT_KEEP))

