"""The shapes real OpenAI-compatible servers answer with (issue 12), through the fake
server: the tool call in `tool_calls`, as the whole `content`, inside `<tool_call>`
tags, named after the intent; the request fields that make servers behave
(tool_choice, max_tokens)."""
from __future__ import annotations

import time

import pytest

from intents.errors import LLMRejected
from intents.llm.parser import LLMParser
from intents.llm.wire import read_call
from intents.query import Intent
from tests.intents.fake_llm import (
    FakeLLM,
    Reply,
    completion,
    in_content,
    llama_cpp_python,
    runaway,
    tagged,
    tool_call,
)

GOOD = {"intent": "similar", "titles": ["Fargo"]}


@pytest.fixture
def server():
    with FakeLLM() as srv:
        yield srv


def parse(tiny, server, text="movies like Fargo", **kw):
    return LLMParser(tiny, base_url=server.url, model="m", timeout=3, **kw).parse(text)


@pytest.mark.parametrize("body", [
    tool_call(GOOD),                                     # OpenAI, Ollama, vLLM
    in_content(GOOD),                                    # llama.cpp, unparsed template
    in_content(GOOD, fence=True),                        # ... inside a ``` fence
    completion({"content": '{"intent": "similar", "titles": ["Fargo"]}'}),  # bare args
    tagged(GOOD),                                        # Qwen / Hermes tags as text
    tagged(GOOD, prose="Let me look that up.\n"),        # tags after some words
    in_content({"titles": ["Fargo"]}, name="similar"),   # a function named after the intent
    tool_call({"titles": ["Fargo"]}, name="similar"),
], ids=["tool_calls", "content", "fenced", "bare-arguments", "tags", "tags-after-prose",
        "intent-named-content", "intent-named-tool_calls"])
def test_every_shape_real_servers_use_is_read(tiny, server, body):
    server.answer(Reply(body=body))
    q = parse(tiny, server)
    assert (q.intent, q.title, q.parser) == (Intent.SIMILAR, "Fargo", "llm")


def test_an_intent_named_function_still_meets_the_guards(tiny, server):
    # the 1.5B model's "something like star wors" -> rate 1 star: named "rate", no cue
    server.answer(Reply(body=in_content({"titles": ["star wors"], "rating": 1},
                                        name="rate")))
    q = parse(tiny, server, "something like star wors")
    assert q.parser == "llm-fallback" and q.intent is Intent.SIMILAR and q.rating is None
    assert "guard: " in q.fallback_reason and "write" in q.fallback_reason


def test_a_bare_intent_named_call(tiny, server):
    server.answer(Reply(body=completion({"content": '{"name": "greet"}'})))   # Qwen 1.5B
    q = parse(tiny, server, "hello there")
    assert (q.intent, q.parser) == (Intent.GREET, "llm")


@pytest.mark.parametrize("message, reason", [
    ({"content": "Sure! Here are some comedies."}, "no tool call (the reply was text)"),
    ({"content": 'Sure! {"intent": "popular"}'}, "no tool call (the reply was text)"),
    ({"content": "<tool_call>{not json}</tool_call>"}, "<tool_call> tag holds no valid JSON"),
    ({"content": '{"name": "search_web", "arguments": {}}'}, "unexpected tool 'search_web'"),
    ({"content": '{"name": "rate", "arguments": {"intent": "similar"}}'},
     "function 'rate' called with intent 'similar'"),
    ({"content": "[1, 2]"}, "JSON but not an object"),
    ({"content": ""}, "no tool call (empty reply)"),
    ({"tool_calls": [{"type": "function"}]}, "malformed tool_calls"),
])
def test_what_is_not_a_call(message, reason):
    with pytest.raises(LLMRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_call({"choices": [{"message": {"role": "assistant", **message}}]})


def test_tool_choice_auto_makes_llama_cpp_python_use_the_tool(tiny, server):
    server.httpd.reply = llama_cpp_python({"intent": "recommend", "genres": ["Comedy"]})
    q = parse(tiny, server, "recommend a comedy")
    assert server.requests[0]["json"]["tool_choice"] == "auto"
    assert (q.intent, q.genre, q.parser) == (Intent.RECOMMEND, "Comedy", "llm")


def test_max_tokens_stops_a_rambling_model(tiny, server):
    server.httpd.reply = runaway({"intent": "popular", "genres": ["Comedy"], "k": 10})
    started = time.monotonic()
    q = parse(tiny, server, "top 10 comedies")
    assert time.monotonic() - started < 2            # the 5 s ramble never happens
    assert server.requests[0]["json"]["max_tokens"] == 200
    assert (q.intent, q.k, q.parser) == (Intent.POPULAR, 10, "llm")
    q = parse(tiny, server, "top 10 comedies", max_tokens=20)   # too small a cap
    assert q.parser == "llm-fallback"
    assert q.fallback_reason.startswith("reply cut at max_tokens")
