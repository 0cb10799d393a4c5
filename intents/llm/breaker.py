"""A circuit breaker for a remote dependency (the LLM server): after `threshold`
consecutive failures, calls are skipped for `cooldown` seconds, so a dead or hung
server costs one timeout per cool-down instead of one per chat turn.

    breaker = CircuitBreaker(threshold=3, cooldown=30)
    skip = breaker.before_call()        # None: go ahead; else the reason to skip
    ... call ...; breaker.record(ok=True | False, reason="timeout after 8 s")

States: closed (calls go through) -> open after `threshold` failures in a row (calls
are skipped) -> half-open when the cool-down ends: exactly one probe call goes
through while the others are still skipped; its success closes the breaker, its
failure opens it for another cool-down. Thread-safe; the clock is injectable for tests.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

DEFAULT_THRESHOLD = 3
DEFAULT_COOLDOWN = 30.0


class CircuitBreaker:
    def __init__(self, threshold: int = DEFAULT_THRESHOLD,
                 cooldown: float = DEFAULT_COOLDOWN,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if threshold < 1:
            raise ValueError("the breaker threshold must be at least 1 failure")
        if cooldown <= 0:
            raise ValueError("the breaker cool-down must be a positive number of seconds")
        self.threshold, self.cooldown, self._clock = int(threshold), float(cooldown), clock
        self._lock = threading.Lock()
        self._failures = 0              # consecutive failures
        self._open_until: float | None = None
        self._probing = False           # a half-open probe is in flight
        self._last_reason = ""
        self.skipped = 0                # calls skipped while open (for metrics and tests)

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._open_until is None:
            return "closed"
        if self._clock() < self._open_until or self._probing:
            return "open"
        return "half-open"

    def before_call(self) -> str | None:
        """None when the call may go ahead; otherwise why it is skipped."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return None
            if state == "half-open":
                self._probing = True        # this caller is the probe; others wait
                return None
            self.skipped += 1
            wait = max(0.0, self._open_until - self._clock())
            when = (f"next try in {wait:.0f} s" if not self._probing
                    else "a probe call is in flight")
            return (f"LLM skipped: circuit open after {self._failures} consecutive "
                    f"failures (last: {self._last_reason}); {when}")

    def record(self, ok: bool, reason: str = "") -> None:
        """The outcome of a call that before_call() let through."""
        with self._lock:
            self._probing = False
            if ok:
                self._failures, self._open_until = 0, None
                return
            self._failures += 1
            self._last_reason = reason or "failure"
            if self._failures >= self.threshold:
                self._open_until = self._clock() + self.cooldown

    def __repr__(self) -> str:
        return (f"CircuitBreaker(threshold={self.threshold}, cooldown={self.cooldown:g}, "
                f"state={self.state!r})")
