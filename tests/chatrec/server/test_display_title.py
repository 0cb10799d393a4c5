"""Every film the HTTP API returns carries the title as the reply says it
("The Empire Strikes Back") beside the catalog's own ("Empire Strikes Back, The"), so a
client need not re-implement the article rule (issue 19)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from chatrec.server.app import create_app
from tests.chatrec.fakes import tiny_service

EMPIRE = {"title": "Empire Strikes Back, The", "display_title": "The Empire Strikes Back"}


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tiny_service(tmp_path / "s.db")),
                    raise_server_exceptions=False) as c:
        yield c


def titles(items):
    return [{"title": i["title"], "display_title": i["display_title"]} for i in items]


def test_chat_items_say_the_title_as_the_reply_does(client):
    body = client.post("/chat", json={"message": "movies like star wars"}).json()
    first = body["items"][0]
    assert titles([first]) == [EMPIRE]
    # a title without a trailing article is its own display title
    assert all(i["display_title"] == i["title"] for i in body["items"]
               if not i["title"].endswith(", The"))
    session = client.get(f"/sessions/{body['session_id']}").json()
    assert titles(session["transcript"][-1]["items"])[0] == EMPIRE


def test_search_and_similar_items_carry_it_too(client):
    found = client.get("/items", params={"search": "empire strikes"}).json()["items"]
    assert EMPIRE in titles(found)
    star_wars = next(i for i in client.get("/items", params={"search": "star wars"})
                     .json()["items"] if i["title"] == "Star Wars")
    similar = client.get(f"/items/{star_wars['item_id']}/similar", params={"k": 3}).json()
    assert similar["item"]["display_title"] == "Star Wars"
    assert EMPIRE in titles(similar["items"])


def test_the_openapi_schema_documents_it(client):
    item = client.get("/openapi.json").json()["components"]["schemas"]["ScoredItem"]
    assert "display_title" in item["properties"] and "display_title" in item["required"]
