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


def test_reason_labels_are_categories():
    """Finding (issue 18): an upstream echoing text into its errors made one series per
    distinct reason; now every reason maps to a fixed category."""
    assert reason_label("timeout after 5 s") == "timeout"
    assert reason_label("http 503: Service Unavailable") == "http 5xx"
    assert reason_label("http 429: slow down, request 8f1e") == "http 4xx"
    assert reason_label("unknown intent 'dance'") == "unknown intent"
    assert reason_label("guard: title: 'Foo' is not in the message") == "guard"
    assert reason_label("LLM skipped: circuit open after 3 consecutive failures") == \
        "circuit open"
    assert reason_label("intent similar without a title") == "missing title"
    assert reason_label("echo: " + "x" * 500) == "other"
    labels = {reason_label(f"http {code}: {text}") for code in range(100, 600)
              for text in ("a", "b" * 300)}
    assert labels == {"http other", "http 4xx", "http 5xx"}


def test_invented_methods_paths_and_refused_requests_add_no_series(tmp_path, monkeypatch):
    """Finding (issue 18): any method name became a label (counted even on a 405, without
    a key, with a bad Host): 2,000 requests made /metrics 260 MB. 5,000 invented methods
    and paths later, the number of series is what it was after the first of each."""
    import random
    import string

    from chatrec.server.access import ApiKeys
    from chatrec.server.settings import ServerSettings

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    app = create_app(tiny_service(tmp_path / "s.db"), ServerSettings(
        trusted_hosts=("localhost", "testserver")), keys=ApiKeys(["k1"]))
    key = {"Authorization": "Bearer k1"}
    rng = random.Random(18)

    def word(n):
        return "".join(rng.choice(string.ascii_letters) for _ in range(n))

    def hostile(c, i):
        kind = i % 5
        if kind == 0:      # an invented method on a real route (405)
            return c.request(word(rng.randint(3, 300)).upper(), "/chat")
        if kind == 1:      # an invented path (404)
            return c.get("/" + word(rng.randint(1, 200)))
        if kind == 2:      # an invented method on an invented path
            return c.request(word(20), "/" + word(30) + "/" + word(5))
        if kind == 3:      # a bad Host: refused before it is counted
            return c.get("/" + word(10), headers={"host": word(12) + ".example"})
        return c.get("/items/" + word(8) + "/similar")   # no key: 401 of its route

    with TestClient(app, raise_server_exceptions=False) as c:
        for i in range(5):
            assert hostile(c, i).status_code in (400, 401, 404, 405)
        series = lambda: [k for k in scrape_with(c, key)  # noqa: E731
                          if k[0] == "chatrec_http_requests_total"]
        series()  # a scrape is counted too, after it rendered: its series exists now
        before = series()
        for i in range(5, 5005):
            hostile(c, i)
        after = series()
    assert len(before) == len(after) and set(before) == set(after)
    methods = {dict(k[1])["method"] for k in after}
    routes = {dict(k[1])["route"] for k in after}
    assert methods <= {"GET", "other"} and "other" in methods
    assert routes <= {"/chat", "unmatched", "/items/{item_id}/similar", "/metrics"}


def scrape_with(client, headers) -> dict[tuple, float]:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(r.text) for s in fam.samples}


def test_metrics_need_the_key_on_a_keyed_server(tmp_path, monkeypatch):
    from chatrec.server.access import ApiKeys

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with TestClient(create_app(tiny_service(tmp_path / "s.db"), keys=ApiKeys(["k1"]))) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert "chatrec_http_requests_total" in c.get(
            "/metrics", headers={"Authorization": "Bearer k1"}).text
