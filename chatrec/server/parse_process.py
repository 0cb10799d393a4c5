"""Long messages parsed in a child process, with a deadline.

A thread in the pool was not enough to keep the event loop responsive while a long
message is parsed (issue 18): the parse is pure Python and holds the GIL, so every
request on the event loop waits for it to let go, and on a loaded machine the parsing
thread is often descheduled while holding it (`/health` p99 21-115 ms over runs while
four 2,000-character turns ran, docs/benchmarks/reliability.md). A child process shares
no GIL with the server: the thread that waits for it sleeps on a pipe.

`ParseProcess` is one child, forked on first use from the worker that owns the parser
(it inherits the parser and its title index copy-on-write; nothing is pickled but the
text, the conversation context and the Query). A parse that takes longer than
PARSE_DEADLINE seconds kills the child (the next long message forks a fresh one) and
fails the turn with MessageTooComplex (422): the one bound on a turn's CPU that holds
whatever the parser does. `OffloadingParser` wraps the service's parser: a turn that
runs in the heavy lane (chatrec/server/offloop.py: a long message, or a shorter one
while the lane is strict) parses in the child; every other turn parses in place, on the
event loop. Only for parsers that compute (the rule parser): one that waits on I/O (the
LLM) keeps its state, such as its circuit breaker, in the server process.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading

from chatrec.errors import MessageTooComplex
from chatrec.parsers import memo_for, takes_context

log = logging.getLogger("chatrec.server.parse_process")
PARSE_DEADLINE = 10.0    # seconds one parse may take in the child
PARSE_NICE = 10          # added to the child's nice value (module docstring)
#: set on the thread that runs a heavy-lane turn (offloop.HeavyLane): parse in the child
LANE = threading.local()


class ParseProcess:
    """One child process that parses with a copy of `parser`; one parse at a time."""

    def __init__(self, parser, deadline: float | None = None):
        self.parser, self.deadline = parser, deadline
        self.pid: int | None = None
        self._lock = threading.Lock()
        self._proc = self._conn = None

    def parse(self, text: str, kwargs: dict):
        deadline = PARSE_DEADLINE if self.deadline is None else self.deadline
        with self._lock:
            conn = self._running()
            conn.send((text, kwargs))
            if not conn.poll(deadline):
                self._stop()   # it may never come back: a new child for the next one
                log.warning("a %d-character message took more than %g s to parse; "
                            "its parser process was stopped", len(text), deadline)
                raise MessageTooComplex(
                    f"this message took more than {deadline:g} s to understand; "
                    "please say it in fewer words")
            ok, value = conn.recv()
        if not ok:
            raise value
        return value

    def _running(self):
        if self._proc is None or not self._proc.is_alive():
            self._stop()
            ctx = multiprocessing.get_context("fork")
            mine, theirs = ctx.Pipe()
            self._proc = ctx.Process(target=_serve, args=(self.parser, theirs),
                                     name="chatrec-parse", daemon=True)
            self._proc.start()
            theirs.close()
            self._conn, self.pid = mine, self._proc.pid
        return self._conn

    def _stop(self) -> None:
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if conn is not None:
            conn.close()
        if proc is not None and proc.is_alive():
            proc.kill()
            proc.join(5)

    def close(self) -> None:
        with self._lock:
            self._stop()


def _serve(parser, conn) -> None:
    """The child: parse what arrives until the server closes its end of the pipe, at a
    lower CPU priority than the server (PARSE_NICE): on a busy machine the event loop
    is scheduled first, and a long parse takes the CPU that is left."""
    try:
        os.nice(PARSE_NICE)
    except OSError:  # not permitted: parse at the server's priority
        pass
    while True:
        try:
            text, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send((True, parser.parse(text, **kwargs)))
        except Exception as e:  # noqa: BLE001 - the server raises it as the parse's error
            try:
                conn.send((False, e))
            except Exception:  # noqa: BLE001 - not picklable: its words, then
                conn.send((False, RuntimeError(f"{type(e).__name__}: {e}")))


class OffloadingParser:
    """`parser`, whose heavy-lane turns parse in a ParseProcess."""

    def __init__(self, parser):
        self.inner = parser
        self.process = ParseProcess(parser)
        self._context = takes_context(parser)
        # as the inner parser: parse_in_context builds no conversation it would not read
        self._chatrec_takes_context = self._context

    def parse(self, text, context=None):
        kwargs = {"context": context} if self._context and context is not None else {}
        if getattr(LANE, "active", False):
            return self.process.parse(text, kwargs)
        memo = None if kwargs else memo_for(self.inner)  # the rule parser's, or None
        return memo(text) if memo is not None else self.inner.parse(text, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def offload_parses(svc) -> None:
    """Give `svc` an OffloadingParser, unless its parser waits on I/O (module docstring)
    or already has one."""
    if not svc.parser_blocks and not isinstance(svc.parser, OffloadingParser):
        svc.parser = OffloadingParser(svc.parser)


def close(svc) -> None:
    """Stop `svc`'s parse process, if it has one."""
    if svc is not None and isinstance(svc.parser, OffloadingParser):
        svc.parser.process.close()
