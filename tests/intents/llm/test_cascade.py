"""`--parser llm`: the rules first; the LLM only when they are unsure, and only to fill
what they could not place."""
from __future__ import annotations

import pytest

from intents.context import ConversationContext
from intents.llm.cascade import CascadeParser, unsure
from intents.llm.parser import LLMParser
from intents.query import Intent
from tests.intents.fake_llm import FakeLLM, Reply, tool_call


@pytest.fixture
def server():
    with FakeLLM() as srv:
        yield srv


@pytest.fixture
def cascade(tiny, server):
    return CascadeParser(LLMParser(tiny, base_url=server.url, model="m", timeout=3))


@pytest.mark.parametrize("text, why", [
    ("movies like star wars", None),
    ("top 10 comedies", None),
    ("I loved Fargo", None),
    ("show me more", None),
    ("", None),                                   # empty: nothing to ask about
    ("🙂", None),
    ("what's the weather", "the rules read no intent"),
    ("movies like The Matrix", "a film was named but not linked"),
    ("movies with submarines", "words the rules could not place: submarines"),
])
def test_when_the_rules_are_unsure(tiny, tiny_parser, text, why):
    genre_words = frozenset(w for p in tiny.genres_matcher.phrases for w in p)
    got = unsure(tiny_parser.parse(text), text, genre_words)
    assert got == why if why is None else got.startswith(why)


def test_sure_turns_never_reach_the_network(cascade, server, tiny_parser):
    for text in ("movies like star wars", "top 10 comedies", "I loved Fargo", "hi",
                 "recommend a thriller from the 90s"):
        assert cascade.parse(text) == tiny_parser.parse(text)
    assert server.requests == []


def test_an_unknown_message_takes_the_llm_answer(cascade, server, tiny_parser):
    text = "got stuff for a rear windw fan"        # the rules can't place "rear windw"
    assert tiny_parser.parse(text).intent is Intent.UNKNOWN
    server.answer(Reply(body=tool_call({"intent": "similar", "titles": ["Rear Window"]})))
    q = cascade.parse(text)
    assert (q.intent, q.title, q.parser) == (Intent.SIMILAR, "Rear Window", "llm")
    assert len(server.requests) == 1


def test_the_rules_keep_what_they_were_sure_of(cascade, server, tiny_parser):
    text = "movies with submarines"              # rules: recommend, one word unplaced
    server.answer(Reply(body=tool_call({"intent": "popular", "genres": ["Sci-Fi"]})))
    q = cascade.parse(text)                     # popular has no cue; sci-fi not said
    rules = tiny_parser.parse(text)
    assert (q.intent, q.genres) == (rules.intent, rules.genres)
    assert q.parser == "llm-fallback" and q.fallback_reason.startswith("guard: ")


def test_a_rejected_or_failed_llm_leaves_the_rules_answer(cascade, server, tiny_parser):
    text = "something like star wors"
    server.answer(Reply(body=tool_call({"intent": "rate", "titles": ["star wors"],
                                        "rating": 1})))
    q = cascade.parse(text)
    rules = tiny_parser.parse(text)
    assert (q.intent, q.title, q.rating) == (rules.intent, rules.title, rules.rating)
    assert q.rating is None and "write" in q.fallback_reason
    server.answer(Reply(status=500, body=b"down"))
    q = cascade.parse("what's the weather")
    assert (q.intent, q.parser, q.fallback_reason) == (Intent.UNKNOWN, "llm-fallback",
                                                       "http 500: down")


def test_the_context_goes_to_the_llm_after_the_fixed_prompt(cascade, server):
    """(llm-only here: the rules read this one without help.)"""
    server.answer(Reply(body=tool_call({"intent": "similar", "titles": ["Contact"]})))
    ctx = ConversationContext(shown=("Fargo (1996)", "Scream (1996)", "Contact (1997)"))
    q = cascade.llm.parse("something in the vein of the third pick", context=ctx)
    messages = server.requests[0]["json"]["messages"]
    assert [m["role"] for m in messages] == ["system", "system", "user"]
    assert "3. Contact (1997)" in messages[1]["content"]
    assert (q.intent, q.ref, q.titles) == (Intent.SIMILAR, 3, ())   # the title -> ref
