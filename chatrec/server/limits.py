"""Request limits enforced before the app sees a body: size, time, JSON shape.

`RequestLimits` is a small ASGI middleware. It reads a request's body itself, so that:

* a body larger than `max_body` is refused as soon as that is known: at once from
  `Content-Length`, or when a chunked body passes the cap, never after buffering it
  all -> 413, and the connection is closed rather than drained;
* a request with both `Transfer-Encoding: chunked` and `Content-Length`, or two
  `Content-Type` headers -> 400, and the connection is closed (RFC 9112 6.1);
* JSON that nests deeper than MAX_DEPTH or spells a number longer than MAX_NUMBER
  characters -> 400 saying so (Python's decoder would recurse, or parse a 4,000-digit
  integer, before any schema looks at it).

uvicorn has no body limit; FastAPI's own `max_body_size` (recent versions) answers in
plain text and keeps reading the rest of the body. Time limits on headers and bodies
are a connection-level matter (a timer per request here would cost every request;
there it is armed only for a body that did not come with its headers): see
chatrec/server/listener.py.
"""
from __future__ import annotations

import json
import re

from chatrec.errors import BadFraming, BadJson, BodyTooLarge, RequestRejected, http_status

MAX_DEPTH = 32          # nested arrays/objects; a chat request has 1
MAX_NUMBER = 40         # characters of one number literal; ids have at most 20

_OPENERS = re.compile(rb"[\[{]")
_LONG_RUN = re.compile(rb"[0-9][0-9.eE+-]{%d}" % MAX_NUMBER)
# outside strings: strings (skipped whole), brackets, number literals
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*')


def json_problem(body: bytes) -> str | None:
    """Why `body` breaks the JSON caps, or None. Two C-speed scans decide for almost
    every body; only a body with many brackets or a long digit run is tokenised."""
    if len(_OPENERS.findall(body)) <= MAX_DEPTH and not _LONG_RUN.search(body):
        return None
    depth = 0
    for m in _TOKEN.finditer(body):
        tok = m.group()
        first = tok[:1]
        if first in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return f"the JSON body nests deeper than {MAX_DEPTH} levels"
        elif first in (b"]", b"}"):
            depth = max(0, depth - 1)
        elif first != b'"' and len(tok) > MAX_NUMBER:
            return f"the JSON body has a number longer than {MAX_NUMBER} characters"
    return None


class RequestLimits:
    """ASGI middleware enforcing the module docstring's limits on HTTP requests."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length, chunked, is_json, problem = _body_headers(scope)
        if problem is None and not length and not chunked:  # no body (every GET)
            return await self.app(scope, receive, send)
        try:
            if problem is not None:
                raise BadFraming(problem)
            if length and length > self.max_body:
                raise BodyTooLarge(self._too_large())
            body = await self._read(receive)
            if body is None:
                return  # the client went away
            if is_json and (problem := json_problem(body)):
                raise BadJson(problem)
        except RequestRejected as e:
            return await _reject(send, e)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # afterwards: http.disconnect, as the server says

        await self.app(scope, replay, send)

    async def _read(self, receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None  # gone, or cut off by the body deadline (listener.py)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLarge(self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunk if len(chunks) == 1 else b"".join(chunks)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_body:,} bytes (--max-body)"


def _body_headers(scope) -> tuple[int | None, bool, bool, str | None]:
    """(Content-Length, chunked?, JSON or unspecified content type?, what is wrong with
    the framing headers or None)."""
    length, chunked, ctype, types, problem = None, False, b"", 0, None
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = None  # the HTTP parser would have refused it already
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"content-type":
            ctype, types = value.lower(), types + 1
    if chunked and length is not None:
        # RFC 9112 6.1: the two disagree on where the body ends (request smuggling);
        # answer, and close the connection so no later request is read from it
        problem = "the request has both Transfer-Encoding and Content-Length"
    elif types > 1:  # which one would the app believe? the JSON guard must not guess
        problem = "the request has more than one Content-Type header"
    return length, chunked, (not ctype or b"json" in ctype), problem


async def _reject(send, error: RequestRejected) -> None:
    status = http_status(error)
    body = json.dumps({"detail": str(error)}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if not isinstance(error, BadJson):  # the rest of the body is not worth reading
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
