"""Issue 18's protocol findings against a real `chatrec serve` (uvicorn + h11), where the
framing and the access log actually happen: both Transfer-Encoding and Content-Length,
two Content-Types, HEAD, and session ids in the access log at --log-level info."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

pytestmark = pytest.mark.movielens


def exchange(port: int, request: bytes, timeout: float = 5.0) -> tuple[bytes, bool]:
    """Send raw bytes; (everything the server sent, whether it closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data, closed, deadline = b"", False, time.monotonic() + timeout
        sock.settimeout(0.5)
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                if b"\r\n\r\n" in data:
                    break           # an answer, and the connection stays open
                continue
            if not chunk:
                closed = True
                break
            data += chunk
        return data, closed


def test_protocol_edges_on_a_real_server(trained_home, servers):
    s = servers(trained_home, 1, "--log-level", "info")
    body = b'{"message": "i loved fargo"}'
    both = (b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n"
            % (len(body), len(body), body))
    answer, closed = exchange(s.port, both)
    assert answer.startswith(b"HTTP/1.1 400") and b"both Transfer-Encoding" in answer
    assert closed, "the connection must not be reused after conflicting framing"

    two_types = (b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                 b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(body), body))
    answer, _ = exchange(s.port, two_types)
    assert answer.startswith(b"HTTP/1.1 400") and b"more than one Content-Type" in answer

    with httpx.Client(base_url=s.url) as c:
        for path in ("/", "/health"):
            head, get = c.head(path), c.get(path)
            assert head.status_code == 200 and head.content == b"", path
            assert head.headers["content-length"] == get.headers["content-length"]
        assert c.get("/").headers["x-frame-options"] == "DENY"
        sid = c.post("/chat", json={"message": "i loved fargo"}).json()["session_id"]
        assert c.get(f"/sessions/{sid}").status_code == 200
        assert c.delete(f"/sessions/{sid}").status_code == 200
    time.sleep(0.3)  # the access log line is written after the response
    log = s.output()
    assert "GET /sessions/{session_id} HTTP/1.1" in log, log[-2000:]
    assert "DELETE /sessions/{session_id}" in log
    assert sid not in log


def test_the_page_works_under_its_content_security_policy(trained_home, servers):
    """The CSP (chatrec/server/page_headers.py) must not block anything the page does:
    headless Chromium loads it from a real server, one turn is sent, and the browser
    reports no policy violation (a listener injected before the page's own scripts)."""
    from tests.chatrec.cdp import Browser, find_chromium

    binary = find_chromium()
    if binary is None:
        pytest.fail("headless Chromium is required; apt-get install -y chromium")
    s = servers(trained_home)
    browser = Browser(binary)
    try:
        browser.call("Page.enable")
        browser.call("Page.addScriptToEvaluateOnNewDocument", source=(
            "window.__csp = []; document.addEventListener('securitypolicyviolation', "
            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"))
        browser.call("Page.navigate", url=s.url + "/")
        browser.wait_for("document.readyState === 'complete' && "
                         "!!document.querySelector('[data-testid=greeting]')")
        browser.eval("document.getElementById('message').focus()")
        browser.type_text("movies like star wars")
        browser.press_enter()
        browser.wait_for("document.querySelectorAll('[data-testid=film-item]').length > 0")
        assert browser.eval("window.__csp") == []
        # the style sheet applied (a blocked one would leave the default layout)
        assert browser.eval("getComputedStyle(document.querySelector('.composer'))"
                            ".position") in ("fixed", "sticky")
    finally:
        browser.close()
