"""The web chat page in headless Chromium, driven over the DevTools protocol.

Two servers: a stdlib stub that serves the real page and a scripted API (greeting,
errors and retry; no dataset needed), and a real `chatrec serve` process on 127.0.0.1
(card actions, reload, completion, layout at 360 and 1280 px). Clicks are real mouse
events at the element's centre, so a button hidden under the input bar would get
the wrong click. A missing Chromium skips loudly, or fails under CI (tests/components.py).
Screenshots go to $CHATREC_SCREENSHOTS (default: the test's tmp dir).
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.chatrec.cdp import Browser, find_chromium
from tests.chatrec.serving import Server

STATIC = Path(__file__).resolve().parents[3] / "chatrec" / "server" / "static"
CARDS = json.loads((STATIC / "index.html").read_text().split(
    '<script type="application/json" id="card-actions">')[1].split("</script>")[0])
FILMS = "[data-testid=film-item]"
READY = ("document.readyState === 'complete' && !!document.querySelector("
         "'[data-testid=greeting], [data-testid=film-item]')")


@pytest.fixture
def browser():
    """Headless Chromium; where it is missing its tests are skipped loudly, or fail
    under CI (tests/components.py checks before this runs)."""
    b = Browser(find_chromium())
    try:
        yield b
    finally:
        b.close()


def viewport(browser: Browser, width: int, height: int) -> None:
    browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                 deviceScaleFactor=1, mobile=width < 500)


def open_page(browser: Browser, url: str, width: int = 1280, height: int = 800) -> None:
    viewport(browser, width, height)
    browser.call("Page.navigate", url=url)
    browser.wait_for(READY)


def click(browser: Browser, selector: str, index: int = -1) -> None:
    """A real mouse click at the centre of the index-th match of a CSS selector."""
    click_at(browser, f"[...document.querySelectorAll({json.dumps(selector)})].at({index})")


def click_at(browser: Browser, element_js: str) -> None:
    """A real mouse click at the centre of the element a JS expression finds, after
    scrolling it to the middle of the window."""
    box = browser.eval(f"""(() => {{
        const e = {element_js}; e.scrollIntoView({{block: 'center'}});
        const r = e.getBoundingClientRect();
        return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"],
                     button="left", clickCount=1)


def send(browser: Browser, text: str) -> None:
    """Focus the message box, type, press Enter: what a person does."""
    browser.eval("document.querySelector('[data-testid=message-input]').focus()")
    browser.type_text(text)
    browser.press_enter()


def count(browser: Browser, selector: str) -> int:
    return browser.eval(f"document.querySelectorAll({json.dumps(selector)}).length")


def wait_count(browser: Browser, selector: str, at_least: int, timeout: float = 20) -> int:
    return browser.wait_for(f"(() => {{ const n = document.querySelectorAll("
                            f"{json.dumps(selector)}).length; return n >= {at_least} ? n : 0 }})()",
                            timeout=timeout)


def last_reply(browser: Browser) -> str:
    return browser.eval("[...document.querySelectorAll('.msg.bot .reply')].at(-1).textContent")


def error_text(browser: Browser) -> str:
    return browser.wait_for("!document.querySelector('[data-testid=error]').hidden && "
                            "document.getElementById('error-text').textContent")


# ---------------------------------------------------------------- stub server

class Stub(BaseHTTPRequestHandler):
    """The page's files, /health, and a scripted POST /chat (`replies`: status codes
    to answer in turn, 200 when empty); every request body is kept in `seen`, its
    Authorization header in `auth`; with `needs_key` a /chat without 'Bearer k1' is 401."""

    seen: list[dict] = []
    replies: list[int] = []
    auth: list[str | None] = []
    needs_key = False

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/health":
            return self._json(200, {"items": 3, "users": 2})
        if path.startswith("/static/"):
            f = STATIC / path[len("/static/"):]
            kind = "text/css" if f.suffix == ".css" else "text/javascript"
            return self._send(200, f.read_bytes(), kind)
        if path.startswith("/sessions/"):
            return self._json(404, {"detail": "no session"})
        self._send(200, (STATIC / "index.html").read_bytes(), "text/html; charset=utf-8")

    def do_DELETE(self):
        self._json(404, {"detail": "no session"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(body)
        self.auth.append(self.headers.get("Authorization"))
        if self.needs_key and self.auth[-1] != "Bearer k1":
            return self._json(401, {"detail": "this server needs an API key"})
        status = self.replies.pop(0) if self.replies else 200
        if status == 422:
            detail = [{"loc": ["body", "user_id"], "msg": "Input should be a valid integer"}]
            return self._json(422, {"detail": detail})
        if status != 200:
            return self._json(status, {"detail": "internal error"})
        film = {"item_id": 172, "title": "Empire Strikes Back, The", "year": 1980,
                "genres": ["Action", "Sci-Fi"], "score": 0.9, "reason": "same series"}
        self._json(200, {"session_id": "s-1", "reply": "You said: <b>" + body["message"],
                         "query": {"intent": "similar"}, "items": [film]})

    def _json(self, status, obj):
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _send(self, status, data, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def stub_url():
    Stub.seen, Stub.replies, Stub.auth, Stub.needs_key = [], [], [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_first_screen_greets_and_an_example_starts_a_conversation(browser, stub_url):
    open_page(browser, stub_url)
    greeting = browser.wait_for("document.querySelector('[data-testid=greeting] .reply')"
                                ".textContent.includes('3 films')")
    assert greeting
    assert count(browser, "[data-testid=greeting] .chip") >= 4
    click(browser, "[data-testid=greeting] .chip", 0)
    wait_count(browser, FILMS, 1)
    assert Stub.seen[0] == {"message": "movies like Star Wars"}    # no session id yet
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"
    assert browser.eval("document.querySelector('#log b')") is None  # text, never HTML
    send(browser, "more please")
    wait_count(browser, FILMS, 2)
    assert Stub.seen[1] == {"message": "more please", "session_id": "s-1"}


def test_card_action_sends_the_typed_turn_by_title(browser, stub_url):
    open_page(browser, stub_url)
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    for key, expected in (("loved", "I loved The Empire Strikes Back (1980)"),
                          ("dislike", "The Empire Strikes Back (1980) is not for me"),
                          ("why", "why The Empire Strikes Back (1980)?")):
        n = len(Stub.seen)
        click(browser, f"{FILMS} [data-action={key}]", 0)
        browser.wait_for(f"!!document.querySelectorAll('.msg.bot').length && "
                         f"document.querySelectorAll('{FILMS}').length >= {n + 1}")
        assert Stub.seen[-1]["message"] == expected
    pressed = browser.eval(f"document.querySelector('{FILMS} [data-action=loved]')"
                           ".getAttribute('aria-pressed')")
    assert pressed == "true"


def test_errors_are_plain_words_with_a_retry(browser, stub_url):
    open_page(browser, stub_url)
    Stub.replies = [500]
    send(browser, "hello")
    text = error_text(browser)
    assert text.startswith("Something went wrong on the server") and "detail" not in text
    assert count(browser, ".msg.me.failed") == 1
    click(browser, "[data-testid=retry-button]")
    wait_count(browser, FILMS, 1)
    assert [s["message"] for s in Stub.seen] == ["hello", "hello"]    # the same turn again
    assert count(browser, ".msg.me") == 1 and count(browser, ".msg.me.failed") == 0
    assert browser.eval("document.querySelector('[data-testid=error]').hidden")
    # a 422 about the user id is said in plain words, not "Error 422: loc: msg"
    Stub.replies = [422]
    browser.eval("document.querySelector('[data-testid=user-input]').value = 'abc'")
    send(browser, "recommend a comedy")
    assert error_text(browser).startswith("That user id was not accepted")


def test_an_expired_session_starts_a_new_conversation_with_the_same_message(browser,
                                                                          stub_url):
    """Session ids are issued by the server: one it no longer knows is a 404."""
    open_page(browser, stub_url)
    browser.eval("localStorage.setItem('chatrec.session_id', 'gone')")
    Stub.replies = [404]
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    assert Stub.seen == [{"message": "movies like star wars", "session_id": "gone"},
                         {"message": "movies like star wars"}]
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"


def test_a_server_with_api_keys_asks_for_one_once_and_sends_it(browser, stub_url):
    Stub.needs_key = True
    open_page(browser, stub_url)
    browser.eval("window.prompt = () => ' k1 '")  # what the person types
    send(browser, "hi")
    wait_count(browser, FILMS, 1)
    assert Stub.auth == [None, "Bearer k1"]
    assert browser.eval("localStorage.getItem('chatrec.api_key')") == "k1"
    browser.eval("window.prompt = () => { throw new Error('asked twice'); }")
    send(browser, "more")
    wait_count(browser, FILMS, 2)
    assert Stub.auth[-1] == "Bearer k1"


def test_page_is_labelled_for_screen_readers(browser, stub_url):
    open_page(browser, stub_url)
    labels = browser.eval("[...document.querySelectorAll('input')].map(i => "
                          "document.querySelector(`label[for=${i.id}]`)?.textContent)")
    assert labels == ["Message", "User id (optional)"]
    log = browser.eval("(() => { const l = document.getElementById('log'); "
                       "return [l.getAttribute('role'), l.getAttribute('aria-live')]; })()")
    assert log == ["log", "polite"]
    assert browser.eval("document.getElementById('message').getAttribute('role')") == "combobox"
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    names = browser.eval(f"[...document.querySelectorAll('{FILMS} .action')]"
                         ".map(b => b.getAttribute('aria-label'))")
    assert names == [f"{a['label']}: The Empire Strikes Back (1980)" for a in CARDS["actions"]]


# ---------------------------------------------------------------- real server

@pytest.fixture
def server(trained_home):
    s = Server(trained_home)
    yield s
    s.stop()


def session_of(browser: Browser) -> str:
    return browser.eval("localStorage.getItem('chatrec.session_id')")


def film_titles(browser: Browser, list_index: int = -1) -> list[str]:
    return browser.eval(f"[...[...document.querySelectorAll('.films')].at({list_index})"
                        f".querySelectorAll('.title-link')].map(b => b.getAttribute('aria-label')"
                        ".slice('About '.length))")


@pytest.mark.movielens
def test_each_card_action_is_a_durable_turn(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 5)
    films = film_titles(browser)
    ids = browser.eval(f"[...document.querySelectorAll('{FILMS}')]"
                       ".map(e => Number(e.dataset.itemId))")
    expected = {"loved": ("rate", 0), "seen": ("seen", 1), "dislike": ("rate", 2),
                "why": ("why", 3), "similar": ("similar", 4)}
    for key, (intent, card) in expected.items():
        bots = count(browser, ".msg.bot")
        click_at(browser, f"document.querySelectorAll('.films')[0].querySelectorAll("
                          f"'{FILMS}')[{card}].querySelector('[data-action={key}]')")
        wait_count(browser, ".msg.bot", bots + 1)
        template = next(a["text"] for a in CARDS["actions"] if a["key"] == key)
        turn = httpx.get(f"{server.url}/sessions/{session_of(browser)}").json()["transcript"][-1]
        assert turn["message"] == template.replace("{title}", films[card])
        assert turn["intent"] == intent, turn
        assert films[card] in last_reply(browser)       # the reply names that very film
    state = httpx.get(f"{server.url}/sessions/{session_of(browser)}").json()
    ratings = {r["item_id"]: r["rating"] for r in state["ratings"]}
    assert ratings[ids[0]] == 5 and ratings[ids[2]] <= 2
    assert ids[1] in [s["item_id"] for s in state["seen"]]
    assert last_reply(browser).startswith("Films like " + films[4])


@pytest.mark.movielens
def test_reload_restores_the_conversation(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "top 5 comedies")
    wait_count(browser, FILMS, 5)
    click(browser, f"{FILMS} [data-action=loved]", 0)
    wait_count(browser, ".msg.bot", 3)
    before = browser.eval("[...document.querySelectorAll('#log .msg')].map(m => m.textContent)")
    session = session_of(browser)
    browser.call("Page.reload")
    browser.wait_for(f"document.readyState === 'complete' && "
                     f"document.querySelectorAll('{FILMS}').length >= 5")
    after = browser.eval("[...document.querySelectorAll('#log .msg')].map(m => m.textContent)")
    assert after == before[1:]            # everything but the greeting, in order
    assert session_of(browser) == session
    send(browser, "more")                 # continues the list that is on screen
    wait_count(browser, FILMS, 6)
    assert "comed" in last_reply(browser).lower()


@pytest.mark.movielens
def test_title_completion_and_the_rating_chart(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "movies like the godfather")
    wait_count(browser, FILMS, 3)
    browser.eval("document.querySelector('[data-testid=message-input]').focus()")
    browser.type_text("movies like godf")
    browser.wait_for("document.querySelectorAll('[data-testid=suggestion]').length > 0")
    options = browser.eval("[...document.querySelectorAll('[data-testid=suggestion]')]"
                           ".map(o => o.textContent)")
    assert options[:2] == ["The Godfather (1972)", "The Godfather: Part II (1974)"]
    for key in ("ArrowDown", "Enter"):
        browser.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key,
                     windowsVirtualKeyCode={"ArrowDown": 40, "Enter": 13}[key])
        browser.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key)
    value = browser.wait_for("document.getElementById('message').value.includes('(1972)') && "
                             "document.getElementById('message').value")
    assert value == "movies like The Godfather (1972)"
    browser.eval("document.getElementById('message').value = ''")
    click(browser, f"{FILMS} .title-link", 0)          # the title opens the film's detail
    chart = browser.wait_for("!!document.querySelector('[data-testid=rating-chart]') && "
                             "[...document.querySelectorAll('[data-testid=rating-chart] td.n')]"
                             ".map(td => td.textContent)")
    assert len(chart) == 5 and all("%" in c for c in chart)


@pytest.mark.movielens
@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_newest_reply_is_above_the_input_bar(browser, server, width, height, tmp_path):
    open_page(browser, server.url + "/", width, height)
    send(browser, "top 10 comedies")
    wait_count(browser, FILMS, 10)
    time.sleep(0.2)
    boxes = browser.eval("""(() => {
        const films = document.querySelectorAll('[data-testid=film-item]');
        const last = films[films.length - 1].getBoundingClientRect();
        const bar = document.getElementById('composer').getBoundingClientRect();
        return {last_top: last.top, last_bottom: last.bottom, bar_top: bar.top,
                page_width: document.documentElement.scrollWidth}; })()""")
    shots = Path(os.environ.get("CHATREC_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    png = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    (shots / f"web-{width}.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert boxes["last_bottom"] <= boxes["bar_top"], boxes      # no overlap with the bar
    assert boxes["last_bottom"] > 0, boxes                      # and on screen
    assert boxes["page_width"] <= width, boxes                  # no sideways scrolling
    # the server going away is said in plain words, with a retry
    server.stop()
    send(browser, "show me more")
    assert error_text(browser).startswith("chatrec cannot be reached")
    assert browser.eval("!document.querySelector('[data-testid=retry-button]').hidden")
