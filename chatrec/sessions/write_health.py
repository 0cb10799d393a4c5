"""Writes that fail for lack of space or permission (issue 18): named as such, and
remembered so that `check()` (and so /health) reports the store *degraded* until a
write succeeds again.

A full disk used to come back as "cannot rollback - no transaction is active" (the
real error masked by our ROLLBACK after SQLite had already rolled back), while
/health said "ok". Now the error says what happened, and nothing acknowledged is
lost: a turn is acknowledged only after its commit, and a failed commit writes
nothing.

What clears the state: any write that commits (a turn, a delete, a prune), or a probe
write that `check()` makes at most every PROBE_EVERY seconds while degraded (one row in
the `health_probe` table): so a server that a load balancer took out of rotation on
its 503 still notices when space comes back. Each worker process keeps its own state.
"""
from __future__ import annotations

import time

from chatrec.sessions.store import StoreHealth

PROBE_EVERY = 5.0     # seconds between probe writes while degraded

#: (kind, how it is said); kind is what the back end's error was classified as
FULL = "full"
READ_ONLY = "read-only"
IO_ERROR = "io"


def describe(kind: str, where: str, detail: str) -> str:
    """The message of a write that failed for `kind`, about the database at `where`."""
    if kind == FULL:
        text = f"the disk holding the sessions database {where} is full"
        fix = "free some space"
    elif kind == READ_ONLY:
        text = f"the sessions database {where} is read-only"
        fix = "check the permissions of the file and its folder, or the mount"
    else:
        text = f"the sessions database {where} cannot be written (disk I/O error)"
        fix = "check the disk (full, or failing?)"
    return (f"{text} ({detail}): this turn was not saved, and nothing saved before is "
            f"lost; {fix}")


class WriteHealth:
    """Mixed into a store; it provides `backend` and `_probe_write()` (one small write
    that raises on failure)."""

    _write_problem: str | None = None
    _probed_at: float = 0.0

    def _write_failed(self, message: str) -> None:
        self._write_problem = message
        self._probed_at = time.monotonic()  # the failure was the probe: next one later

    def _wrote(self) -> None:
        if self._write_problem is not None:
            self._write_problem = None

    def _degraded(self) -> StoreHealth | None:
        """The degraded health while writes fail (after a probe, when one is due);
        None when writes work."""
        if self._write_problem is None:
            return None
        now = time.monotonic()
        if now - self._probed_at >= PROBE_EVERY:
            self._probed_at = now
            try:
                self._probe_write()
            except Exception:  # noqa: BLE001 - still failing: the recorded reason stands
                pass
            else:
                self._write_problem = None
                return None
        problem = self._write_problem
        return None if problem is None else StoreHealth(False, self.backend, problem,
                                                        degraded=True)

    def _probe_write(self) -> None:
        raise NotImplementedError
