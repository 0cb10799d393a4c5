"""CircuitBreaker on a fake clock: closed -> open after N failures -> one half-open
probe -> closed or open again."""
from __future__ import annotations

import threading

import pytest

from intents.llm.breaker import CircuitBreaker


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_opens_after_consecutive_failures_only():
    clock = Clock()
    b = CircuitBreaker(threshold=3, cooldown=30, clock=clock)
    for _ in range(2):
        assert b.before_call() is None
        b.record(False, "timeout after 8 s")
    b.before_call()
    b.record(True)                              # a success resets the count
    for _ in range(2):
        b.before_call()
        b.record(False, "timeout after 8 s")
    assert b.state == "closed"
    b.before_call()
    b.record(False, "connection refused")
    assert b.state == "open"
    reason = b.before_call()
    assert reason == ("LLM skipped: circuit open after 3 consecutive failures (last: "
                      "connection refused); next try in 30 s")
    assert b.skipped == 1


def test_one_probe_after_the_cool_down():
    clock = Clock()
    b = CircuitBreaker(threshold=1, cooldown=10, clock=clock)
    b.before_call()
    b.record(False, "http 500: boom")
    clock.now += 9.5
    assert b.before_call().endswith("next try in 0 s")
    clock.now += 1
    assert b.state == "half-open"
    assert b.before_call() is None              # the probe
    assert "a probe call is in flight" in b.before_call()   # everyone else still skips
    b.record(False, "http 500: boom")           # the probe failed: another cool-down
    assert b.state == "open" and "next try in 10 s" in b.before_call()
    clock.now += 10
    assert b.before_call() is None
    b.record(True)
    assert b.state == "closed" and b.before_call() is None


def test_concurrent_callers_get_a_single_probe():
    clock = Clock()
    b = CircuitBreaker(threshold=1, cooldown=1, clock=clock)
    b.before_call()
    b.record(False, "timeout")
    clock.now += 2
    allowed = []
    barrier = threading.Barrier(8)

    def call():
        barrier.wait()
        allowed.append(b.before_call() is None)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 1


@pytest.mark.parametrize("threshold, cooldown", [(0, 30), (3, 0), (3, -1)])
def test_bad_settings(threshold, cooldown):
    with pytest.raises(ValueError):
        CircuitBreaker(threshold, cooldown)
