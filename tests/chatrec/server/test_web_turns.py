"""Sending turns from the web page, at laptop and phone sizes, over the scripted stub
(tests/chatrec/webpage.py): the defects a newcomer found in a real browser (issue 19,
web defects 1, 2, 6, 7 and 8), one test each."""
from __future__ import annotations

import time

import pytest

from tests.chatrec.webpage import (
    FILMS,
    SIZE_IDS,
    SIZES,
    Stub,
    bar_top,
    click,
    count,
    error_text,
    open_page,
    rect,
    send,
    wait_count,
)

sizes = pytest.mark.parametrize("width,height", SIZES, ids=SIZE_IDS)


@sizes
def test_1_a_long_reply_is_shown_from_its_start(browser, stub_url, width, height):
    """Ten films are taller than either window: your message, the reply's first line
    and its first film are on screen, above the input bar."""
    Stub.films = 10
    open_page(browser, stub_url, width, height)
    send(browser, "top 10 films")
    wait_count(browser, FILMS, 10)
    time.sleep(0.1)
    mine = rect(browser, "[...document.querySelectorAll('.msg.me')].at(-1)")
    heading = rect(browser, "[...document.querySelectorAll('.msg.bot .reply')].at(-1)")
    first = rect(browser, f"document.querySelectorAll('{FILMS}')[0]")
    assert 0 <= mine["top"] < heading["top"] < first["top"], (mine, heading, first)
    assert first["bottom"] <= bar_top(browser), (first, bar_top(browser))
    # a short reply is shown whole, its end just above the bar
    Stub.films = 1
    send(browser, "one more")
    wait_count(browser, FILMS, 11)
    time.sleep(0.1)
    last = rect(browser, "[...document.querySelectorAll('.msg.bot')].at(-1)")
    assert 0 <= last["top"] and last["bottom"] <= bar_top(browser)


@sizes
def test_2_a_reply_on_its_way_shows_and_a_second_message_waits_its_turn(browser, stub_url,
                                                                       width, height):
    Stub.delay = 1.0
    open_page(browser, stub_url, width, height)
    send(browser, "first")
    browser.wait_for("!!document.querySelector('[data-testid=typing]')", timeout=2)
    assert browser.eval("document.querySelector('[data-testid=typing]').textContent") \
        .startswith("chatrecis thinking")
    send(browser, "second")                                 # Enter during the wait
    assert browser.eval("document.getElementById('message').value") == ""   # taken
    waiting = browser.eval("[...document.querySelectorAll('.msg.me.queued')]"
                           ".map(m => m.textContent)")
    assert waiting == ["you · waiting for the reply abovesecond"]
    assert len(Stub.seen) <= 1                              # not sent alongside
    wait_count(browser, FILMS, 2, timeout=10)
    assert [s["message"] for s in Stub.seen] == ["first", "second"]      # in order
    assert count(browser, ".msg.me.queued") == 0 and count(browser, "[data-testid=typing]") == 0
    replies = browser.eval("[...document.querySelectorAll('.msg.bot .reply')].slice(1)"
                           ".map(r => r.textContent)")
    assert replies == ["You said: <b>first", "You said: <b>second"]


@sizes
def test_6_a_failed_message_stays_in_view_above_the_error(browser, stub_url, width, height):
    Stub.films = 10
    open_page(browser, stub_url, width, height)
    send(browser, "top 10 films")
    wait_count(browser, FILMS, 10)
    Stub.replies = [500]
    send(browser, "and now this one")
    assert error_text(browser).startswith("Something went wrong on the server")
    failed = rect(browser, "document.querySelector('.msg.me.failed')")
    assert 0 <= failed["top"] and failed["bottom"] <= bar_top(browser), failed
    assert browser.eval("document.querySelector('.msg.me.failed .who').textContent") == \
        "you · not sent"


@sizes
def test_7_over_long_input_is_told_and_a_413_is_not_blamed_on_the_server(browser, stub_url,
                                                                        width, height):
    open_page(browser, stub_url, width, height)
    long = "a very long message " * 125                     # 2,500 characters
    browser.eval("document.querySelector('[data-testid=message-input]').focus()")
    browser.type_text(long)
    assert browser.eval("document.getElementById('message').value.length") == 2500  # not cut
    note = browser.wait_for("!document.querySelector('[data-testid=length-note]').hidden && "
                            "document.querySelector('[data-testid=length-note]').textContent")
    assert note.startswith("2,500 characters: at most 2,000 can be sent")
    note_box = rect(browser, "document.querySelector('[data-testid=length-note]')")
    assert note_box["bottom"] <= height                     # visible on a phone too
    browser.press_enter()
    assert error_text(browser).startswith("That message is too long: 2,500 characters")
    assert Stub.seen == []                                  # nothing was sent
    assert browser.eval("document.getElementById('message').value.length") == 2500  # kept
    # a body the server refuses as too large (413): the message's fault, no retry loop
    browser.eval("document.getElementById('message').value = ''")
    Stub.replies = [413]
    send(browser, "short enough here")
    text = error_text(browser)
    assert text.startswith("That message is too long for this server") and "HTTP" not in text
    assert browser.eval("document.querySelector('[data-testid=retry-button]').hidden")
    assert browser.eval("document.getElementById('message').value") == "short enough here"
    assert len(Stub.seen) == 1


@sizes
def test_8_surprise_me_asks_something_different_each_time(browser, stub_url, width, height):
    """The first screen's "surprise me" sends films like one of the catalog's 50
    best-known titles, picked at random (the bubble shows what was asked)."""
    open_page(browser, stub_url, width, height)
    browser.wait_for("document.querySelectorAll('[data-testid=greeting] .chip').length === 5")
    asked = set()
    for n in range(5):
        browser.wait_for("!!document.querySelector('[data-testid=greeting] .chip')")
        time.sleep(0.2)                                     # the catalog titles arrive
        click(browser, "[data-testid=greeting] .chip", -1)
        wait_count(browser, FILMS, 1)
        asked.add(Stub.seen[-1]["message"])
        click(browser, "[data-testid=reset-button]")
    assert len(asked) >= 2 and all(a.startswith("movies like Famous ") for a in asked), asked
