"""A newcomer's checklist on the web page (chatrec/server/static/checklist.js, issue 21),
at laptop and phone sizes: a panel to tap (Seen / Loved per film, one Send) that sends
the typed answer, is not drawn as recommendation cards, and closes once sent or once a
later list arrives; over the scripted stub, then end to end against a real server."""
from __future__ import annotations

import time

import httpx
import pytest

from chatrec.conversation.checklist import offer
from tests.chatrec.webpage import (
    FILMS,
    SIZE_IDS,
    SIZES,
    Stub,
    click,
    count,
    open_page,
    send,
    wait_count,
)

sizes = pytest.mark.parametrize("width,height", SIZES, ids=SIZE_IDS)
PICKS = "[data-testid=checklist-item]"
SEND = "[data-testid=checklist-send]"


def tap(page, n: int, mark: str) -> None:
    click(page, f"{PICKS}:nth-child({n}) [data-mark={mark}]")


def send_label(page) -> str:
    return page.eval(f"[...document.querySelectorAll('{SEND}')].at(-1).textContent")


def received(n: int, timeout: float = 20) -> dict:
    """The stub's n-th request, once it has arrived (the page draws the message before
    its request reaches the server: on a loaded machine, well before)."""
    deadline = time.monotonic() + timeout
    while len(Stub.seen) < n:
        assert time.monotonic() < deadline, f"{len(Stub.seen)} of {n} requests arrived"
        time.sleep(0.05)
    return Stub.seen[n - 1]


def is_closed(page) -> bool:
    return page.eval("[...document.querySelectorAll('[data-testid=checklist]')].at(-1)"
                     ".classList.contains('closed')")


@sizes
def test_the_checklist_is_a_panel_to_tap_with_one_send(browser, stub_url, width, height):
    open_page(browser, stub_url, width, height)
    send(browser, "what should I watch?")
    wait_count(browser, PICKS, 10)
    assert count(browser, FILMS) == 0               # marks to give, not recommendation cards
    assert count(browser, f"{PICKS} [data-action]") == 0
    assert send_label(browser) == "Send: none of them"
    tap(browser, 5, "loved")                        # loved means seen too
    tap(browser, 2, "seen")
    tap(browser, 7, "seen")
    tap(browser, 9, "seen")
    tap(browser, 9, "seen")                         # and back
    pressed = browser.eval(f"[...document.querySelectorAll('{PICKS}')].map(p => "
                           "[...p.querySelectorAll('[aria-pressed=true]')]"
                           ".map(b => b.dataset.mark).join('+'))")
    assert pressed == ["", "seen", "", "", "seen+loved", "", "seen", "", "", ""]
    assert send_label(browser) == "Send: seen 2 5 7, loved 5"
    click(browser, SEND)
    browser.wait_for("document.querySelectorAll('.msg.me').length === 2")
    sent = received(2)
    assert sent["message"] == "seen 2 5 7, loved 5" and sent["panel"]
    assert is_closed(browser)
    assert browser.eval(f"[...document.querySelectorAll('{PICKS} button')]"
                        ".every(b => b.disabled)")
    click(browser, SEND)                            # a closed panel sends nothing more
    time.sleep(0.3)
    assert len(Stub.seen) == 2 and count(browser, ".msg.me") == 2


@sizes
def test_a_later_list_closes_an_open_checklist_and_nothing_tapped_is_none(browser,
                                                                         stub_url,
                                                                         width, height):
    open_page(browser, stub_url, width, height)
    send(browser, "what should I watch?")
    wait_count(browser, PICKS, 10)
    send(browser, "top films")                       # answered another way: a new list
    wait_count(browser, FILMS, 1)
    assert is_closed(browser)
    send(browser, "what should I watch?")            # (the stub asks again)
    wait_count(browser, PICKS, 20)
    assert not is_closed(browser)
    click(browser, SEND)
    browser.wait_for("document.querySelectorAll('.msg.me').length === 4")
    assert received(4)["message"] == "none of them"


def test_a_reload_draws_the_checklist_again_open_while_it_is_the_last_list(browser,
                                                                          stub_url):
    open_page(browser, stub_url)
    send(browser, "what should I watch?")
    wait_count(browser, PICKS, 10)
    browser.call("Page.reload")
    wait_count(browser, PICKS, 10)
    assert not is_closed(browser) and count(browser, FILMS) == 0
    tap(browser, 3, "loved")
    click(browser, SEND)
    browser.wait_for("document.querySelectorAll('.msg.me').length === 2")
    assert received(2)["message"] == "seen 3, loved 3"


@pytest.mark.movielens
def test_a_newcomer_answers_the_checklist_on_a_real_server(browser, live):
    open_page(browser, live.url + "/")
    send(browser, "what should I watch?")
    wait_count(browser, PICKS, 10)
    picks = browser.eval(f"[...document.querySelectorAll('{PICKS}')].map(p => "
                         "Number(p.dataset.itemId))")
    tap(browser, 1, "loved")
    tap(browser, 4, "seen")
    click(browser, SEND)
    for asked in range(2, offer.PANEL_TURNS + 1):     # still new: more panels, then cards
        wait_count(browser, PICKS, 10 * asked)
        click(browser, SEND)                          # the last panel's: "none of them"
    wait_count(browser, FILMS, 5)                     # the next list: cards again
    session = browser.eval("localStorage.getItem('chatrec.session_id')")
    state = httpx.get(f"{live.url}/sessions/{session}").json()
    assert [r["item_id"] for r in state["ratings"]] == [picks[0]]
    assert state["ratings"][0]["rating"] == 5.0
    assert [s["item_id"] for s in state["seen"]] == [picks[3]]
    assert state["transcript"][0]["checklist"] is True
    assert state["transcript"][1]["message"] == "seen 1 4, loved 1"
    shown = browser.eval(f"[...document.querySelectorAll('{FILMS}')]"
                         ".map(f => Number(f.dataset.itemId))")
    assert not {picks[0], picks[3]} & set(shown)      # marked films never come back
