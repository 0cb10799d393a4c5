"""LLMParser against a fake OpenAI-compatible server on 127.0.0.1: a good call, then
one test per fallback reason, then the settings. The real servers' reply shapes are in
test_llm_wire.py, the key, breaker and deadline in test_llm_safety.py, the guards in
test_guards.py."""
from __future__ import annotations

import json
import socket
import time

import pytest

from intents.errors import ParserConfigError
from intents.llm.parser import LLMParser
from intents.query import Intent
from tests.intents.fake_llm import FakeLLM, Reply, completion, tool_call

KEY = "sk-test-DO-NOT-LEAK-0123456789"


@pytest.fixture
def server():
    with FakeLLM() as srv:
        yield srv


def make(tiny, server, timeout=2.0, key=None):
    return LLMParser(tiny, base_url=server.url, model="fake-model", api_key=key,
                     timeout=timeout)


def fell_back(q, tiny_parser, text, reason_part):
    """The Query is the rule parser's, marked as a fallback with the expected reason."""
    assert q.parser == "llm-fallback"
    assert reason_part in (q.fallback_reason or ""), q.fallback_reason
    rules = tiny_parser.parse(text)
    assert (q.intent, q.genre, q.title, q.k) == (rules.intent, rules.genre, rules.title, rules.k)


def test_good_call_is_canonicalized(tiny, server):
    server.answer(Reply(body=tool_call(
        {"intent": "similar", "genre": "comedy", "title": "the godfather", "k": 80},
        finish_reason="stop")))                  # finish_reason is not what we look at
    q = make(tiny, server).parse("80 funny films like the godfather")
    assert (q.intent, q.genre, q.title, q.item_id) == (Intent.SIMILAR, "Comedy",
                                                       "Godfather, The", 127)
    assert (q.k, q.k_requested, q.parser, q.fallback_reason) == (50, 80, "llm", None)
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["json"]["model"] == "fake-model"
    assert sent["json"]["messages"][-1] == {"role": "user",
                                            "content": "80 funny films like the godfather"}
    assert sent["json"]["tool_choice"] == "auto" and sent["json"]["max_tokens"] == 200
    (tool,) = sent["json"]["tools"]
    params = tool["function"]["parameters"]
    assert tool["function"]["name"] == "parse_request"
    assert set(params["properties"]["intent"]["enum"]) == {i.value for i in Intent}
    assert set(params["properties"]["genres"]["items"]["enum"]) == set(tiny.genre_names)
    # every optional Query field of DESIGN §2 can be said
    assert {"titles", "genres", "exclude_genres", "year_from", "year_to", "k", "ref", "refs",
            "rating", "ratings", "rank_by", "topic", "fewer"} <= set(params["properties"])
    assert "Authorization" not in sent["headers"]


def test_every_field_is_snapped_like_the_rules(tiny, server):
    server.answer(Reply(body=tool_call({
        "intent": "similar", "titles": ["star wars", "the godfather part 2"],
        "genres": ["sci fi"], "exclude_genres": ["Horror"], "year_from": 1970,
        "year_to": 1979, "k": 3})))
    q = make(tiny, server).parse("3 sci fi films from the 70s like star wars and the "
                                 "godfather part 2, no horror")
    assert (q.intent, q.titles, q.item_ids) == (
        Intent.SIMILAR, ("Star Wars", "Godfather: Part II, The"), (50, 187))
    assert (q.genres, q.exclude_genres, q.year_from, q.year_to, q.k) == (
        ("Sci-Fi",), ("Horror",), 1970, 1979, 3)


def test_references_and_refinements(tiny, server):
    server.answer(Reply(body=tool_call({"intent": "refine", "k": 3})))
    q = make(tiny, server).parse("just 3")
    assert (q.intent, q.k, q.k_requested, q.parser) == (Intent.REFINE, 3, 3, "llm")
    server.answer(Reply(body=tool_call({"intent": "why", "ref": 2})))
    q = make(tiny, server).parse("why the second one?")
    assert (q.intent, q.ref, q.parser) == (Intent.WHY, 2, "llm")


def test_rate_and_typo_title_snap_like_the_rules(tiny, server):
    server.answer(Reply(body=tool_call({"intent": "rate", "title": "godfathr",
                                        "rating": 4.5})))
    q = make(tiny, server).parse("I liked the godfathr")
    # the title is snapped; the value written is the rules' reading of "liked" (4)
    assert (q.intent, q.title, q.rating, q.k) == (Intent.RATE, "Godfather, The", 4.0, 5)


def test_timeout_is_wall_clock(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call({"intent": "help"}), delay=3.0))
    started = time.monotonic()
    q = make(tiny, server, timeout=0.5).parse("top 10 comedies")
    assert time.monotonic() - started < 1.5
    fell_back(q, tiny_parser, "top 10 comedies", "timeout after 0.5 s")


def test_a_slowly_dripping_reply_still_hits_the_deadline(tiny, tiny_parser, server):
    # every byte arrives before urllib's per-read timeout: only a wall clock stops it
    server.answer(Reply(body=tool_call({"intent": "help"}), drip=0.05))
    started = time.monotonic()
    q = make(tiny, server, timeout=0.6).parse("hi")
    assert time.monotonic() - started < 1.5
    fell_back(q, tiny_parser, "hi", "timeout")


def test_connection_refused(tiny, tiny_parser):
    with socket.socket() as s:          # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    parser = LLMParser(tiny, base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=2)
    fell_back(parser.parse("movies like Fargo"), tiny_parser, "movies like Fargo",
              "connection refused")


def test_http_500(tiny, tiny_parser, server):
    server.answer(Reply(status=500, body=b'{"error": {"message": "model crashed"}}'))
    fell_back(make(tiny, server).parse("something scary"), tiny_parser, "something scary",
              "http 500: model crashed")


def test_ollama_400_does_not_support_tools(tiny, tiny_parser, server):
    body = json.dumps({"error": {"message": "registry.ollama.ai/library/gemma:2b does not "
                                            "support tools", "type": "api_error"}})
    server.answer(Reply(status=400, body=body.encode()))
    fell_back(make(tiny, server).parse("recommend a comedy"), tiny_parser,
              "recommend a comedy", "http 400: registry.ollama.ai/library/gemma:2b does "
              "not support tools")


def test_no_tool_call(tiny, tiny_parser, server):
    server.answer(Reply(body=completion({"content": "You might enjoy some comedies!"})))
    fell_back(make(tiny, server).parse("recommend a comedy"), tiny_parser,
              "recommend a comedy", "no tool call")


def test_tool_call_leaked_into_content_is_parsed_strictly(tiny, tiny_parser, server):
    leaked = {"name": "parse_request", "arguments": {"intent": "popular",
                                                     "genre": "Comedy", "k": 10}}
    server.answer(Reply(body=completion({"content": json.dumps(leaked)})))
    q = make(tiny, server).parse("top 10 comedies")
    assert (q.intent, q.genre, q.k, q.parser) == (Intent.POPULAR, "Comedy", 10, "llm")
    # prose around JSON, or broken JSON, is not a tool call
    for content in ('Sure! {"intent": "popular"}', '{"name": "parse_request", "argu'):
        server.answer(Reply(body=completion({"content": content})))
        fell_back(make(tiny, server).parse("top 10 comedies"), tiny_parser,
                  "top 10 comedies", "no tool call")


def test_arguments_not_json(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call("{intent: similar, title: Fargo")))
    fell_back(make(tiny, server).parse("movies like Fargo"), tiny_parser,
              "movies like Fargo", "not valid JSON")


def test_k_given_as_a_string(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call({"intent": "recommend", "genre": "Comedy",
                                        "k": "3"})))
    fell_back(make(tiny, server).parse("3 comedies"), tiny_parser, "3 comedies",
              "k is not an integer")


def test_unknown_intent(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call({"intent": "recommend_movies", "k": 5})))
    fell_back(make(tiny, server).parse("recommend a comedy"), tiny_parser,
              "recommend a comedy", "unknown intent 'recommend_movies'")


def test_unknown_genre(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call({"intent": "recommend", "genre": "Telenovela"})))
    fell_back(make(tiny, server).parse("a telenovela"), tiny_parser, "a telenovela",
              "unknown genre 'Telenovela'")


def test_off_catalog_title_is_reported_like_the_rules(tiny, tiny_parser, server):
    server.answer(Reply(body=tool_call({"intent": "similar", "title": "The Matrix"})))
    q = make(tiny, server).parse("movies like The Matrix")
    rules = tiny_parser.parse("movies like The Matrix")
    assert (q.intent, q.title, q.parser) == (Intent.SIMILAR, None, "llm")
    assert q.unknown_title == rules.unknown_title == "the matrix"   # as the message spells it


def test_bad_response_body(tiny, tiny_parser, server):
    server.answer(Reply(body=b"<html>gateway</html>"))
    fell_back(make(tiny, server).parse("hi"), tiny_parser, "hi", "bad response: not JSON")


def test_from_env(tiny, server, monkeypatch):
    env = {"CHATREC_LLM_BASE_URL": server.url, "CHATREC_LLM_MODEL": "m1",
           "CHATREC_LLM_API_KEY": KEY, "CHATREC_LLM_TIMEOUT": "1.5"}
    parser = LLMParser.from_env(tiny, env)
    assert (parser.base_url, parser.model, parser.timeout) == (server.url, "m1", 1.5)
    server.answer(Reply(body=tool_call({"intent": "greet"})))
    assert parser.parse("hello").intent is Intent.GREET
    assert server.requests[-1]["headers"]["Authorization"] == f"Bearer {KEY}"
    with pytest.raises(ParserConfigError, match="CHATREC_LLM_MODEL"):
        LLMParser.from_env(tiny, {})
    with pytest.raises(ParserConfigError, match="CHATREC_LLM_TIMEOUT"):
        LLMParser.from_env(tiny, {"CHATREC_LLM_MODEL": "m", "CHATREC_LLM_TIMEOUT": "soon"})
    tuned = LLMParser.from_env(tiny, {"CHATREC_LLM_MODEL": "m", "CHATREC_LLM_MAX_TOKENS": "64",
                                      "CHATREC_LLM_BREAKER_FAILURES": "5",
                                      "CHATREC_LLM_BREAKER_COOLDOWN": "2.5"})
    assert (tuned.max_tokens, tuned.breaker.threshold, tuned.breaker.cooldown) == (64, 5, 2.5)
    with pytest.raises(ParserConfigError, match="CHATREC_LLM_BREAKER_FAILURES"):
        LLMParser.from_env(tiny, {"CHATREC_LLM_MODEL": "m",
                                  "CHATREC_LLM_BREAKER_FAILURES": "0"})
