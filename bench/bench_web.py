"""The web page from `chatrec serve` on the loopback, in headless Chromium (over CDP),
and `chatrec report`. With an already trained $CHATREC_HOME:

    python bench/bench_web.py --loads 20 --actions 100 --reports 3

- first paint: `first-contentful-paint` of a fresh load of / (HTTP cache disabled, no
  stored session, so the greeting is what paints), and the time until a stored
  session's transcript is on screen after a reload;
- card action round trip: from a card button's click to its reply rendered, measured
  in the page (window.chatrecLastTurnMs: fetch + JSON + DOM), cycling the five actions
  over the films of a list;
- `chatrec report` wall time with eval results present (run `chatrec eval` first).

Targets (issue 11): first paint < 300 ms, card action p50 < 50 ms, report < 20 s.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.chatrec.cdp import Browser, find_chromium  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli.main", "serve", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(url + "health", timeout=2).read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summary(xs: list[float]) -> dict:
    return {"n": len(xs), "p50": round(statistics.median(xs), 1), "p90": round(pct(xs, 0.9), 1),
            "min": round(min(xs), 1), "max": round(max(xs), 1)}


def first_paints(b: Browser, url: str, loads: int) -> tuple[list[float], list[float]]:
    b.call("Network.enable")
    b.call("Network.setCacheDisabled", cacheDisabled=True)
    fresh, restored = [], []
    for i in range(loads + 1):
        b.call("Page.navigate", url=url)
        b.wait_for("document.readyState === 'complete' && !!document.querySelector('.msg')")
        b.eval("localStorage.clear()")
        b.call("Page.reload", ignoreCache=True)
        fcp = b.wait_for("(performance.getEntriesByName('first-contentful-paint')[0] || {})"
                         ".startTime")
        if i:   # the first load warms the server and the OS caches
            fresh.append(fcp)
    b.eval("localStorage.clear()")
    b.call("Page.navigate", url=url)
    b.wait_for("!!document.querySelector('[data-testid=greeting] .chip')")
    b.eval("document.querySelector('.chip').click()")
    b.wait_for("document.querySelectorAll('[data-testid=film-item]').length >= 3")
    for i in range(loads + 1):
        b.call("Page.reload", ignoreCache=True)
        at = b.wait_for("document.querySelectorAll('[data-testid=film-item]').length >= 3 "
                        "&& performance.now()")
        if i:
            restored.append(at)
    return fresh, restored


ACTION_LOOP = """(async (n) => {
  const keys = ["loved", "seen", "dislike", "why", "similar"], out = [];
  for (let i = 0; i < n; i++) {
    const list = [...document.querySelectorAll('.films')].at(-1);
    const cards = list.querySelectorAll('[data-testid=film-item]');
    const button = cards[i % cards.length].querySelector(`[data-action=${keys[i % 5]}]`);
    const before = document.querySelectorAll('.msg.bot').length;
    window.chatrecLastTurnMs = null;
    button.click();
    while (document.querySelectorAll('.msg.bot').length === before
           || window.chatrecLastTurnMs === null)
      await new Promise((r) => setTimeout(r, 1));
    out.push(window.chatrecLastTurnMs);
  }
  return out;
})(N_ACTIONS)"""


def card_actions(b: Browser, url: str, n: int) -> list[float]:
    b.call("Network.setCacheDisabled", cacheDisabled=False)
    b.call("Page.navigate", url=url)
    b.wait_for("!!document.querySelector('.msg')")
    b.eval("localStorage.clear()")
    b.call("Page.reload")
    b.wait_for("!!document.querySelector('[data-testid=greeting] .chip')")
    b.eval("chatrecSend('top 50 dramas')")
    b.wait_for("document.querySelectorAll('[data-testid=film-item]').length >= 50")
    b.eval(ACTION_LOOP.replace("N_ACTIONS", "10"))   # warm-up
    return b.eval(ACTION_LOOP.replace("N_ACTIONS", str(n)))


def report_times(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chatrec.cli.main", "report"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loads", type=int, default=20)
    ap.add_argument("--actions", type=int, default=100)
    ap.add_argument("--reports", type=int, default=3)
    args = ap.parse_args()
    binary = find_chromium()
    if not binary:
        raise SystemExit("needs chromium (apt-get install -y chromium)")
    proc, url = serve()
    b = Browser(binary)
    try:
        b.call("Emulation.setDeviceMetricsOverride", width=1280, height=800,
               deviceScaleFactor=1, mobile=False)
        fresh, restored = first_paints(b, url, args.loads)
        actions = card_actions(b, url, args.actions)
    finally:
        b.close()
        proc.terminate()
        proc.wait(20)
    result = {"first_contentful_paint_ms": summary(fresh),
              "transcript_restored_ms": summary(restored),
              "card_action_round_trip_ms": summary(actions)}
    if args.reports:
        result["report_ms"] = summary(report_times(args.reports))
    result["load_average"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    ok = (result["first_contentful_paint_ms"]["p50"] < 300
          and result["card_action_round_trip_ms"]["p50"] < 50
          and result.get("report_ms", {"p50": 0})["p50"] < 20000)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
