"""The request limits middleware (chatrec/server/limits.py) on a fake ASGI server: size and
JSON shape are refused before the app runs; good bodies reach it unchanged. (Time
limits live in the connection: tests/chatrec/server/test_server_faults.py.)"""
from __future__ import annotations

import asyncio
import json

import pytest

from chatrec.server.limits import MAX_DEPTH, MAX_NUMBER, RequestLimits, json_problem


@pytest.mark.parametrize("body", [
    b'{"message": "hi"}', b'{"message": "' + b"[" * 500 + b'"}',    # brackets in a string
    b'{"message": "' + b"1" * 500 + b'"}', b'{"user_id": 12345678901234567890}',
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
])
def test_bodies_within_the_caps_pass(body):
    assert json_problem(body) is None


def test_deep_nesting_and_long_numbers_are_named():
    assert "nests deeper than 32" in json_problem(b"[" * (MAX_DEPTH + 1))
    assert "nests deeper" in json_problem(b'{"a":' * 5000)
    assert "number longer than 40" in json_problem(b'{"user_id": ' + b"9" * 5000 + b"}")
    assert "number longer" in json_problem(b'{"k": 1.' + b"0" * MAX_NUMBER + b"}")


def run(app_kwargs, headers, chunks):
    """Drive the middleware once; returns (status, body, headers, what the app read)."""
    seen = {}

    async def app(scope, receive, send):
        message = await receive()
        seen["body"] = message["body"]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def main():
        queue = list(chunks)
        sent = []

        async def receive():
            if not queue:
                await asyncio.sleep(3600)  # a client that stopped sending
            body = queue.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(queue)}

        async def send(message):
            sent.append(message)
        scope = {"type": "http", "method": "POST", "path": "/chat",
                 "headers": [(k.encode(), v.encode()) for k, v in (
                     headers.items() if isinstance(headers, dict) else headers)]}
        await RequestLimits(app, **app_kwargs)(scope, receive, send)
        start = sent[0]
        return (start["status"], b"".join(m.get("body", b"") for m in sent[1:]),
                dict(start["headers"]), seen.get("body"))
    return asyncio.run(main())


LIMITS = {"max_body": 1024}
JSON = {"content-type": "application/json"}


def test_a_good_body_reaches_the_app_whole():
    status, body, _, read = run(LIMITS, {**JSON, "content-length": "17"},
                                [b'{"message": ', b'"hi"}'])
    assert (status, body, read) == (200, b"ok", b'{"message": "hi"}')


def test_content_length_over_the_cap_is_refused_without_reading():
    status, body, headers, read = run(LIMITS, {**JSON, "content-length": str(2 ** 30)}, [])
    assert status == 413 and read is None and headers[b"connection"] == b"close"
    assert "larger than 1,024 bytes" in json.loads(body)["detail"]


def test_a_chunked_body_is_cut_off_at_the_cap():
    chunks = [b"x" * 400] * 10_000  # 4 MB offered; at most the cap is buffered
    status, _, _, read = run(LIMITS, {**JSON, "transfer-encoding": "chunked"}, chunks)
    assert status == 413 and read is None


def test_bad_json_shapes_are_400_with_the_reason():
    status, body, _, read = run(LIMITS, {**JSON, "content-length": "100"}, [b"[" * 100])
    assert status == 400 and read is None and "nests deeper" in json.loads(body)["detail"]


def test_bodies_that_are_not_json_are_left_to_the_app():
    status, _, _, read = run(LIMITS, {"content-type": "text/plain", "content-length": "100"},
                             [b"[" * 100])
    assert status == 200 and read == b"[" * 100


def test_chunked_with_content_length_is_refused_and_the_connection_closed():
    """Finding (issue 18): both framings on one request kept the connection open; RFC
    9112 6.1 says close it (they disagree on where the body ends: request smuggling)."""
    status, body, headers, read = run(LIMITS, {**JSON, "content-length": "17",
                                               "transfer-encoding": "chunked"},
                                      [b'{"message": "hi"}'])
    assert status == 400 and read is None and headers[b"connection"] == b"close"
    assert "both Transfer-Encoding and Content-Length" in json.loads(body)["detail"]


def test_two_content_types_are_refused_by_name():
    """Finding: a duplicated Content-Type skipped the JSON-depth guard and got a
    misleading "not valid UTF-8"."""
    headers = [("content-type", "text/plain"), ("content-type", "application/json"),
               ("content-length", "100")]
    status, body, _, read = run(LIMITS, headers, [b"[" * 100])
    assert status == 400 and read is None
    assert "more than one Content-Type" in json.loads(body)["detail"]
