"""A real `chatrec serve` process on 127.0.0.1: durability across a restart and a
`kill -9`, bad input over the wire, two workers sharing the sessions database, and
beyond one machine: two servers (standing in for two hosts) sharing one conversation
through PostgreSQL, with /metrics summing every worker (multiprocess mode)."""
from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from chatrec.cli.main import main

pytestmark = pytest.mark.movielens


def test_acknowledged_rating_survives_kill_9(trained_home, servers):
    s = servers(trained_home)
    ack = s.chat("I loved Fargo")
    sid = ack["session_id"]
    assert ack["reply"].startswith("Noted: you loved Fargo (1996) (5/5)")
    s.kill9()  # no shutdown, no checkpoint: only what was committed survives
    s2 = servers(trained_home)
    sess = httpx.get(s2.url + f"/sessions/{sid}").json()
    assert sess["ratings"] == [{"item_id": 100, "title": "Fargo", "rating": 5.0}]
    assert sess["turns"] == 1
    picks = s2.chat("recommend something", sid)
    # the restarted server folds the rating in: personal picks, Fargo itself excluded
    # (one rating makes a newcomer: the first list is the checklist, issue 21)
    assert picks["checklist"] and picks["items"]
    assert "Fargo" not in [it["title"] for it in picks["items"]]


def test_session_survives_a_restart_and_more_continues(trained_home, servers):
    s = servers(trained_home)
    first = s.chat("movies like Star Wars")
    sid = first["session_id"]
    titles = [it["title"] for it in first["items"]]
    assert "Empire Strikes Back, The" in titles and "Return of the Jedi" in titles
    s.stop()
    s2 = servers(trained_home)
    more = s2.chat("show me more", sid)
    assert more["reply"].startswith("More films like Star Wars")
    assert not {it["item_id"] for it in more["items"]} & {it["item_id"] for it in first["items"]}
    assert httpx.get(s2.url + f"/sessions/{sid}").json()["turns"] == 2


def test_bad_input_over_the_wire_keeps_the_server_healthy(trained_home, servers):
    s = servers(trained_home)
    h = {"content-type": "application/json"}
    cases = [
        (b'{"message": "caf\xe9"}', 400), (b'{"message": ', 422), (b"[]", 422),
        (b'{"message": ""}', 422), (b'{"message": "' + b"x" * 2001 + b'"}', 422),
        (b'{"message": "hi", "session_id": "../etc"}', 422),
        (b'{"message": "hi", "user_id": 1.5}', 422),
    ]
    for body, status in cases:
        r = httpx.post(s.url + "/chat", content=body, headers=h)
        assert r.status_code == status and r.json()["detail"], (body, r.text)
    assert httpx.get(s.url + "/users/99999/recommendations").status_code == 404
    assert httpx.get(s.url + "/items/99999/similar").status_code == 404
    assert httpx.get(s.url + "/items/1/similar?k=500").status_code == 422
    assert "Traceback" not in s.output()
    assert httpx.get(s.url + "/health").json()["status"] == "ok"
    assert s.chat("hi")["reply"]


def test_two_workers_share_sessions(trained_home, servers):
    s = servers(trained_home, workers=2)
    assert "<html" in httpx.get(s.url + "/").text.lower()
    sid = s.chat("I loved Toy Story")["session_id"]
    # fresh connections spread over both workers; every one must see the rating, and
    # the newcomer's checklist asked once (issue 21): a worker that missed it asks again
    for n in range(8):
        body = s.chat("recommend", sid)
        assert body["checklist"] == (n == 0)
        # personal picks (not the popular fallback) exist only if the rating was seen;
        # the same request again pages on ("More picks for you")
        assert n == 0 or body["reply"].startswith(("Picks for you", "More picks for you"))
        assert "Toy Story" not in [it["title"] for it in body["items"]]
    assert httpx.get(s.url + f"/sessions/{sid}").json()["turns"] == 9


def turns_counted(server) -> float:
    text = httpx.get(server.url + "/metrics").text
    return sum(s.value for fam in text_string_to_metric_families(text) for s in fam.samples
               if s.name == "chatrec_turns_total")


def test_two_servers_share_one_conversation_through_postgres(trained_home, servers, pg_url):
    a = servers(trained_home, 2, "--sessions", pg_url)
    b = servers(trained_home, CHATREC_SESSIONS_URL=pg_url)
    sid = a.chat("I loved Toy Story")["session_id"]   # issued by a, known to b too
    for n in range(6):   # alternate hosts; fresh connections spread over a's workers
        body = (a if n % 2 else b).chat("recommend", sid)
        assert body["checklist"] == (n == 0)      # a newcomer's checklist, asked once
        assert n == 0 or body["reply"].startswith(("Picks for you", "More picks"))  # rated
        assert "Toy Story" not in [it["title"] for it in body["items"]]
    assert turns_counted(a) == 4 and turns_counted(b) == 3   # both workers of a summed
    a.chat("I hated Titanic", sid)
    a.kill9()            # acknowledged: must survive the host's death
    s = httpx.get(b.url + f"/sessions/{sid}").json()
    assert s["turns"] == 8
    assert {r["title"]: r["rating"] for r in s["ratings"]} == {"Toy Story": 5.0,
                                                               "Titanic": 1.0}


@pytest.mark.needs("psycopg")   # without it the error is "install chatrec[postgres]"
def test_unreachable_sessions_url_is_one_line_and_exit_3(trained_home, capsys, monkeypatch):
    monkeypatch.setenv("CHATREC_SESSIONS_URL", "")  # serve sets it: restored after the test
    code = main(["serve", "--sessions", "postgresql://chatrec:pw@127.0.0.1:1/chatrec"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) - err.count("") >= 1
    assert err[-1].startswith("chatrec: error: CHATREC_SESSIONS_URL: cannot use PostgreSQL at "
                              "postgresql://chatrec:***@127.0.0.1:1/chatrec: ")
    assert "pw@" not in "\n".join(err)
