"""The web chat page in headless Chromium, driven over the DevTools protocol.

Two servers: a stdlib stub that serves the real page and a scripted /chat (page
behaviour, error display; no dataset needed), and a real `chatrec serve` process on
127.0.0.1 (end to end). A missing Chromium is a failure, not a skip: CI installs it.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.chatrec.cdp import Browser, find_chromium

PAGE = Path(__file__).resolve().parents[2] / "chatrec" / "static" / "index.html"
FILMS = "[data-testid=film-item]"
READY = "document.readyState === 'complete' && !!document.querySelector('[data-testid=message-input]')"


@pytest.fixture
def browser():
    binary = find_chromium()
    if binary is None:
        pytest.fail("headless Chromium is required for the web page test and was not found "
                    "on PATH; install it with: apt-get install -y chromium")
    b = Browser(binary)
    try:
        yield b
    finally:
        b.close()


def send(browser: Browser, text: str) -> None:
    """Focus the message box, type, press Enter: what a person does."""
    browser.eval("document.querySelector('[data-testid=message-input]').focus()")
    browser.type_text(text)
    browser.press_enter()


def film_texts(browser: Browser, at_least: int, timeout: float = 20.0) -> list[str]:
    expr = (f"(() => {{ const f = [...document.querySelectorAll('{FILMS}')]"
            f".map(e => e.textContent); return f.length >= {at_least} ? f : null; }})()")
    return browser.wait_for(expr, timeout=timeout)


# ---------------------------------------------------------------- stub server

class StubChat(BaseHTTPRequestHandler):
    """GET / -> the page; POST /chat -> a fixed film, or 422 for session 'bad id', 404
    for session 'gone' (expired), 401 without the key 'k1' when `needs_key` is set."""

    seen: list[dict] = []
    auth: list[str | None] = []
    needs_key = False

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        self._send(200, PAGE.read_bytes(), "text/html; charset=utf-8")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(body)
        self.auth.append(self.headers.get("Authorization"))
        if self.needs_key and self.headers.get("Authorization") != "Bearer k1":
            return self._send(401, json.dumps({"detail": "this server needs an API key"})
                              .encode())
        if body.get("session_id") == "gone":
            return self._send(404, json.dumps({"detail": "unknown session 'gone'"}).encode())
        if body.get("session_id") == "bad id":
            detail = [{"loc": ["body", "session_id"], "msg": "String should match pattern"}]
            return self._send(422, json.dumps({"detail": detail}).encode())
        film = {"item_id": 172, "title": "Empire Strikes Back, The", "year": 1980,
                "genres": ["Action", "Sci-Fi"], "score": 0.9, "reason": "same series"}
        reply = {"session_id": "s-1", "reply": "Because you asked: <b>" + body["message"],
                 "query": {}, "items": [film]}
        self._send(200, json.dumps(reply).encode())

    def _send(self, status, data, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def stub_url():
    StubChat.seen, StubChat.auth, StubChat.needs_key = [], [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_page_shows_films_keeps_session_and_displays_4xx(browser, stub_url):
    browser.call("Page.navigate", url=stub_url)
    browser.wait_for(READY)
    send(browser, "movies like star wars")
    texts = film_texts(browser, 1)
    assert texts == ["The Empire Strikes Back (1980) — Action, Sci-Fisame series"]
    assert StubChat.seen[0] == {"message": "movies like star wars"}
    # the reply is text, never HTML; the session id is remembered; focus returns
    assert browser.eval("document.querySelector('#log b')") is None
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"
    assert browser.eval("document.activeElement.dataset.testid") == "message-input"
    send(browser, "more please")
    film_texts(browser, 2)
    assert StubChat.seen[1] == {"message": "more please", "session_id": "s-1"}
    # a 4xx is shown in the alert region, with the field and message
    browser.eval("localStorage.setItem('chatrec.session_id', 'bad id')")
    send(browser, "hello")
    error = browser.wait_for("document.querySelector('[data-testid=error]').textContent")
    assert error.startswith("Error 422: session_id: String should match pattern")
    assert browser.eval("localStorage.getItem('chatrec.session_id')") is None


def test_an_expired_session_starts_a_new_conversation_with_the_same_message(browser,
                                                                          stub_url):
    browser.call("Page.navigate", url=stub_url)
    browser.wait_for(READY)
    browser.eval("localStorage.setItem('chatrec.session_id', 'gone')")
    send(browser, "movies like star wars")
    film_texts(browser, 1)
    assert StubChat.seen == [{"message": "movies like star wars", "session_id": "gone"},
                             {"message": "movies like star wars"}]
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"
    note = browser.eval("document.querySelector('[data-testid=error]').textContent")
    assert "new one" in note


def test_a_server_with_api_keys_asks_for_one_and_sends_it(browser, stub_url):
    StubChat.needs_key = True
    browser.call("Page.navigate", url=stub_url)
    browser.wait_for(READY)
    browser.eval("window.prompt = () => ' k1 '")  # what the person types
    send(browser, "hi")
    film_texts(browser, 1)
    assert StubChat.auth == [None, "Bearer k1"]
    assert browser.eval("localStorage.getItem('chatrec.api_key')") == "k1"
    send(browser, "more")
    film_texts(browser, 2)
    assert StubChat.auth[-1] == "Bearer k1"  # remembered: no second prompt


def test_page_sends_user_id_and_is_accessible(browser, stub_url):
    browser.call("Page.navigate", url=stub_url)
    browser.wait_for(READY)
    labels = browser.eval("[...document.querySelectorAll('input')].map(i => "
                          "document.querySelector(`label[for=${i.id}]`)?.textContent)")
    assert labels == ["Message", "User id (optional)"]
    assert browser.eval("document.getElementById('log').getAttribute('role')") == "log"
    browser.eval("document.querySelector('[data-testid=user-input]').value = '42'")
    send(browser, "recommend a comedy")
    film_texts(browser, 1)
    assert StubChat.seen[-1] == {"message": "recommend a comedy", "user_id": 42}


# ---------------------------------------------------------------- real server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_url(chatrec_home):
    port = free_port()
    env = {**os.environ, "CHATREC_HOME": str(chatrec_home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatrec.cli", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300  # a cold cache trains first
    while True:
        try:
            with urllib.request.urlopen(url + "health", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chatrec serve did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.movielens
def test_real_server_type_a_message_see_films(browser, server_url):
    browser.call("Page.navigate", url=server_url)
    browser.wait_for(READY)
    send(browser, "movies like star wars")
    first = film_texts(browser, 3)
    assert any("Empire Strikes Back" in t for t in first), first
    assert all("(19" in t or "(20" in t for t in first), first  # years shown
    session = browser.eval("localStorage.getItem('chatrec.session_id')")
    assert session
    send(browser, "show me more")
    both = film_texts(browser, len(first) + 1)
    more = both[len(first):]
    assert more and not set(more) & set(first), (first, more)
    # a reload keeps the conversation's session
    browser.call("Page.reload")
    browser.wait_for(f"{READY} && !document.querySelector('{FILMS}')")  # the new page
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == session
