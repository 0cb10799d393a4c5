"""Chat turns through the LLM parser against a fake OpenAI-compatible server, on the
real ML-100K stack: an unguarded LLM answer writes nothing to the session, and the
conversation (the last list) reaches the LLM."""
from __future__ import annotations

import pytest

from tests.intents.fake_llm import FakeLLM, Reply, in_content, tool_call

pytestmark = pytest.mark.movielens


@pytest.fixture
def llm_service(trained_home, monkeypatch):
    from chatrec.service import build_service

    with FakeLLM() as server:
        monkeypatch.setenv("CHATREC_LLM_BASE_URL", server.url)
        monkeypatch.setenv("CHATREC_LLM_MODEL", "fake")
        yield build_service(parser_spec="llm-only"), server


def test_star_wars_as_a_one_star_rating_writes_nothing(llm_service):
    service, server = llm_service
    # what the 1.5B model answered on llama.cpp's server (issue 12)
    server.answer(Reply(body=in_content({"titles": ["star wors"], "rating": 1},
                                        name="rate")))
    body = service.turn("something like star wors")
    assert body["query"]["parser"] == "llm-fallback"
    assert body["query"]["intent"] == "similar" and body["query"]["rating"] is None
    assert "Noted" not in body["reply"] and body["items"]
    session = service.get_session(body["session_id"])
    assert session["ratings"] == [] and session["seen"] == []


def test_the_last_list_reaches_the_llm(llm_service):
    service, server = llm_service
    server.answer(Reply(body=tool_call({"intent": "popular", "genres": ["Comedy"], "k": 3})))
    first = service.turn("top 3 comedies")
    assert first["query"]["parser"] == "llm" and len(first["items"]) == 3
    server.answer(Reply(body=tool_call({"intent": "why", "ref": 2})))
    second = service.turn("why the second one?", session_id=first["session_id"])
    context = server.requests[-1]["json"]["messages"][1]
    assert context["role"] == "system"
    listed = [f"{n}. {it['title']}" for n, it in enumerate(first["items"], 1)]
    assert all(line in context["content"] for line in listed)
    assert second["query"]["intent"] == "why" and second["query"]["ref"] == 2
    assert "#2 of the last list" in second["reply"]
