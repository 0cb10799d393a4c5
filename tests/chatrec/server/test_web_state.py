"""The web page against a real `chatrec serve` (the `live` fixture), at laptop and phone
sizes: what the page shows follows what the server stored (issue 19, web defects 3, 4
and 5). One conversation per browser: every tab shows the same session, and a tab
redraws itself when it comes back into view after the conversation went on elsewhere."""
from __future__ import annotations

import httpx
import pytest

from tests.chatrec.webpage import (
    FILMS,
    SIZE_IDS,
    SIZES,
    click,
    click_at,
    count,
    error_text,
    last_reply,
    open_page,
    pressed,
    send,
    session_of,
    wait_count,
)

pytestmark = pytest.mark.movielens
sizes = pytest.mark.parametrize("width,height", SIZES, ids=SIZE_IDS)
FIRST_LIST = "document.querySelectorAll('.films')[0].querySelectorAll('[data-testid=film-item]')"


def wait_reply(page, starts: str, timeout: float = 20) -> str:
    return page.wait_for(f"(() => {{ const r = [...document.querySelectorAll("
                         f"'.msg.bot .reply')].at(-1); return r && r.textContent.startsWith("
                         f"{starts!r}) && r.textContent; }})()", timeout=timeout)


@sizes
def test_3_a_second_tab_is_the_same_conversation_and_both_stay_in_step(browser, live,
                                                                       width, height):
    a = browser
    open_page(a, live.url + "/", width, height)
    send(a, "top 5 comedies")
    wait_count(a, FILMS, 5)
    b = a.new_tab()
    try:
        open_page(b, live.url + "/", width, height)
        wait_count(b, FILMS, 5)                            # tab B opens on the same talk
        assert session_of(b) == session_of(a)
        send(b, "movies like star wars")
        wait_reply(b, "Films like Star Wars")
        first = b.eval(f"[...{FIRST_LIST.replace('[0]', '[1]')}].map(f => f.dataset.itemId)")
        # back in tab A (what switching tabs fires): it shows the conversation as it is
        a.eval("document.dispatchEvent(new Event('visibilitychange')); "
               "window.dispatchEvent(new Event('focus'))")
        wait_reply(a, "Films like Star Wars")
        send(a, "more")                                    # continues the list on screen
        more = wait_reply(a, "More films like Star Wars")
        shown = a.eval("[...[...document.querySelectorAll('.films')].at(-1)"
                       ".querySelectorAll('[data-testid=film-item]')].map(f => f.dataset.itemId)")
        assert more and shown and not set(shown) & set(first)
        # "New conversation" in tab B starts over in tab A too
        click(b, "[data-testid=reset-button]")
        a.wait_for("!!document.querySelector('[data-testid=greeting]') && "
                   "!document.querySelector('[data-testid=film-item]')")
        assert session_of(a) is None
    finally:
        b.close()


@sizes
def test_4_one_tap_buttons_show_the_stored_state_and_survive_a_reload(browser, live,
                                                                      width, height):
    open_page(browser, live.url + "/", width, height)
    send(browser, "top 5 comedies")
    wait_count(browser, FILMS, 5)
    ids = browser.eval(f"[...{FIRST_LIST}].map(f => f.dataset.itemId)")

    def tap(card: int, action: str) -> None:
        bots = count(browser, ".msg.bot")
        click_at(browser, f"{FIRST_LIST}[{card}].querySelector('[data-action={action}]')")
        wait_count(browser, ".msg.bot", bots + 1)
        browser.wait_for(f"{FIRST_LIST}[{card}].querySelector('[data-action={action}]')"
                         ".getAttribute('aria-pressed') === 'true'")

    tap(0, "loved")
    tap(0, "dislike")                                      # the last opinion wins
    tap(1, "seen")
    expected = [{"loved": False, "seen": False, "dislike": True},
                {"loved": False, "seen": True, "dislike": False},
                {"loved": False, "seen": False, "dislike": False}]
    assert [pressed(browser, i) for i in range(3)] == expected
    state = httpx.get(f"{live.url}/sessions/{session_of(browser)}").json()
    assert {str(r["item_id"]): r["rating"] for r in state["ratings"]}[ids[0]] <= 2
    assert ids[1] in {str(s["item_id"]) for s in state["seen"]}
    browser.eval("window.oldPage = true")                  # to know the reload happened
    browser.call("Page.reload")
    browser.wait_for(f"!window.oldPage && document.readyState === 'complete' && "
                     f"document.querySelectorAll('.films').length > 0 && "
                     f"{FIRST_LIST}.length === 5 && {FIRST_LIST}[1].querySelector("
                     "'[data-action=seen]').getAttribute('aria-pressed') === 'true'")
    assert [pressed(browser, i) for i in range(3)] == expected


@sizes
def test_5_a_user_id_the_data_does_not_have_is_said(browser, live, width, height):
    open_page(browser, live.url + "/", width, height)
    send(browser, "I loved Fargo")                         # a session with a rating
    wait_reply(browser, "Noted")
    for bad in ("9999", "abc"):
        browser.eval(f"document.getElementById('user').value = {bad!r}; "
                     "document.getElementById('message').value = ''")
        send(browser, "recommend a comedy")
        assert error_text(browser).startswith(f"There is no user {bad} in this dataset")
        assert browser.eval("document.getElementById('message').value") == "recommend a comedy"
        assert browser.eval("document.querySelector('[data-testid=retry-button]').hidden")
    assert count(browser, ".msg.me.failed") == 2
    browser.eval("document.getElementById('user').value = '42'; "
                 "document.getElementById('message').value = ''")
    send(browser, "recommend a comedy")
    assert wait_reply(browser, "Picks for user 42")
    assert browser.eval("document.querySelector('[data-testid=error]').hidden")
    assert last_reply(browser).startswith("Picks for user 42")
