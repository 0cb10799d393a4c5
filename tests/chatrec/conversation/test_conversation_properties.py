"""Property tests over whole conversations (hypothesis): no message or sequence of
messages makes a turn raise, every reply says something, and no list ever breaks the
constraints its request stated or offers a film the session rated or marked seen."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatrec.parsers import title_catalog
from chatrec.service import ChatService
from chatrec.sessions.sqlite import SQLiteSessionStore
from intents.rules.parser import RuleParser
from tests.chatrec.fakes import tiny_bundle

PHRASES = ["movies like star wars", "more", "5 more", "the second one", "why?", "yes", "2",
           "no", "tell me about it", "I loved the first one", "I've seen it", "not for me",
           "only comedies", "without horror", "from the 80s", "before 1970", "just 3",
           "fewer", "top 10", "what's popular", "recommend something", "sci-fi horror",
           "comedies but not comedy", "from the 90s before 1950", "movies from 3000",
           "the 12th one", "all of them", "I hated Titanic and Fargo", "help", "thanks",
           "movies like aliens and fargo", "who directed alien?", "alein", "hi", "#3",
           "something like it", "I've seen them all", "the last one was great", "🎬", "?"]
STEPS = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40)),
                 min_size=1, max_size=12)
LIST_INTENTS = ("similar", "recommend", "popular")


def service(path):
    bundle = tiny_bundle()
    parser = RuleParser(title_catalog(bundle.catalog, bundle.ratings))
    return ChatService(bundle, parser, SQLiteSessionStore(path))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(messages=STEPS)
def test_no_conversation_breaks_a_turn_or_a_constraint(tmp_path, messages):
    svc = service(tmp_path / "s.db")
    sid = None
    cat = svc.bundle.catalog
    for message in messages:
        if not message.strip():
            continue
        body = svc.turn(message, sid)
        sid = body["session_id"]
        assert body["reply"].strip()
        q, items = body["query"], body["items"]
        session = svc.get_session(sid)
        kept = {str(r["item_id"]) for r in session["ratings"]} | \
            {str(s["item_id"]) for s in session["seen"]}
        if q["intent"] in LIST_INTENTS and not q.get("unknown_title"):
            for it in items:
                assert str(it["item_id"]) not in kept or q["intent"] == "info"
                assert set(q["genres"]) <= set(it["genres"])
                assert not set(q["exclude_genres"]) & set(it["genres"])
                year = cat.years[cat.index_of(it["item_id"])]
                assert q["year_from"] is None or year >= q["year_from"]
                assert q["year_to"] is None or year <= q["year_to"]
