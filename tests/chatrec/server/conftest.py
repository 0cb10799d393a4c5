"""Fixtures of the web page tests: `browser` (headless Chromium; where it is missing
its tests are skipped loudly, or fail under CI: tests/components.py), `stub_url` (the
page over a scripted API, tests/chatrec/webpage.py) and `live` (one real `chatrec
serve` per test module on a trained ML-100K home; each test's browser starts with
empty storage, so each test is its own conversation)."""
from __future__ import annotations

import pytest

from tests.chatrec.cdp import Browser, find_chromium
from tests.chatrec.homes import copy_trained


@pytest.fixture
def browser():
    b = Browser(find_chromium())
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def stub_url():
    from tests.chatrec.webpage import start_stub

    server, url = start_stub()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def live(tmp_path_factory, trained_home_cache):
    from tests.chatrec.serving import Server

    home = copy_trained(trained_home_cache, tmp_path_factory.mktemp("live-home"))
    server = Server(home)
    yield server
    server.stop()
