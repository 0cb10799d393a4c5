"""The HTTP API through FastAPI's TestClient on the tiny stack: every endpoint, and
every kind of bad input -> a 4xx JSON with a message, the server healthy after."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chatrec.server.app import create_app
from tests.chatrec.fakes import tiny_service


@pytest.fixture
def client(tmp_path):
    # raise_server_exceptions=False: a 5xx must show up as a response, not be hidden
    with TestClient(create_app(tiny_service(tmp_path / "s.db", client_session_ids=False)),
                    raise_server_exceptions=False) as c:
        yield c


def test_chat_starts_and_continues_a_session(client):
    r = client.post("/chat", json={"message": "movies like star wars"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"session_id", "reply", "query", "items", "checklist"}
    assert body["checklist"] is False      # a list asked for by title, not a newcomer's checklist
    assert [i["title"] for i in body["items"][:2]] == ["Empire Strikes Back, The",
                                                      "Return of the Jedi"]
    assert set(body["items"][0]) == {"item_id", "title", "display_title", "year", "genres",
                                     "score", "reason"}
    sid = body["session_id"]
    more = client.post("/chat", json={"message": "more", "session_id": sid}).json()
    assert more["session_id"] == sid
    assert not {i["item_id"] for i in more["items"]} & {i["item_id"] for i in body["items"]}


def test_session_ids_are_issued_by_the_server(client):
    r = client.post("/chat", json={"message": "recommend", "session_id": "my-s_1",
                                   "user_id": 1})
    assert r.status_code == 404 and "unknown session 'my-s_1'" in r.json()["detail"]
    sid = client.post("/chat", json={"message": "hi"}).json()["session_id"]
    assert len(sid) == 22  # 128 random bits, URL-safe
    r = client.post("/chat", json={"message": "recommend", "session_id": sid, "user_id": 1})
    assert r.status_code == 200 and r.json()["reply"] == "Picks for user 1:"
    r = client.post("/chat", json={"message": "recommend", "user_id": "1"})
    assert r.json()["reply"] == "Picks for user 1:"  # string ids work too


def test_nobody_can_take_over_a_session_by_naming_it(client):
    """The finding: a second client created "alice" with "I loved Scream", and Alice's
    picks then said "because you liked Scream"."""
    r = client.post("/chat", json={"message": "i loved scream", "session_id": "alice"})
    assert r.status_code == 404
    alice = client.post("/chat", json={"message": "i loved star wars"}).json()["session_id"]
    picks = client.post("/chat", json={"message": "recommend", "session_id": alice}).json()
    assert all("Scream" not in (i["reason"] or "") for i in picks["items"])
    assert client.get("/sessions/alice").status_code == 404


def test_client_session_ids_is_an_operator_opt_in(tmp_path):
    svc = tiny_service(tmp_path / "s.db", client_session_ids=True)
    with TestClient(create_app(svc), raise_server_exceptions=False) as c:
        r = c.post("/chat", json={"message": "recommend", "session_id": "my-s_1"})
        assert r.status_code == 200 and r.json()["session_id"] == "my-s_1"
        assert c.get("/sessions/my-s_1").json()["turns"] == 1


def test_session_endpoints(client):
    sid = client.post("/chat", json={"message": "i loved fargo"}).json()["session_id"]
    r = client.get(f"/sessions/{sid}")
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("session_id", "user_id", "turns", "ratings", "seen")} == {
        "session_id": sid, "user_id": None, "turns": 1, "seen": [],
        "ratings": [{"item_id": 6, "title": "Fargo", "rating": 5.0}]}
    assert [t["message"] for t in body["transcript"]] == ["i loved fargo"]
    assert client.delete(f"/sessions/{sid}").json() == {"session_id": sid, "deleted": True}
    assert client.get(f"/sessions/{sid}").status_code == 404
    assert client.delete(f"/sessions/{sid}").status_code == 404
    r = client.post("/chat", json={"message": "more", "session_id": sid})
    assert r.status_code == 404  # a deleted session is not re-created by its old id


def test_direct_endpoints(client):
    r = client.get("/users/1/recommendations", params={"k": 3})
    assert r.status_code == 200 and r.json()["user_id"] == 1 and len(r.json()["items"]) == 3
    r = client.get("/items/1/similar", params={"k": 2})
    assert [i["item_id"] for i in r.json()["items"]] == [2, 3]
    r = client.get("/items", params={"search": "alien"})
    assert [i["title"] for i in r.json()["items"]] == ["Alien", "Aliens"]
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["items"] == 10 and h["users"] == 6


def test_index_page_and_docs(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text.lower()
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/chat", "/health", "/users/{user_id}/recommendations", "/items/{item_id}/similar",
            "/items", "/sessions/{session_id}"} <= set(paths)


JSON = {"content-type": "application/json"}
BAD_CHAT = [
    ("empty message", {"json": {"message": ""}}, 422),
    ("blank message", {"json": {"message": "  \t "}}, 422),
    ("too long", {"json": {"message": "x" * 2001}}, 422),
    ("no message", {"json": {}}, 422),
    ("message not a string", {"json": {"message": 5}}, 422),
    ("message a list", {"json": {"message": ["hi"]}}, 422),
    ("user id a bool", {"json": {"message": "hi", "user_id": True}}, 422),
    ("user id a float", {"json": {"message": "hi", "user_id": 1.5}}, 422),
    ("user id an object", {"json": {"message": "hi", "user_id": {}}}, 422),
    ("session id with space", {"json": {"message": "hi", "session_id": "a b"}}, 422),
    ("session id too long", {"json": {"message": "hi", "session_id": "x" * 65}}, 422),
    ("session id empty", {"json": {"message": "hi", "session_id": ""}}, 422),
    ("session id a number", {"json": {"message": "hi", "session_id": 5}}, 422),
    ("body a list", {"json": ["hi"]}, 422),
    ("body null", {"content": b"null", "headers": JSON}, 422),
    ("invalid json", {"content": b'{"message": ', "headers": JSON}, 422),
    ("not utf-8", {"content": b'{"message": "caf\xe9"}', "headers": JSON}, 400),
    ("binary garbage", {"content": b"\xff\xfe\x00\x81", "headers": JSON}, 422),
    ("plain text body", {"content": b"hello", "headers": {"content-type": "text/plain"}}, 422),
]


@pytest.mark.parametrize("name,kwargs,status", BAD_CHAT, ids=[b[0] for b in BAD_CHAT])
def test_bad_chat_requests_are_4xx_with_a_message(client, name, kwargs, status):
    r = client.post("/chat", **kwargs)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail and "Traceback" not in r.text
    if isinstance(detail, list):
        assert all(e["msg"] and e["loc"] for e in detail)
    else:
        assert "UTF-8" in detail
    assert client.get("/health").json()["status"] == "ok"


BAD_GETS = [
    ("/users/999/recommendations", 404, "unknown user"),
    ("/users/1/recommendations?k=0", 422, "greater than or equal to 1"),
    ("/users/1/recommendations?k=51", 422, "less than or equal to 50"),
    ("/users/1/recommendations?k=abc", 422, "valid integer"),
    ("/items/999/similar", 404, "unknown item"),
    ("/items/1/similar?k=-1", 422, "greater than or equal to 1"),
    ("/items/abc/similar", 404, "unknown item"),
    ("/items?limit=0", 422, "greater than or equal to 1"),
    ("/sessions/nope", 404, "no session"),
    ("/sessions/bad%20id", 422, "pattern"),
    ("/sessions/" + "x" * 65, 422, "pattern"),
    ("/nowhere", 404, "Not Found"),
]


@pytest.mark.parametrize("url,status,text", BAD_GETS, ids=[b[0] for b in BAD_GETS])
def test_bad_gets_are_4xx_with_a_message(client, url, status, text):
    r = client.get(url)
    assert r.status_code == status
    assert text in str(r.json()["detail"])
    assert client.get("/health").status_code == 200


def test_unexpected_errors_are_a_bare_500_json(tmp_path):
    svc = tiny_service(tmp_path / "s.db")

    def boom(*a, **k):
        raise RuntimeError("secret internals")
    svc.parser.parse = boom
    with TestClient(create_app(svc), raise_server_exceptions=False) as c:
        r = c.post("/chat", json={"message": "hi"})
        assert r.status_code == 500 and r.json() == {"detail": "internal error"}
        assert "secret" not in r.text
        assert c.get("/health").status_code == 200


@pytest.mark.movielens
def test_app_factory_and_lazy_service_build(trained_home):
    """What uvicorn workers call, and create_app() with no service (built on first use)."""
    from chatrec.server.app import app_factory
    for app in (app_factory(), create_app()):
        with TestClient(app, raise_server_exceptions=False) as c:
            h = c.get("/health").json()
            assert (h["dataset"], h["items"], h["users"], h["ratings"]) == (
                "ml-100k", 1682, 943, 100000)
            body = c.post("/chat", json={"message": "movies like star wars"}).json()
            assert "Return of the Jedi" in [i["title"] for i in body["items"]]
    assert (trained_home / "sessions.sqlite3").exists()


def test_a_blocking_parser_runs_off_the_event_loop(tmp_path):
    """An LLM-style parser (no `blocking = False`) goes through the thread pool."""
    import threading
    svc = tiny_service(tmp_path / "s.db")
    seen = []
    inner = svc.parser.parse

    class SlowParser:
        def parse(self, text):
            seen.append(threading.current_thread().name)
            return inner(text)
    from chatrec.service import parser_blocks
    svc.parser = SlowParser()
    svc.parser_blocks = parser_blocks(svc.parser)
    assert svc.parser_blocks is True
    with TestClient(create_app(svc)) as c:
        assert c.post("/chat", json={"message": "hi"}).status_code == 200
    svc.parser_blocks = False  # the rule parser's path: on the event loop's thread
    with TestClient(create_app(svc)) as c:
        assert c.post("/chat", json={"message": "hi"}).status_code == 200
    assert seen[0].startswith("AnyIO worker") and not seen[1].startswith("AnyIO worker")
