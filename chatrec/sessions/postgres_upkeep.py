"""Upkeep of the PostgreSQL sessions store: expiry (prune), statistics, health, and
no_wait() — the same contract as chatrec/sessions/sqlite_upkeep.py."""
from __future__ import annotations

import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from chatrec.sessions.store import StoreHealth, StoreStats

_PRUNE_BATCH = 500          # sessions deleted per statement (each its own transaction)
_TABLES = ("sessions", "ratings", "shown", "seen", "transcript")


def redact(url: str) -> str:
    """The URL without its password, for messages (credentials are never shown)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresUpkeep:
    """Mixed into PostgresSessionStore (which provides _run, _local, url, backend)."""

    def prune(self, idle_seconds: float, now: float | None = None) -> int:
        """Delete sessions idle for more than `idle_seconds`, _PRUNE_BATCH per short
        transaction (their rows go with them: ON DELETE CASCADE). PostgreSQL's
        autovacuum gives the space back for reuse."""
        cutoff = (time.time() if now is None else now) - idle_seconds
        total = 0
        while True:
            n = self._run(lambda conn: conn.execute(
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE updated < %s "
                "LIMIT %s)", (cutoff, _PRUNE_BATCH)).rowcount)
            total += n
            if n < _PRUNE_BATCH:
                self._wrote()
                return total

    def stats(self, idle_seconds: float | None = None) -> StoreStats:
        def work(conn):
            n, oldest, newest = conn.execute(
                "SELECT COUNT(*), MIN(updated), MAX(updated) FROM sessions").fetchone()
            expired = 0 if idle_seconds is None else conn.execute(
                "SELECT COUNT(*) FROM sessions WHERE updated < %s",
                (time.time() - idle_seconds,)).fetchone()[0]
            ratings = conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
            turns = conn.execute("SELECT COUNT(*) FROM transcript").fetchone()[0]
            size = conn.execute("SELECT SUM(pg_total_relation_size(t::regclass)) FROM "
                                "unnest(%s::text[]) AS t", (list(_TABLES),)).fetchone()[0]
            return StoreStats(self.backend, redact(self.url), n, expired, ratings, turns,
                              int(size or 0), oldest, newest)
        return self._run(work)

    def check(self) -> StoreHealth:
        """Whether the last write failed for space or permission (write_health.py: then a
        probe write, at most every few seconds), else one `SELECT 1` (a read never
        waits for a writer's lock); never raises."""
        if (degraded := self._degraded()) is not None:
            return degraded
        try:
            self._run(lambda conn: conn.execute("SELECT 1").fetchone())
        except Exception as e:  # noqa: BLE001 - health must answer, whatever happened
            return StoreHealth(False, self.backend, str(e))
        return StoreHealth(True, self.backend, "ok")

    @contextmanager
    def no_wait(self):
        """Writes on this thread inside the block fail at once with StoreBusy instead
        of waiting for another writer's lock (lock_timeout 1 ms for their transaction)."""
        outer = getattr(self._local, "no_wait", False)
        self._local.no_wait = True
        try:
            yield
        finally:
            self._local.no_wait = outer
