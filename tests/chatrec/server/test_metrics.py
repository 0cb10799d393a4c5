"""GET /metrics after a scripted conversation, parsed with prometheus_client's own
parser: every count matches what the conversation did."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from chatrec.server.app import create_app
from chatrec.server.metrics import reason_label
from tests.chatrec.fakes import tiny_service


def scrape(client) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of one scrape."""
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(r.text) for s in fam.samples}


class FallingBackLLM:
    """Stands in for the LLM parser: every second call 'times out' to the rules."""

    name, blocking = "llm", False

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def parse(self, text):
        self.calls += 1
        q = self.inner.parse(text)
        if self.calls % 2 == 0:
            from dataclasses import replace
            q = replace(q, parser="llm-fallback", fallback_reason="timeout after 5 s")
        return q


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    svc = tiny_service(tmp_path / "s.db")
    svc.parser = FallingBackLLM(svc.parser)
    with TestClient(create_app(svc), raise_server_exceptions=False) as c:
        yield c


def test_counts_match_a_scripted_conversation(client):
    script = ["hi", "movies like star wars", "i loved fargo", "i hated titanic",
              "movies like st", "recommend horror", "help"]
    sid = None
    for message in script:
        body = client.post("/chat", json={"message": message, "session_id": sid}).json()
        sid = body["session_id"]
    assert client.post("/chat", json={"message": ""}).status_code == 422
    assert client.get("/sessions/nope").status_code == 404
    m = scrape(client)
    turns = {dict(k[1])["intent"]: v for k, v in m.items() if k[0] == "chatrec_turns_total"}
    assert turns == {"greet": 1, "similar": 2, "rate": 2, "recommend": 1, "help": 1}
    assert m[("chatrec_ratings_stored_total", ())] == 2
    assert m[("chatrec_did_you_mean_total", ())] == 1          # "movies like st"
    assert m[("chatrec_parser_fallbacks_total", (("reason", "timeout"),))] == 3
    assert m[("chatrec_llm_call_seconds_count", (("outcome", "fallback"),))] == 3
    assert m[("chatrec_llm_call_seconds_count", (("outcome", "ok"),))] == 4
    req = lambda method, route, status: m[("chatrec_http_requests_total", (  # noqa: E731
        ("method", method), ("route", route), ("status", status)))]
    assert req("POST", "/chat", "200") == 7 and req("POST", "/chat", "422") == 1
    assert req("GET", "/sessions/{session_id}", "404") == 1
    assert m[("chatrec_turn_seconds_count", ())] == 8


def test_empty_lists_and_model_info(client):
    sid = client.post("/chat", json={"message": "i loved titanic"}).json()["session_id"]
    body = client.post("/chat", json={"message": "popular romance", "session_id": sid}).json()
    assert body["items"] == []          # the one romance is rated: nothing qualifies
    m = scrape(client)
    assert m[("chatrec_empty_lists_total", ())] == 1
    info = {dict(k[1])["route"]: dict(k[1])["model"] for k in m
            if k[0] == "chatrec_model_info"}
    assert info == {"recommend": "fake-mf", "similar": "fake-similar",
                    "popular": "popularity"}


def test_metrics_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_METRICS", "off")
    with TestClient(create_app(tiny_service(tmp_path / "s.db"))) as c:
        assert c.get("/metrics").status_code == 404
        assert c.post("/chat", json={"message": "hi"}).status_code == 200


def test_reason_labels_stay_few():
    assert reason_label("timeout after 5 s") == "timeout"
    assert reason_label("http 503: Service Unavailable") == "http 503"
    assert reason_label("unknown intent 'dance'") == "unknown intent 'dance'"
