""""more like that" with no list yet continues from the film the conversation is about
(chatrec/conversation/followups.py: focus_seed), on the tiny known catalog."""
from __future__ import annotations

from chatrec.conversation.dispatch import Context, Dispatcher
from chatrec.sessions.state import SessionState
from intents.query import Intent, Query
from tests.chatrec.fakes import tiny_bundle


def dispatcher():
    return Dispatcher(tiny_bundle(), checklist=False)


def test_more_after_a_rated_film_lists_films_like_it():
    d = dispatcher()
    state = SessionState("s")
    state.focus = "1"                    # "Star Wars is one of my all-time faves"
    r = d.handle(Query(Intent.MORE, k=2), state, Context())
    assert r.text == "Films like Star Wars (1977):"
    assert [it["title"] for it in r.items] == ["Empire Strikes Back, The", "Return of the Jedi"]
    assert r.effects.last_query["intent"] == "similar" and r.effects.last_query["item_ids"] == [1]


def test_more_with_nothing_to_go_on_says_so():
    r = dispatcher().handle(Query(Intent.MORE, k=2), SessionState("s"), Context())
    assert r.text.startswith("There is no list to continue yet") and r.items == []
