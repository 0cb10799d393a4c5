"""Running a turn without ever making the event loop wait.

A turn is ~0.5 ms of CPU and a few µs of SQLite, so it runs on the event loop inside
the store's `no_wait()`: a database locked by another process makes it fail at once,
and only then is it retried in the thread pool, where it may wait for the lock up to
the store's busy timeout (then 503 + Retry-After) unless the lock looks long-held
(lock_gate.py: then the 503 comes at once). A parser that may block on I/O (the LLM
one), or a store on the network, always runs in the thread pool.
"""
from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from chatrec.errors import StoreBusy
from chatrec.server.lock_gate import LockGate
from chatrec.service import ChatService


async def run_turn(request: Request, svc: ChatService, call):
    """`call()`, which reads or writes the session store, without ever waiting on the
    event loop (see the module docstring)."""
    state = request.app.state
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
