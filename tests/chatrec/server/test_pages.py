"""The pages around the API (issue 19): /favicon.ico exists, /redoc asks no CDN for
anything, and /report links back to the chat and says how to get model results."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from chatrec.server.app import create_app
from tests.chatrec.fakes import tiny_service


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path / "home"))
    with TestClient(create_app(tiny_service(tmp_path / "s.db")),
                    raise_server_exceptions=False) as c:
        yield c


def test_favicon_is_an_icon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"          # the ICO header
    page = client.get("/").text
    assert '<link rel="icon" href="favicon.ico"' in page


def test_redoc_loads_nothing_from_another_host(client):
    page = client.get("/redoc").text
    assert "Content-Security-Policy" in page and "img-src 'self' data: blob:" in page
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert client.get("/static-offline-docs/redoc.standalone.js").status_code == 200
    assert client.get("/docs").status_code == 200        # Swagger UI is still there


def test_report_links_back_to_the_chat_and_says_how_to_get_results(client):
    page = client.get("/report")
    assert page.status_code == 200
    assert '<nav><a href="./">← Back to the chat</a></nav>' in page.text
    assert "No evaluation results yet" in page.text
    assert "run <code>chatrec eval</code> where this server runs" in page.text
