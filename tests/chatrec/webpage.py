"""Driving the web chat page in headless Chromium (tests/chatrec/cdp.py), for the
tests/chatrec/server/test_web*.py files: a person's actions (type and press Enter, a
real mouse click at an element's centre, so a button hidden under the input bar gets
the wrong click), reading what is on screen, and `Stub`: a stdlib server with the
real page and a scripted API (no dataset needed).
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.chatrec.cdp import Browser

STATIC = Path(__file__).resolve().parents[2] / "chatrec" / "server" / "static"
CARDS = json.loads((STATIC / "index.html").read_text().split(
    '<script type="application/json" id="card-actions">')[1].split("</script>")[0])
FILMS = "[data-testid=film-item]"
READY = ("document.readyState === 'complete' && !!document.querySelector("
         "'[data-testid=greeting], [data-testid=film-item]')")
SIZES = [(1280, 800), (390, 844)]          # a laptop and a phone
SIZE_IDS = ["desktop", "phone"]


def viewport(page: Browser, width: int, height: int) -> None:
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
              deviceScaleFactor=1, mobile=width < 500)


def open_page(page: Browser, url: str, width: int = 1280, height: int = 800) -> None:
    viewport(page, width, height)
    page.call("Page.navigate", url=url)
    page.wait_for(READY)


def click(page: Browser, selector: str, index: int = -1) -> None:
    """A real mouse click at the centre of the index-th match of a CSS selector."""
    click_at(page, f"[...document.querySelectorAll({json.dumps(selector)})].at({index})")


def click_at(page: Browser, element_js: str) -> None:
    """A real mouse click at the centre of the element a JS expression finds, after
    scrolling it to the middle of the window."""
    box = page.eval(f"""(() => {{
        const e = {element_js}; e.scrollIntoView({{block: 'center'}});
        const r = e.getBoundingClientRect();
        return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"],
                  button="left", clickCount=1)


def send(page: Browser, text: str) -> None:
    """Focus the message box, type, press Enter: what a person does."""
    page.eval("document.querySelector('[data-testid=message-input]').focus()")
    page.type_text(text)
    page.press_enter()


def count(page: Browser, selector: str) -> int:
    return page.eval(f"document.querySelectorAll({json.dumps(selector)}).length")


def wait_count(page: Browser, selector: str, at_least: int, timeout: float = 20) -> int:
    return page.wait_for(f"(() => {{ const n = document.querySelectorAll("
                         f"{json.dumps(selector)}).length; return n >= {at_least} ? n : 0 }})()",
                         timeout=timeout)


def last_reply(page: Browser) -> str:
    return page.eval("[...document.querySelectorAll('.msg.bot:not(.typing) .reply')]"
                     ".at(-1).textContent")


def error_text(page: Browser) -> str:
    return page.wait_for("!document.querySelector('[data-testid=error]').hidden && "
                         "document.getElementById('error-text').textContent")


def rect(page: Browser, element_js: str) -> dict:
    return page.eval(f"(() => {{ const r = ({element_js}).getBoundingClientRect(); "
                     "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, "
                     "height: r.height}; })()")


def bar_top(page: Browser) -> float:
    return rect(page, "document.getElementById('composer')")["top"]


def pressed(page: Browser, card: int) -> dict:
    """{action: pressed?} of the one-tap buttons of the card-th film on the page."""
    return page.eval(f"Object.fromEntries([...[...document.querySelectorAll('{FILMS}')].at({card})"
                     ".querySelectorAll('[aria-pressed]')].map(b => [b.dataset.action, "
                     "b.getAttribute('aria-pressed') === 'true']))")


def session_of(page: Browser) -> str:
    return page.eval("localStorage.getItem('chatrec.session_id')")


def film(n: int) -> dict:
    return {"item_id": 172 + n, "title": "Empire Strikes Back, The" if n == 0 else f"Film {n}",
            "display_title": "The Empire Strikes Back" if n == 0 else f"Film {n}",
            "year": 1980, "genres": ["Action", "Sci-Fi"], "score": 0.9, "reason": "same series"}


class Stub(BaseHTTPRequestHandler):
    """The page's files, /health, /items, /users/{id}/..., and a scripted POST /chat
    (`replies`: status codes to answer in turn, 200 when empty; `delay`: seconds before
    each answer); every request body is kept in `seen`, its Authorization header in
    `auth`; with `needs_key` a /chat without 'Bearer k1' is 401. "what should I watch?"
    is answered with a checklist of ten films. Session "s-1" keeps
    its turns and the ratings its card turns state, for GET /sessions/s-1."""

    seen: list[dict] = []
    replies: list[int] = []
    auth: list[str | None] = []
    needs_key = False
    delay = 0.0
    films = 1
    turns: list[dict] = []
    ratings: dict[int, float] = {}
    unknown_users = {"9999", "abc"}
    known_sessions: set[str] = set()   # GET answers these as empty conversations

    @classmethod
    def reset(cls):
        cls.seen, cls.replies, cls.auth, cls.turns, cls.ratings = [], [], [], [], {}
        cls.needs_key, cls.delay, cls.films = False, 0.0, 1
        cls.known_sessions = set()

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/health":
            return self._json(200, {"items": 3, "users": 2, "noun": "films"})
        if path == "/items":
            return self._json(200, {"search": "", "items": [
                dict(film(n), title=f"Famous {n}", display_title=f"Famous {n}")
                for n in range(50)]})
        if m := re.fullmatch(r"/users/([^/]+)/recommendations", path):
            if m.group(1) in self.unknown_users:
                return self._json(404, {"detail": f"unknown user id {m.group(1)!r}"})
            return self._json(200, {"user_id": m.group(1), "items": []})
        if path.startswith("/static/"):
            f = STATIC / path[len("/static/"):]
            kind = "text/css" if f.suffix == ".css" else "text/javascript"
            return self._send(200, f.read_bytes(), kind)
        if path == "/sessions/s-1" and self.turns:
            return self._json(200, {"session_id": "s-1", "user_id": None, "seen": [],
                                    "ratings": [{"item_id": i, "title": None, "rating": r}
                                                for i, r in self.ratings.items()],
                                    "turns": len(self.turns), "transcript": self.turns})
        if path.startswith("/sessions/") and path[10:] in self.known_sessions:
            name = path[10:]
            return self._json(200, {"session_id": name, "user_id": None, "seen": [],
                                    "ratings": [], "turns": 0, "transcript": []})
        if path.startswith("/sessions/"):
            return self._json(404, {"detail": "no session"})
        self._send(200, (STATIC / "index.html").read_bytes(), "text/html; charset=utf-8")

    def do_DELETE(self):
        self._json(404, {"detail": "no session"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(body)
        self.auth.append(self.headers.get("Authorization"))
        time.sleep(self.delay)
        if self.needs_key and self.auth[-1] != "Bearer k1":
            return self._json(401, {"detail": "this server needs an API key"})
        status = self.replies.pop(0) if self.replies else 200
        if status == 422:
            detail = [{"loc": ["body", "user_id"], "msg": "Input should be a valid integer"}]
            return self._json(422, {"detail": detail})
        if status == 413:
            return self._json(413, {"detail": "the request body is over 65536 bytes"})
        if status != 200:
            return self._json(status, {"detail": "internal error"})
        message = body["message"]
        if message.startswith("I loved "):
            self.ratings[172] = 5.0
        elif message.endswith(" is not for me"):
            self.ratings[172] = 1.0
        checklist = message == "what should I watch?"      # a newcomer's checklist
        items = [film(n) for n in range(10 if checklist else self.films)]
        reply = {"session_id": "s-1", "reply": "You said: <b>" + message,
                 "query": {"intent": "rate" if "loved" in message or "not for me" in message
                           else "similar"}, "items": items, "checklist": checklist}
        self.turns.append({"n": len(self.turns) + 1, "at": 0, "message": message,
                           "reply": reply["reply"], "intent": reply["query"]["intent"],
                           "items": items, "checklist": checklist})
        self._json(200, reply)

    def _json(self, status, obj):
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _send(self, status, data, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start_stub():
    Stub.reset()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"
