"""API keys and trusted hosts (chatrec/server/access.py), alone and through the HTTP app."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chatrec.errors import Unauthorized, UsageError
from chatrec.server.access import ApiKeys, trusted_hosts
from chatrec.server.app import create_app
from chatrec.server.settings import ServerSettings
from tests.chatrec.fakes import tiny_service


def test_without_keys_everyone_is_the_same_owner():
    keys = ApiKeys.from_env({})
    assert not keys.enabled and keys.owner(None) is None and keys.owner("Bearer x") is None


def test_keys_give_a_stable_owner_that_is_not_the_key():
    keys = ApiKeys.from_env({"CHATREC_API_KEYS": "alpha-key, beta-key,"})
    a, b = keys.owner("Bearer alpha-key"), keys.owner("bearer  beta-key ")
    assert a and b and a != b and a == keys.owner("Bearer alpha-key")
    assert "alpha" not in a
    for bad in (None, "", "Bearer", "Bearer gamma", "Basic alpha-key", "alpha-key"):
        with pytest.raises(Unauthorized):
            keys.owner(bad)


@pytest.mark.parametrize("bind,extra,expected", [
    ("127.0.0.1", (), ("localhost", "127.0.0.1", "[::1]")),
    ("192.168.1.5", (), ("localhost", "127.0.0.1", "[::1]", "192.168.1.5")),
    ("::1", (), ("localhost", "127.0.0.1", "[::1]")),
    ("0.0.0.0", (), ("*",)),
    ("0.0.0.0", ("chat.example",), ("localhost", "127.0.0.1", "[::1]", "chat.example")),
    ("127.0.0.1", ("*",), ("*",)),
])
def test_trusted_hosts(bind, extra, expected):
    assert trusted_hosts(bind, extra) == expected


@pytest.fixture
def keyed(tmp_path):
    app = create_app(tiny_service(tmp_path / "s.db", client_session_ids=False),
                     keys=ApiKeys(["alpha", "beta"]))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_api_keys_guard_the_data_routes_but_not_health_or_the_docs(keyed):
    for method, url in (("post", "/chat"), ("get", "/items?search=alien"),
                        ("get", "/users/1/recommendations"), ("get", "/items/1/similar"),
                        ("get", "/sessions/abc")):
        kw = {"json": {"message": "hi"}} if method == "post" else {}
        r = getattr(keyed, method)(url, **kw)
        assert r.status_code == 401, url
        assert r.headers["www-authenticate"] == "Bearer" and "API key" in r.json()["detail"]
    assert keyed.get("/items?search=alien", headers=bearer("alpha")).status_code == 200
    assert keyed.get("/health").status_code == 200
    assert keyed.get("/docs").status_code == 200 and keyed.get("/").status_code == 200


def test_a_session_belongs_to_the_key_that_created_it(keyed):
    body = keyed.post("/chat", json={"message": "i loved fargo"}, headers=bearer("alpha"))
    sid = body.json()["session_id"]
    mine = keyed.get(f"/sessions/{sid}", headers=bearer("alpha"))
    assert mine.status_code == 200 and mine.json()["ratings"][0]["title"] == "Fargo"
    # to another key it does not exist: no reading, continuing or deleting it
    assert keyed.get(f"/sessions/{sid}", headers=bearer("beta")).status_code == 404
    r = keyed.post("/chat", json={"message": "i loved scream", "session_id": sid},
                   headers=bearer("beta"))
    assert r.status_code == 404
    assert keyed.delete(f"/sessions/{sid}", headers=bearer("beta")).status_code == 404
    assert keyed.get(f"/sessions/{sid}", headers=bearer("alpha")).json()["turns"] == 1


def test_only_trusted_host_headers_are_served(tmp_path):
    settings = ServerSettings(trusted_hosts=trusted_hosts("127.0.0.1"))
    app = create_app(tiny_service(tmp_path / "s.db"), settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/health").status_code == 200
        assert c.get("/health", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/health", headers={"Host": "[::1]:8000"}).status_code == 200
        r = c.get("/health", headers={"Host": "attacker.example"})  # DNS rebinding
        assert r.status_code == 400
        r = c.post("/chat", json={"message": "hi"}, headers={"Host": "attacker.example"})
        assert r.status_code == 400


# ---- issue 18 ---------------------------------------------------------------------
@pytest.mark.parametrize("raw", [",", " ", " , ,", ",,,"])
def test_a_key_list_without_a_usable_key_is_refused_not_open(raw):
    """Finding: CHATREC_API_KEYS="," or " " ran a fully open server, without a word."""
    with pytest.raises(UsageError, match="holds no key"):
        ApiKeys.from_env({"CHATREC_API_KEYS": raw})
    with pytest.raises(UsageError, match="holds no key"):  # what `serve` reads at start
        ServerSettings.from_env({"CHATREC_API_KEYS": raw})
    assert not ApiKeys.from_env({"CHATREC_API_KEYS": ""}).enabled  # empty = unset


def test_a_non_ascii_key_authenticates_as_utf8_and_as_latin1():
    """Finding: header values are read as latin-1 and keys hashed as UTF-8, so a key
    such as 'clé-secrète' could never match."""
    keys = ApiKeys(["clé-secrète", "ascii-key"])
    owner = keys.owner("Bearer " + "clé-secrète".encode().decode("latin-1"))  # curl
    assert owner and owner == keys.owner("Bearer clé-secrète")  # fetch(): one byte each
    assert owner != keys.owner("Bearer ascii-key")
    with pytest.raises(Unauthorized):
        keys.owner("Bearer " + "cle-secrete")


def test_a_non_ascii_key_works_over_http(tmp_path):
    app = create_app(tiny_service(tmp_path / "s.db"), keys=ApiKeys(["ключ-42"]))
    with TestClient(app) as c:
        raw = {"Authorization": b"Bearer " + "ключ-42".encode()}  # bytes as sent
        assert c.get("/items?search=alien", headers=raw).status_code == 200
        assert c.get("/items?search=alien", headers={"Authorization": b"Bearer x"}
                     ).status_code == 401


def test_report_and_metrics_follow_the_key_rule(tmp_path, monkeypatch):
    """Finding: /report and /metrics answered without a key on a keyed server."""
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    app = create_app(tiny_service(tmp_path / "s.db"), keys=ApiKeys(["alpha"]))
    with TestClient(app, raise_server_exceptions=False) as c:
        for url in ("/report", "/metrics"):
            r = c.get(url)
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.get("/metrics", headers=bearer("alpha")).status_code == 200
        assert c.get("/report", headers=bearer("alpha")).status_code in (200, 503)
        assert c.get("/health").status_code == 200 and c.get("/").status_code == 200
    # the documented way to open the report (its charts are of the public dataset)
    app = create_app(tiny_service(tmp_path / "s2.db"), ServerSettings(public_report=True),
                     keys=ApiKeys(["alpha"]))
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/report").status_code in (200, 503)
        assert c.get("/metrics").status_code == 401


@pytest.fixture
def client_ids(tmp_path):
    """Keys on, and clients may choose their session ids (`--client-session-ids`)."""
    app = create_app(tiny_service(tmp_path / "s.db", client_session_ids=True),
                     keys=ApiKeys(["alpha", "beta"]))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_client_chosen_ids_are_scoped_by_key(client_ids):
    """Finding: with --client-session-ids and keys, key A posting "alice" squatted the id
    (key B then got 404), and the 404/200 difference told A whether B used an id."""
    c = client_ids
    a = c.post("/chat", json={"message": "i loved fargo", "session_id": "alice"},
               headers=bearer("alpha"))
    assert a.status_code == 200 and a.json()["session_id"] == "alice"
    b = c.post("/chat", json={"message": "i loved scream", "session_id": "alice"},
               headers=bearer("beta"))
    assert b.status_code == 200 and b.json()["session_id"] == "alice"
    mine = c.get("/sessions/alice", headers=bearer("alpha")).json()
    theirs = c.get("/sessions/alice", headers=bearer("beta")).json()
    assert [r["title"] for r in mine["ratings"]] == ["Fargo"] and mine["session_id"] == "alice"
    assert [r["title"] for r in theirs["ratings"]] == ["Scream"]
    assert c.delete("/sessions/alice", headers=bearer("beta")).json()["deleted"] is True
    assert c.get("/sessions/alice", headers=bearer("beta")).status_code == 404
    assert c.get("/sessions/alice", headers=bearer("alpha")).json()["turns"] == 1


def test_whether_another_key_uses_an_id_changes_no_answer(client_ids):
    c = client_ids

    def answers(sid):
        return [(r.status_code, r.json().get("detail")) for r in (
            c.get(f"/sessions/{sid}", headers=bearer("alpha")),
            c.delete(f"/sessions/{sid}", headers=bearer("alpha")))]

    c.post("/chat", json={"message": "hi", "session_id": "taken"}, headers=bearer("beta"))
    # and one of beta's stored under the plain id (as before ids were scoped)
    from chatrec.sessions.state import TurnEffects
    beta = c.app.state.keys.owner("Bearer beta")
    c.app.state.service.sessions.apply("legacy", TurnEffects(), owner=beta)
    assert c.get("/sessions/legacy", headers=bearer("beta")).json()["turns"] == 1
    for sid in ("taken", "legacy"):
        assert answers(sid) == [(404, f"no session '{sid}'")] * 2
    assert answers("free") == [(404, "no session 'free'")] * 2
    # a server-issued id keeps working for its key, and only for it
    sid = c.post("/chat", json={"message": "hi"}, headers=bearer("alpha")).json()["session_id"]
    again = c.post("/chat", json={"message": "i loved fargo", "session_id": sid},
                   headers=bearer("alpha"))
    assert again.json()["session_id"] == sid
    assert c.get(f"/sessions/{sid}", headers=bearer("alpha")).json()["turns"] == 2
    assert c.get(f"/sessions/{sid}", headers=bearer("beta")).status_code == 404
