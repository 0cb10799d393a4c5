"""Where a turn runs (chatrec/server/offloop.py): short messages on the event loop, long
ones (whose parse cost is not bounded) in the thread pool one at a time, so `/health`
and the short turns never wait behind them (issue 18: 4 long messages stalled /health
15.5 s)."""
from __future__ import annotations

import statistics
import threading
import time

from fastapi.testclient import TestClient

from chatrec.server.app import create_app
from chatrec.server.offloop import HEAVY_QUEUE, LOOP_MESSAGE_MAX, is_heavy
from tests.chatrec.fakes import tiny_service

LONG = ("like ," * 400)[:2000]   # the worst case


class CostlyParser:
    """The tiny parser, plus CPU work (pure Python, holding the GIL as a real parse does)
    for long messages; records the thread of every parse."""

    name, blocking = "tiny", False

    def __init__(self, inner, seconds: float):
        self.inner, self.seconds, self.threads = inner, seconds, []

    def parse(self, text):
        self.threads.append((len(text), threading.get_ident()))
        if len(text) > LOOP_MESSAGE_MAX:
            end = time.perf_counter() + self.seconds
            while time.perf_counter() < end:
                sum(range(200))
        return self.inner.parse(text[:LOOP_MESSAGE_MAX])


def app_with(tmp_path, seconds):
    svc = tiny_service(tmp_path / "s.db", client_session_ids=False)
    svc.parser = CostlyParser(svc.parser, seconds)
    return create_app(svc), svc.parser


def test_what_is_heavy():
    assert not is_heavy("movies like alien") and not is_heavy("x" * LOOP_MESSAGE_MAX)
    assert is_heavy("x" * (LOOP_MESSAGE_MAX + 1)) and is_heavy(LONG)


def test_long_turns_run_off_the_event_loop_and_short_ones_on_it(tmp_path):
    app, parser = app_with(tmp_path, 0.0)
    with TestClient(app) as c:
        loop_thread = c.portal.call(threading.get_ident)
        assert c.post("/chat", json={"message": "i loved fargo"}).status_code == 200
        assert c.post("/chat", json={"message": LONG}).status_code == 200
    (short, on), (long_, off) = parser.threads
    assert (short, long_) == (13, 2000)
    assert on == loop_thread and off != loop_thread
    assert app.state.heavy_lane.ran == 1


def test_health_answers_while_four_worst_case_turns_run(tmp_path):
    """/health p50 < 50 ms, and no probe waits for a whole turn, while 4 turns of
    0.8 s of CPU each are in flight (on the event loop every probe would wait for them:
    up to 3.2 s)."""
    app, _ = app_with(tmp_path, 0.8)
    with TestClient(app) as c:
        results = []
        turns = [threading.Thread(target=lambda: results.append(
            c.post("/chat", json={"message": LONG}).status_code)) for _ in range(4)]
        for t in turns:
            t.start()
        time.sleep(0.1)
        probes = []
        while any(t.is_alive() for t in turns):
            t0 = time.perf_counter()
            assert c.get("/health").status_code == 200
            probes.append(time.perf_counter() - t0)
            time.sleep(0.02)
        for t in turns:
            t.join()
    assert results == [200] * 4
    assert len(probes) >= 20, probes       # the turns ran one after another: >= 3.2 s
    assert statistics.median(probes) < 0.05 and max(probes) < 0.5, probes


def test_too_many_waiting_long_turns_get_a_503_at_once(tmp_path):
    app, _ = app_with(tmp_path, 0.0)
    with TestClient(app, raise_server_exceptions=False) as c:
        app.state.heavy_lane.waiting = HEAVY_QUEUE + 1   # as if that many were queued
        t0 = time.perf_counter()
        r = c.post("/chat", json={"message": LONG})
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert "long messages" in r.json()["detail"] and time.perf_counter() - t0 < 1
        assert c.post("/chat", json={"message": "hi"}).status_code == 200  # short: as ever
        app.state.heavy_lane.waiting = 0
        assert c.post("/chat", json={"message": LONG}).status_code == 200
