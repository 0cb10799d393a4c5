"""What browsers and probes see around the API (issue 18): security headers on the page,
its static files and the report (chatrec/server/page_headers.py); HEAD wherever GET works
(chatrec/server/head.py); no session id in the access log (chatrec/server/access_log.py)."""
from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from chatrec.server.access_log import SessionIdRedaction, redact
from chatrec.server.app import create_app
from tests.chatrec.fakes import tiny_service


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with TestClient(create_app(tiny_service(tmp_path / "s.db")),
                    raise_server_exceptions=False) as c:
        yield c


def test_the_page_and_its_files_carry_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    for rule in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                 "object-src 'none'"):
        assert rule in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    # the page loads only files from its own origin, each with nosniff
    for path in ("/static/app.js", "/static/complete.js", "/static/app.css"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"


def test_the_report_runs_no_script(client):
    r = client.get("/report")
    assert r.status_code in (200, 503)  # 503: the plotting extra is not installed
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/health", "/items?search=alien", "/items/1/similar",
                                  "/static/app.js", "/metrics", "/openapi.json", "/docs"])
def test_head_works_wherever_get_does(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if "content-length" in get.headers and path not in ("/metrics",):  # metrics move
        assert head.headers["content-length"] == get.headers["content-length"]


def test_head_is_not_a_way_around_methods(client):
    assert client.head("/chat").status_code == 405          # POST only
    sid = client.post("/chat", json={"message": "hi"}).json()["session_id"]
    assert client.head(f"/sessions/{sid}").status_code == 200
    assert client.head("/sessions/nope").status_code == 404


def test_session_ids_never_reach_the_access_log(tmp_path):
    create_app(tiny_service(tmp_path / "s.db"))  # installs the filter
    assert redact("/sessions/abc_DEF-123") == "/sessions/{session_id}"
    assert redact("/sessions/abc?x=1") == "/sessions/{session_id}?x=1"
    assert redact("/items?search=alien") == "/items?search=alien"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "DELETE",
                               "/sessions/s3cret-id", "1.1", 200), None)
    assert SessionIdRedaction().filter(record)
    assert "s3cret" not in record.getMessage() and "{session_id}" in record.getMessage()
    assert any(isinstance(f, SessionIdRedaction)
               for f in logging.getLogger("uvicorn.access").filters)
