"""Running a turn without ever making the event loop wait, or stall.

A normal turn is ~0.5 ms of CPU and a few µs of SQLite, so it runs on the event loop
inside the store's `no_wait()`: a database locked by another process makes it fail at
once, and only then is it retried in the thread pool, where it may wait for the lock up
to the store's busy timeout (then 503 + Retry-After) unless the lock looks long-held
(lock_gate.py: then the 503 comes at once). A parser that may block on I/O (the LLM
one), or a store on the network, always runs in the thread pool.

A turn whose CPU cost is not bounded runs in the thread pool as well (`HeavyLane`): a
message longer than LOOP_MESSAGE_MAX characters (issue 18: a 2,000-character message
cost the rule parser seconds, and on the event loop `/health` waited behind it). Every
message of the parser corpora is shorter (the longest is 70 characters), so normal
turns keep the event loop's speed. Heavy turns go one at a time per worker: threads do
not run Python in parallel, and each extra CPU-bound thread lengthens the event loop's
wait for the GIL; while one runs, the switch interval is shortened so the event loop
gets the GIL back within a millisecond. At most HEAVY_QUEUE heavy turns wait; more get
a 503 + Retry-After at once (`Overloaded`). This holds with an LLM parser too (the
cascade's first pass is the same rule parse), so long messages to an LLM-backed server
are answered one at a time per worker.
"""
from __future__ import annotations

import asyncio
import sys

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from chatrec.errors import Overloaded, StoreBusy
from chatrec.server.lock_gate import LockGate
from chatrec.service import ChatService

#: characters of a message above which a turn runs in the thread pool (module docstring)
LOOP_MESSAGE_MAX = 80
#: heavy turns that may wait for the lane at once; more are refused (503)
HEAVY_QUEUE = 16
#: the GIL switch interval while a heavy turn runs (Python's default is 5 ms)
HEAVY_SWITCH_INTERVAL = 0.0005


def is_heavy(message) -> bool:
    """Whether a turn on `message` may cost more CPU than the event loop can afford."""
    return isinstance(message, str) and len(message) > LOOP_MESSAGE_MAX


class HeavyLane:
    """One heavy turn at a time, in the thread pool, with a bounded queue (one lane per
    app; the event loop is its only caller, so no lock)."""

    def __init__(self, queue: int = HEAVY_QUEUE) -> None:
        self.queue = queue
        self.waiting = 0          # turns in the lane: running or waiting to run
        self.ran = 0              # heavy turns run so far (tests, metrics)
        self._turn: asyncio.Lock | None = None
        self._interval = sys.getswitchinterval()

    async def run(self, call):
        if self.waiting > self.queue:
            raise Overloaded(f"{self.queue} long messages are already waiting on this "
                             "server; try again in a moment")
        if self._turn is None:
            self._turn = asyncio.Lock()
        self.waiting += 1
        try:
            async with self._turn:
                self._interval = sys.getswitchinterval()
                sys.setswitchinterval(min(self._interval, HEAVY_SWITCH_INTERVAL))
                try:
                    self.ran += 1
                    return await run_in_threadpool(call)
                finally:
                    sys.setswitchinterval(self._interval)
        finally:
            self.waiting -= 1


async def run_turn(request: Request, svc: ChatService, call, heavy: bool = False):
    """`call()`, which reads or writes the session store, without ever waiting on the
    event loop (see the module docstring). heavy: its CPU cost is not bounded."""
    state = request.app.state
    if heavy:
        return await state.heavy_lane.run(call)
    if svc.parser_blocks or svc.sessions.blocking:
        return await run_in_threadpool(call)
    gate: LockGate = state.lock_gate
    try:
        with svc.sessions.no_wait():
            result = call()
        gate.free()
        return result
    except StoreBusy:
        pass  # another process holds the write lock right now: wait for it off the loop
    refusal = gate.refusal()
    if refusal is not None:           # a long lock: answer at once (chatrec/server/lock_gate.py)
        raise StoreBusy(f"the sessions database is busy ({refusal}); try again")
    ticket, ran_out = gate.start(), True
    try:
        result = await run_in_threadpool(call)
        ran_out = False
        return result
    finally:
        gate.finish(ticket, ran_out)
