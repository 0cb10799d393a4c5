"""chatrec/server/lock_gate.py with a fake clock: who may wait for the sessions lock."""
from __future__ import annotations

from chatrec.server.lock_gate import LONG_WAIT, MAX_WAITERS, LockGate


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_short_waits_are_allowed_side_by_side():
    clock = Clock()
    gate = LockGate(clock)
    first = gate.start()
    clock.now += LONG_WAIT / 2
    assert gate.refusal() is None            # our own writers: a millisecond each
    second = gate.start()
    gate.finish(first, ran_out=False)
    gate.finish(second, ran_out=False)
    assert gate.waiting == 0 and not gate.held_long


def test_no_queueing_behind_a_wait_that_has_lasted():
    clock = Clock()
    gate = LockGate(clock)
    ticket = gate.start()
    clock.now += LONG_WAIT * 2
    assert "waited for it for a while" in gate.refusal()
    gate.finish(ticket, ran_out=False)
    assert gate.refusal() is None


def test_a_wait_that_ran_out_refuses_until_a_turn_finds_the_lock_free():
    gate = LockGate(Clock())
    gate.finish(gate.start(), ran_out=True)
    assert "held it for a while" in gate.refusal()
    assert "held it for a while" in gate.refusal()      # still, however many ask
    gate.free()
    assert gate.refusal() is None


def test_at_most_max_waiters_wait_at_once():
    gate = LockGate(Clock())
    tickets = [gate.start() for _ in range(MAX_WAITERS)]
    assert f"{MAX_WAITERS} requests already wait" in gate.refusal()
    gate.finish(tickets[0], ran_out=False)
    assert gate.refusal() is None
