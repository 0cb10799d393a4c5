"""The web chat page in headless Chromium, driven over the DevTools protocol.

Two servers: a stdlib stub that serves the real page and a scripted API (greeting,
errors and retry; no dataset needed), and a real `chatrec serve` process on 127.0.0.1
(card actions, reload, completion, layout at 360 and 1280 px); the helpers and the stub
are in tests/chatrec/webpage.py, the fixtures in conftest.py. The defects a newcomer
found (issue 19) have their own tests in test_web_*.py. Screenshots go to
$CHATREC_SCREENSHOTS (default: the test's tmp dir).
"""
from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import httpx
import pytest

from tests.chatrec.cdp import Browser
from tests.chatrec.serving import Server
from tests.chatrec.webpage import (
    CARDS,
    FILMS,
    Stub,
    bar_top,
    click,
    click_at,
    count,
    error_text,
    last_reply,
    open_page,
    pressed,
    rect,
    send,
    session_of,
    wait_count,
)


def test_first_screen_greets_and_an_example_starts_a_conversation(browser, stub_url):
    open_page(browser, stub_url)
    greeting = browser.wait_for("document.querySelector('[data-testid=greeting] .reply')"
                                ".textContent.includes('3 films')")
    assert greeting
    assert count(browser, "[data-testid=greeting] .chip") >= 4
    click(browser, "[data-testid=greeting] .chip", 0)
    wait_count(browser, FILMS, 1)
    # no session id yet; 'panel': the page draws a checklist as a panel to tap
    assert Stub.seen[0] == {"message": "movies like Star Wars", "panel": True}
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"
    assert browser.eval("document.querySelector('#log b')") is None  # text, never HTML
    send(browser, "more please")
    wait_count(browser, FILMS, 2)
    assert Stub.seen[1] == {"message": "more please", "session_id": "s-1", "panel": True}


def test_card_action_sends_the_typed_turn_by_title(browser, stub_url):
    open_page(browser, stub_url)
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    for key, expected in (("loved", "I loved The Empire Strikes Back (1980)"),
                          ("dislike", "The Empire Strikes Back (1980) is not for me"),
                          ("why", "why The Empire Strikes Back (1980)?")):
        n = len(Stub.seen)
        click(browser, f"{FILMS} [data-action={key}]", 0)
        browser.wait_for(f"!!document.querySelectorAll('.msg.bot').length && "
                         f"document.querySelectorAll('{FILMS}').length >= {n + 1}")
        assert Stub.seen[-1]["message"] == expected
    # the stored rating is the last one ("not for me"): on every card of that film
    browser.wait_for(f"document.querySelector('{FILMS} [data-action=dislike]')"
                     ".getAttribute('aria-pressed') === 'true'")
    assert pressed(browser, 0) == pressed(browser, -1) == {
        "loved": False, "seen": False, "dislike": True}


def test_errors_are_plain_words_with_a_retry(browser, stub_url):
    open_page(browser, stub_url)
    Stub.replies = [500]
    send(browser, "hello")
    text = error_text(browser)
    assert text.startswith("Something went wrong on the server") and "detail" not in text
    assert count(browser, ".msg.me.failed") == 1
    click(browser, "[data-testid=retry-button]")
    wait_count(browser, FILMS, 1)
    assert [s["message"] for s in Stub.seen] == ["hello", "hello"]    # the same turn again
    assert count(browser, ".msg.me") == 1 and count(browser, ".msg.me.failed") == 0
    assert browser.eval("document.querySelector('[data-testid=error]').hidden")
    # a 422 about the user id is said in plain words, not "Error 422: loc: msg"
    Stub.replies = [422]
    browser.eval("document.querySelector('[data-testid=user-input]').value = 'bob'")
    send(browser, "recommend a comedy")
    assert error_text(browser).startswith("That user id was not accepted")


def test_an_expired_session_starts_a_new_conversation_with_the_same_message(browser,
                                                                          stub_url):
    """Session ids are issued by the server: one it no longer knows is a 404. The
    session still exists when the page looks at it (a focus event may make it look), and
    is gone by the time the turn is posted."""
    Stub.known_sessions = {"gone"}
    open_page(browser, stub_url)
    browser.eval("localStorage.setItem('chatrec.session_id', 'gone')")
    Stub.replies = [404]
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    assert Stub.seen == [{"message": "movies like star wars", "session_id": "gone",
                          "panel": True}, {"message": "movies like star wars", "panel": True}]
    assert browser.eval("localStorage.getItem('chatrec.session_id')") == "s-1"


def test_a_server_with_api_keys_asks_for_one_once_and_sends_it(browser, stub_url):
    Stub.needs_key = True
    open_page(browser, stub_url)
    browser.eval("window.prompt = () => ' k1 '")  # what the person types
    send(browser, "hi")
    wait_count(browser, FILMS, 1)
    assert Stub.auth == [None, "Bearer k1"]
    assert browser.eval("localStorage.getItem('chatrec.api_key')") == "k1"
    browser.eval("window.prompt = () => { throw new Error('asked twice'); }")
    send(browser, "more")
    wait_count(browser, FILMS, 2)
    assert Stub.auth[-1] == "Bearer k1"


def test_page_is_labelled_for_screen_readers(browser, stub_url):
    open_page(browser, stub_url)
    labels = browser.eval("[...document.querySelectorAll('input')].map(i => "
                          "document.querySelector(`label[for=${i.id}]`)?.textContent)")
    assert labels == ["Message", "User id (optional)"]
    log = browser.eval("(() => { const l = document.getElementById('log-region'); "
                       "return [l.getAttribute('role'), l.getAttribute('aria-live'), "
                       "l.firstElementChild.tagName]; })()")
    assert log == ["log", "polite", "OL"]      # a live region around a real list
    assert browser.eval("document.getElementById('message').getAttribute('role')") == "combobox"
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 1)
    names = browser.eval(f"[...document.querySelectorAll('{FILMS} .action')]"
                         ".map(b => b.getAttribute('aria-label'))")
    assert names == [f"{a['label']}: The Empire Strikes Back (1980)" for a in CARDS["actions"]]


# ---------------------------------------------------------------- real server

@pytest.fixture
def server(trained_home):
    s = Server(trained_home)
    yield s
    s.stop()


def film_titles(browser: Browser, list_index: int = -1) -> list[str]:
    return browser.eval(f"[...[...document.querySelectorAll('.films')].at({list_index})"
                        f".querySelectorAll('.title-link')].map(b => b.getAttribute('aria-label')"
                        ".slice('About '.length))")


@pytest.mark.movielens
def test_each_card_action_is_a_durable_turn(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 5)
    films = film_titles(browser)
    ids = browser.eval(f"[...document.querySelectorAll('{FILMS}')]"
                       ".map(e => Number(e.dataset.itemId))")
    expected = {"loved": ("rate", 0), "seen": ("seen", 1), "dislike": ("rate", 2),
                "why": ("why", 3), "similar": ("similar", 4)}
    for key, (intent, card) in expected.items():
        bots = count(browser, ".msg.bot")
        click_at(browser, f"document.querySelectorAll('.films')[0].querySelectorAll("
                          f"'{FILMS}')[{card}].querySelector('[data-action={key}]')")
        wait_count(browser, ".msg.bot", bots + 1)
        template = next(a["text"] for a in CARDS["actions"] if a["key"] == key)
        turn = httpx.get(f"{server.url}/sessions/{session_of(browser)}").json()["transcript"][-1]
        assert turn["message"] == template.replace("{title}", films[card])
        assert turn["intent"] == intent, turn
        assert films[card] in last_reply(browser)       # the reply names that very film
    state = httpx.get(f"{server.url}/sessions/{session_of(browser)}").json()
    ratings = {r["item_id"]: r["rating"] for r in state["ratings"]}
    assert ratings[ids[0]] == 5 and ratings[ids[2]] <= 2
    assert ids[1] in [s["item_id"] for s in state["seen"]]
    assert last_reply(browser).startswith("Films like " + films[4])


@pytest.mark.movielens
def test_reload_restores_the_conversation(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "top 5 comedies")
    wait_count(browser, FILMS, 5)
    click(browser, f"{FILMS} [data-action=loved]", 0)
    wait_count(browser, ".msg.bot", 3)
    before = browser.eval("[...document.querySelectorAll('#log .msg')].map(m => m.textContent)")
    session = session_of(browser)
    browser.call("Page.reload")
    browser.wait_for(f"document.readyState === 'complete' && "
                     f"document.querySelectorAll('{FILMS}').length >= 5")
    after = browser.eval("[...document.querySelectorAll('#log .msg')].map(m => m.textContent)")
    assert after == before[1:]            # everything but the greeting, in order
    assert session_of(browser) == session
    send(browser, "more")                 # continues the list that is on screen
    wait_count(browser, FILMS, 6)
    assert "comed" in last_reply(browser).lower()


@pytest.mark.movielens
def test_title_completion_and_the_rating_chart(browser, server):
    open_page(browser, server.url + "/")
    send(browser, "movies like the godfather")
    wait_count(browser, FILMS, 3)
    browser.eval("document.querySelector('[data-testid=message-input]').focus()")
    browser.type_text("movies like godf")
    browser.wait_for("document.querySelectorAll('[data-testid=suggestion]').length > 0")
    options = browser.eval("[...document.querySelectorAll('[data-testid=suggestion]')]"
                           ".map(o => o.textContent)")
    assert options[:2] == ["The Godfather (1972)", "The Godfather: Part II (1974)"]
    for key in ("ArrowDown", "Enter"):
        browser.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key,
                     windowsVirtualKeyCode={"ArrowDown": 40, "Enter": 13}[key])
        browser.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key)
    value = browser.wait_for("document.getElementById('message').value.includes('(1972)') && "
                             "document.getElementById('message').value")
    assert value == "movies like The Godfather (1972)"
    browser.eval("document.getElementById('message').value = ''")
    click(browser, f"{FILMS} .title-link", 0)          # the title opens the film's detail
    chart = browser.wait_for("!!document.querySelector('[data-testid=rating-chart]') && "
                             "[...document.querySelectorAll('[data-testid=rating-chart] td.n')]"
                             ".map(td => td.textContent)")
    assert len(chart) == 5 and all("%" in c for c in chart)


@pytest.mark.movielens
@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_a_long_list_opens_at_its_start_above_the_input_bar(browser, server, width, height,
                                                            tmp_path):
    """Ten films are taller than the window: the view shows your message, the reply's
    heading and its first films (issue 19: it used to pin the end, hiding them)."""
    open_page(browser, server.url + "/", width, height)
    send(browser, "top 10 comedies")
    wait_count(browser, FILMS, 10)
    time.sleep(0.2)
    mine = rect(browser, "[...document.querySelectorAll('.msg.me')].at(-1)")
    heading = rect(browser, "[...document.querySelectorAll('.msg.bot .reply')].at(-1)")
    first = rect(browser, f"document.querySelectorAll('{FILMS}')[0]")
    shots = Path(os.environ.get("CHATREC_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    png = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    (shots / f"web-{width}.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert 0 <= mine["top"] and first["bottom"] <= bar_top(browser), (mine, first)
    assert heading["top"] > mine["bottom"]                      # in order, all on screen
    assert browser.eval("document.documentElement.scrollWidth") <= width  # no sideways
    # the server going away is said in plain words, with a retry
    server.stop()
    send(browser, "show me more")
    assert error_text(browser).startswith("chatrec cannot be reached")
    assert browser.eval("!document.querySelector('[data-testid=retry-button]').hidden")
