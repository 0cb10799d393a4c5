"""API keys and trusted hosts (chatrec/server/access.py), alone and through the HTTP app."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chatrec.errors import Unauthorized
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
