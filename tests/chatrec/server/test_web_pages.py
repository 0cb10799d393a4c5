"""The pages around the chat, accessibility and the phone layout in a real browser, at
laptop and phone sizes (issue 19, web defects 9, 10 and 11).

axe-core 4.14.1 (MPL-2.0, from the npm registry) is vendored in tests/vendor/ and
injected into the page: no network at test time, the same rules on every run."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.chatrec.webpage import (
    FILMS,
    SIZE_IDS,
    SIZES,
    Stub,
    bar_top,
    click,
    error_text,
    open_page,
    rect,
    send,
    viewport,
    wait_count,
)

AXE = Path(__file__).resolve().parents[2] / "vendor" / "axe.min.js"
sizes = pytest.mark.parametrize("width,height", SIZES, ids=SIZE_IDS)


def axe_violations(page) -> list[dict]:
    page.eval(AXE.read_text() + "\n;true")
    found = page.eval("axe.run(document, {resultTypes: ['violations']}).then(r => "
                      "r.violations.map(v => ({id: v.id, impact: v.impact, "
                      "nodes: v.nodes.map(n => n.target.join(' '))})))")
    return found


@sizes
def test_9_report_links_back_redoc_asks_no_cdn_favicon_exists(browser, live, width, height):
    open_page(browser, live.url + "/", width, height)
    assert browser.eval("fetch('favicon.ico').then(r => r.status + ' ' + "
                        "r.headers.get('content-type'))") == "200 image/x-icon"
    click(browser, "[data-testid=report-link]")
    browser.wait_for("location.pathname === '/report' && document.readyState === 'complete'",
                     timeout=120)   # the first /report draws its charts
    text = browser.eval("document.body.textContent")
    assert "No evaluation results yet" in text and "run chatrec eval where this server" in text
    click(browser, "nav a")
    browser.wait_for("location.pathname === '/' && "
                     "!!document.querySelector('[data-testid=greeting]')")
    # /redoc: ReDoc adds an <img> of a logo on cdn.redoc.ly; the page's policy blocks it
    # before any request leaves the browser (a securitypolicyviolation). Every image or
    # resource from another host must be one the policy blocked.
    browser.call("Page.enable")
    browser.call("Page.addScriptToEvaluateOnNewDocument", source=WATCH_REMOTE)
    browser.call("Page.navigate", url=live.url + "/redoc")
    browser.wait_for("!!document.querySelector('.menu-content')", timeout=30)  # drawn
    time.sleep(0.5)
    remote = browser.eval("[...window.remoteImages, ...performance.getEntriesByType("
                          "'resource').map(e => e.name).filter(u => !u.startsWith("
                          "location.origin))]")
    assert set(remote) <= set(browser.eval("window.blocked")), remote


# before the page's own scripts: note policy violations and every <img> from elsewhere
WATCH_REMOTE = """
window.blocked = []; window.remoteImages = [];
document.addEventListener('securitypolicyviolation', e => window.blocked.push(e.blockedURI));
new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(n => {
  const images = n.querySelectorAll ? [n, ...n.querySelectorAll('img')] : [];
  images.filter(i => i.tagName === 'IMG' && i.src && !i.src.startsWith(location.origin))
        .forEach(i => window.remoteImages.push(i.src));
}))).observe(document, {childList: true, subtree: true});
"""


@sizes
def test_10_axe_finds_no_serious_violation_and_focus_does_not_cover_labels(
        browser, stub_url, width, height):
    Stub.films = 3
    open_page(browser, stub_url, width, height)
    send(browser, "movies like star wars")
    wait_count(browser, FILMS, 3)
    Stub.replies = [500]
    send(browser, "and this fails")
    error_text(browser)                                    # the error box is part of it
    found = axe_violations(browser)
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)
    assert not [v for v in found if v["id"] in ("listitem", "aria-allowed-role")], found
    for field in ("message", "user"):
        browser.eval(f"document.getElementById('{field}').focus()")
        outline = browser.eval(f"(() => {{ const s = getComputedStyle(document.getElementById("
                               f"'{field}')); return [s.outlineStyle, parseFloat(s.outlineWidth),"
                               f" parseFloat(s.outlineOffset)]; }})()")
        assert outline[0] != "none"                        # focus is shown...
        reach = max(0.0, outline[1] + outline[2])          # ...this far outside the box
        box = rect(browser, f"document.getElementById('{field}')")
        label = rect(browser, f"document.querySelector('label[for={field}]')")
        if label["height"] > 1:                            # a visible label
            overlaps = label["bottom"] > box["top"] - reach and label["top"] < box["bottom"] \
                and label["right"] > box["left"] - reach and label["left"] < box["right"]
            assert not overlaps, (field, label, box, reach)


@sizes
def test_11_the_input_area_is_compact_and_the_placeholder_fits(browser, stub_url, width,
                                                               height):
    Stub.films = 10
    open_page(browser, stub_url, width, height)
    composer = rect(browser, "document.getElementById('composer')")
    assert composer["height"] <= 110, composer             # was ~150 px on a phone
    fits = browser.eval("(() => { const i = document.getElementById('message'), "
                        "s = getComputedStyle(i); return [i.placeholder, "
                        "window.chatrec.textWidth(i.placeholder, i), i.clientWidth - "
                        "parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]; })()")
    assert fits[1] <= fits[2], fits
    assert fits[0].startswith("e.g. ")
    send(browser, "top 10 films")
    wait_count(browser, FILMS, 10)
    tops = browser.eval(f"[...document.querySelectorAll('{FILMS}')]"
                        ".map(f => f.getBoundingClientRect().bottom)")
    whole = sum(1 for b in tops if 0 < b <= bar_top(browser))
    assert whole >= 3, tops                                # several films in one view
    # turning the phone (or resizing the window) refits the placeholder
    viewport(browser, height, width)
    browser.eval("window.dispatchEvent(new Event('resize'))")
    fits = browser.eval("(() => { const i = document.getElementById('message'), "
                        "s = getComputedStyle(i); return window.chatrec.textWidth("
                        "i.placeholder, i) <= i.clientWidth - parseFloat(s.paddingLeft) - "
                        "parseFloat(s.paddingRight); })()")
    assert fits
