"""Running a turn without ever making the event loop wait, or stall.

A normal turn is ~0.5 ms of CPU and a few µs of SQLite, so it runs on the event loop
inside the store's `no_wait()`: a database locked by another process makes it fail at
once, and only then is it retried in the thread pool, where it may wait for the lock up
to the store's busy timeout (then 503 + Retry-After) unless the lock looks long-held
(lock_gate.py: then the 503 comes at once). A parser that may block on I/O (the LLM
one), or a store on the network, always runs in the thread pool.

A turn whose CPU cost could stall other requests goes to the heavy lane (`HeavyLane`)
instead: a message longer than LOOP_MESSAGE_MAX characters (issue 18: a 2,000-character
message cost the rule parser seconds, and on the event loop `/health` waited behind it).
Since issue 17 the parser is linear (bench/bench_parse_worst.py: the worst 2,000-character
message parses in ~30 ms), so a message up to LOOP_MESSAGE_MAX costs at most a few ms and
real conversations (ReDial: 99% of seekers' messages are shorter) keep the event
loop's speed. Should a turn on the event loop still use more than SLOW_TURN of CPU, the
lane turns strict for STRICT_FOR seconds, and meanwhile every message longer than
STRICT_MESSAGE_MAX characters goes there too.

A lane turn runs in the thread pool, and its parse in a child process with a deadline
(chatrec/server/parse_process.py), so the lane's thread waits on a pipe and the event
loop never waits for the GIL behind a parse. Lane turns go one at a time per worker; at
most HEAVY_QUEUE wait, and more get a 503 + Retry-After at once (`Overloaded`). A parser
that waits on I/O (the LLM's, whose cascade also starts with the rule parse) has no
parse process: its lane turns parse in the lane's thread, with the GIL switch interval
shortened meanwhile so the event loop gets the GIL back within a millisecond; long
messages to an LLM-backed server are answered one at a time per worker.
"""
from __future__ import annotations

import asyncio
import sys
import time

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from chatrec.errors import Overloaded, StoreBusy
from chatrec.server.lock_gate import LockGate
from chatrec.server.parse_process import LANE
from chatrec.service import ChatService

#: characters of a message above which a turn runs in the heavy lane (module docstring)
LOOP_MESSAGE_MAX = 300
#: ... and while strict (after a slow turn on the event loop); the median message has 22
STRICT_MESSAGE_MAX = 24
#: CPU seconds of one turn on the event loop that make the lane strict (p99 is ~2 ms;
#: a worst-case 300-character message ~5 ms)
SLOW_TURN = 0.02
#: seconds the lane stays strict after the last slow turn
STRICT_FOR = 10.0
#: heavy turns that may wait for the lane at once; more are refused (503)
HEAVY_QUEUE = 16
#: the GIL switch interval while a heavy turn runs (Python's default is 5 ms)
HEAVY_SWITCH_INTERVAL = 0.0005


def is_heavy(message, strict: bool = False) -> bool:
    """Whether a turn on `message` may cost more CPU than the event loop can afford."""
    return isinstance(message, str) and len(message) > (
        STRICT_MESSAGE_MAX if strict else LOOP_MESSAGE_MAX)


class HeavyLane:
    """One heavy turn at a time, in the thread pool, with a bounded queue (one lane per
    app; the event loop is its only caller, so no lock)."""

    def __init__(self, queue: int = HEAVY_QUEUE) -> None:
        self.queue = queue
        self.waiting = 0          # turns in the lane: running or waiting to run
        self.ran = 0              # heavy turns run so far (tests, metrics)
        self.strict_until = 0.0   # monotonic time until which the lane is strict
        self._turn: asyncio.Lock | None = None
        self._interval = sys.getswitchinterval()

    def takes(self, message) -> bool:
        """Whether a turn on `message` runs here rather than on the event loop."""
        return is_heavy(message, time.monotonic() < self.strict_until)

    def slow_turn(self) -> None:
        """A turn on the event loop used more than SLOW_TURN of CPU: be strict."""
        self.strict_until = time.monotonic() + STRICT_FOR

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
                    return await run_in_threadpool(_in_lane, call)
                finally:
                    sys.setswitchinterval(self._interval)
        finally:
            self.waiting -= 1


def _in_lane(call):
    """call() on a pool thread marked as the lane's: its parse runs in the parse process
    (chatrec/server/parse_process.py) when the service has one."""
    LANE.active = True
    try:
        return call()
    finally:
        LANE.active = False


async def run_turn(request: Request, svc: ChatService, call, message: str | None = None):
    """`call()`, which reads or writes the session store, without ever waiting on the
    event loop (see the module docstring); `message`: the chat message it answers."""
    state = request.app.state
    lane: HeavyLane = state.heavy_lane
    if message is not None and lane.takes(message):
        return await lane.run(call)
    if svc.parser_blocks or svc.sessions.blocking:
        return await run_in_threadpool(call)
    gate: LockGate = state.lock_gate
    try:
        with svc.sessions.no_wait():
            cpu = time.thread_time()   # CPU time: another process's load does not count
            result = call()
            if time.thread_time() - cpu > SLOW_TURN:
                lane.slow_turn()
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
