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
    """A one-line progress bar on stderr; plain lines when stderr is not a TTY."""

    def __init__(self, label: str, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = time.perf_counter()
        self._last_line = 0.0
        self._open = False   # a bar drawn on a TTY line that no newline has ended yet

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.perf_counter()
        finished = total > 0 and done >= total
        if not self.tty and not finished and now - self._last_line < 2.0:
            return  # logs: at most one line every 2 s
        self._last_line = now
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
        last step may never report done == total)."""
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
