"""The LLM can't stall or leak (issue 9, item 6): the key and any Authorization value
are redacted before anything is shortened; a dead or hung LLM costs one timeout per
cool-down; the deadline is wall-clock for the whole call."""
from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from intents.llm.breaker import CircuitBreaker
from intents.llm.parser import LLMParser
from intents.llm.redact import Redactor
from tests.intents.fake_llm import FakeLLM, Reply, tool_call

LONG_KEY = "sk-" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[i * 7 % 36]
                           for i in range(197))          # 200 characters


@pytest.fixture
def server():
    with FakeLLM() as srv:
        yield srv


def leaked(blob: str, key: str = LONG_KEY, size: int = 8) -> list[str]:
    return [key[i:i + size] for i in range(len(key) - size + 1) if key[i:i + size] in blob]


@pytest.mark.parametrize("echo", [
    lambda key: json.dumps({"error": {"message": f"invalid api key {key}"}}),
    lambda key: json.dumps({"error": {"message": "bad request", "headers": {
        "Authorization": f"Bearer {key}"}}}),
    lambda key: "x" * 70 + f"<html>Authorization: Bearer {key}</html>",   # long, not JSON
    lambda key: "y" * 65_500 + key,                     # the key straddles the read limit
], ids=["message", "headers", "html", "cut-by-the-read-limit"])
def test_an_echoed_key_never_leaks(tiny, server, caplog, capsys, echo):
    server.httpd.reply = lambda body: Reply(status=401, body=echo(LONG_KEY).encode())
    parser = LLMParser(tiny, base_url=server.url, model="m", api_key=LONG_KEY, timeout=3)
    with caplog.at_level(logging.DEBUG):
        q = parser.parse("movies like Fargo")
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {LONG_KEY}"
    assert q.parser == "llm-fallback" and q.fallback_reason.startswith("http 401")
    out = capsys.readouterr()
    blobs = [repr(q), json.dumps(q.to_dict()), repr(parser), caplog.text, out.out, out.err]
    assert not [piece for b in blobs for piece in leaked(b)]
    assert len(q.fallback_reason) <= 200


def test_the_breaker_message_is_redacted_too(tiny, server):
    server.httpd.reply = lambda body: Reply(status=500, body=f"boom {LONG_KEY}".encode())
    parser = LLMParser(tiny, base_url=server.url, model="m", api_key=LONG_KEY, timeout=3,
                       breaker=CircuitBreaker(threshold=1, cooldown=60))
    parser.parse("hi")
    q = parser.parse("hi")
    assert q.fallback_reason.startswith("LLM skipped: circuit open")
    assert not leaked(q.fallback_reason)


@pytest.mark.parametrize("text, secret, want", [
    ("key sk-abcdefghij here", "sk-abcdefghij", "key [redacted] here"),
    ("Authorization: Bearer tok_12345678", None, "Authorization: [redacted]"),
    ('{"authorization": "Basic dXNlcjpwYXNz"}', None, '{"authorization": "[redacted]"}'),
    ("proxy said bearer abc.def-ghi_123", None, "proxy said bearer [redacted]"),
    ("cut here: sk-abcdef", "sk-abcdefghij", "cut here: [redacted]"),   # a cut-off tail
    ("nothing secret", "sk-abcdefghij", "nothing secret"),
])
def test_redactor(text, secret, want):
    assert Redactor(secret).redact(text) == want


def test_redact_then_shorten():
    secret = "sk-" + "q" * 60
    cleaned = Redactor(secret).clean("e" * 100 + secret + "tail", limit=120)
    assert "qqqqqqqq" not in cleaned and len(cleaned) <= 120


def test_a_dead_llm_costs_one_timeout_per_cool_down(tiny, server):
    server.answer(Reply(body=tool_call({"intent": "help"}), delay=5.0))    # hung
    parser = LLMParser(tiny, base_url=server.url, model="m", timeout=0.3,
                       breaker=CircuitBreaker(threshold=2, cooldown=60))
    started = time.monotonic()
    reasons = [parser.parse("top 10 comedies").fallback_reason for _ in range(20)]
    elapsed = time.monotonic() - started
    assert reasons[:2] == ["timeout after 0.3 s"] * 2
    assert all(r.startswith("LLM skipped: circuit open after 2 consecutive failures "
                            "(last: timeout after 0.3 s)") for r in reasons[2:])
    assert len(server.requests) == 2 and elapsed < 1.5      # not 20 x 0.3 s


def test_the_breaker_closes_when_the_llm_is_back(tiny, server):
    clock = [0.0]
    server.answer(Reply(status=503, body=b'{"error": "loading model"}'))
    parser = LLMParser(tiny, base_url=server.url, model="m", timeout=2,
                       breaker=CircuitBreaker(1, 30, clock=lambda: clock[0]))
    assert parser.parse("hi").fallback_reason == "http 503: loading model"
    assert parser.parse("hi").fallback_reason.startswith("LLM skipped")
    server.answer(Reply(body=tool_call({"intent": "greet"})))
    clock[0] = 31.0
    q = parser.parse("hi")
    assert (q.parser, q.intent.value) == ("llm", "greet")
    assert parser.breaker.state == "closed"


def test_wrong_answers_do_not_open_the_breaker(tiny, server):
    server.answer(Reply(body=tool_call({"intent": "telepathy"})))
    parser = LLMParser(tiny, base_url=server.url, model="m", timeout=2,
                       breaker=CircuitBreaker(1, 30))
    for _ in range(3):
        assert "unknown intent" in parser.parse("hi").fallback_reason
    assert parser.breaker.state == "closed" and len(server.requests) == 3


def test_a_dripping_reply_frees_the_worker_at_the_deadline(tiny, server):
    # one byte every 0.1 s: each read succeeds, only the wall clock can stop it
    server.answer(Reply(body=tool_call({"intent": "help"}), drip=0.1))
    parser = LLMParser(tiny, base_url=server.url, model="m", timeout=0.5)
    started = time.monotonic()
    q = parser.parse("hi")
    assert time.monotonic() - started < 1.2
    assert q.fallback_reason == "timeout after 0.5 s"


def test_connection_refused_counts_as_a_failure(tiny):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    parser = LLMParser(tiny, base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=1,
                       breaker=CircuitBreaker(1, 30))
    assert parser.parse("hi").fallback_reason == "connection refused"
    assert parser.breaker.state == "open"


def test_warm_up_sends_one_call_in_the_background(tiny, server):
    server.answer(Reply(body=tool_call({"intent": "greet"}), delay=1.0))
    parser = LLMParser(tiny, base_url=server.url, model="m", timeout=0.05)
    started = time.monotonic()
    thread = parser.warm_up()
    # does not block the caller: far less than the 1 s answer, with room for a loaded core
    assert time.monotonic() - started < 0.5
    thread.join(5)
    assert len(server.requests) == 1                   # and outlived the turn deadline
    assert server.requests[0]["json"]["messages"][-1]["content"] == "hello"
