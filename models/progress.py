"""Progress reporting for long jobs, without a dependency.

Models accept an optional `progress` callable `(done, total, message) -> None`;
the service passes one that draws a bar on stderr. The default does nothing.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Callable

Progress = Callable[[int, int, str], None]


def silent(done: int, total: int, message: str = "") -> None:
    """The default progress callback: report nothing."""


class StderrProgress:
    """A one-line progress bar on stderr; plain lines when stderr is not a TTY.

    Plain lines (logs) come at most one every `every` seconds, but the latest report is
    never left unprinted: one that arrives too soon is written when its 2 s are up,
    unless a newer one came meanwhile. A step that starts right after another ends
    ("rank-blend done", then "fitting hybrid (about 2 min)") is therefore in the log
    while it runs (at ML-25M size the log said "rank-blend done" and then nothing for
    three minutes)."""

    def __init__(self, label: str, stream=None, every: float = 2.0):
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self.start = time.perf_counter()
        self._last_line = -float("inf")
        self._open = False   # a bar drawn on a TTY line that no newline has ended yet
        self._lock = threading.Lock()
        self._pending: tuple[int, int, str] | None = None   # a plain line held back
        self._timer: threading.Timer | None = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        with self._lock:
            now = time.perf_counter()
            finished = total > 0 and done >= total
            wait = self._last_line + self.every - now
            if not self.tty and not finished and wait > 0:
                self._pending = (done, total, message)   # logs: at most one line per 2 s
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
            self._write(done, total, message, now)

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self._pending is not None:
                self._write(*self._pending, time.perf_counter())

    def _write(self, done: int, total: int, message: str, now: float) -> None:
        self._pending = None   # what is written now supersedes a held-back line
        self._last_line = now
        finished = total > 0 and done >= total
        frac = done / total if total else 0.0
        bar = "#" * int(frac * 20)
        text = f"{self.label} [{bar:<20}] {done}/{total} {message} {now - self.start:.1f}s"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
            self._open = not finished
            if finished:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line, so what is printed next starts on its own line (a
        last step may never report done == total); a held-back log line is dropped."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._pending = None
            if self._open:
                self.stream.write("\n")
                self.stream.flush()
                self._open = False


class LazyProgress:
    """A progress bar on stderr that appears only when preparing is slow (first run:
    fetch and train), so that ordinary starts print nothing before the prompt.

    The clock starts at the first report, after the imports: loading up-to-date
    artifacts reports every step within a fraction of a second, training does not.
    A step still running `after` seconds after it was reported (one long fit says
    "fitting hybrid (about 2 min)" and nothing more until it ends) is drawn then, by a
    timer, instead of only when the next step reports.
    """

    def __init__(self, label: str = "chatrec: preparing models", after: float = 0.5):
        self.label, self.after, self.first, self.bar = label, after, None, None
        self._pending: tuple[int, int, str] | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        with self._lock:
            now = time.perf_counter()
            if self.bar is None:
                if self.first is None:
                    self.first = now
                if total > 0 and done >= total:
                    # the last step ended and nothing was drawn: a warm start is over
                    # (on a loaded machine its "3/3 up to date" can come after `after`
                    # seconds, before the timer ran); a bar at 100% would say nothing
                    self._pending = None
                    return
                if now - self.first < self.after:
                    self._pending = (done, total, message)
                    if self._timer is None:
                        self._timer = threading.Timer(self.after, self._draw_pending)
                        self._timer.daemon = True
                        self._timer.start()
                    return
                self.bar = StderrProgress(self.label)
            self._pending = None
            self.bar(done, total, message)

    def _draw_pending(self) -> None:
        with self._lock:
            if self.bar is None and self._pending is not None:
                self.bar = StderrProgress(self.label)
                self.bar(*self._pending)
            self._pending = None

    def finish(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._pending = None
            if self.bar is not None:
                self.bar.finish()
