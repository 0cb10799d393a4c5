"""Reliability under faults: a real `chatrec serve --workers 1` on 127.0.0.1, one fresh
server per scenario, normal traffic running through each fault.

    python bench/bench_reliability.py                      # every scenario, ~8 min
    python bench/bench_reliability.py --only lock,drip --json
    CHATREC_HOME=/tmp/before-home python bench/bench_reliability.py \
        --only long-messages --against /tmp/before        # another checkout's server

Scenarios (issue 9):
  big-body      a 1 GB POST /chat (Content-Length) and an endless chunked one
  slow-clients  200 slow connections for 60 s: silent, trickling headers, trickling a
                body (one byte every 0.5 s), each reconnecting when closed
  new-sessions  5,000 requests each starting a new session, then
                `chatrec sessions prune --ttl 0s` while the server runs
  lock          another process holds the sessions database's write lock for 15 s
  drip          the default cascade parser (`llm`) against an upstream that drips one
                byte a second; one extra client keeps sending a message the rules are
                unsure of, so the LLM is asked while the normal traffic runs
  drip-llm-only the same with `--parser llm-only`: every turn asks the LLM

Scenarios of issue 18 (bench/_hostile.py): long-messages, metrics-labels, session-squat,
artifacts, bad-settings, disk-full (needs root for its tmpfs), protocol.

Reported per scenario: the server's peak RSS (VmHWM), 5xx and 503 counts, p50/p99 of
the normal traffic (a paced mix of /health, GET /items and POST /chat turns that rate
films; p99 also for the reads alone and the chat turns alone, since every turn writes
its session), ratings acknowledged vs found afterwards (lost), and the
scenario's own numbers (time to 413, time to close slow clients, DB size after the
prune, LLM calls and turn latency). Targets: /health and normal p99 < 100 ms, zero 5xx
but the documented 503, zero acknowledged ratings lost. Needs a trained data home
($CHATREC_HOME); the sessions database is a scratch one (bench_http.scratch_home).
"""
from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from bench_http import free_port, scratch_home, start_server, stop_server  # noqa: E402

FILMS = ["Fargo", "Alien", "Toy Story", "Heat", "Scream", "Contact", "Titanic", "Casablanca"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)


class Traffic:
    """Normal users while a fault runs: `rate` requests/s over 4 threads, cycling
    /health, GET /items, and chat turns that rate a film in the user's own session.
    Every rating the server acknowledged (200) is checked afterwards."""

    def __init__(self, url: str, rate: float = 20.0, chat_timeout: float = 30.0):
        self.url, self.rate, self.chat_timeout = url, rate, chat_timeout
        self.samples: list[tuple[str, int, float]] = []  # kind, status, seconds
        self.acked: list[tuple[str, str]] = []           # (session id, film)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(4)]

    def __enter__(self):
        for th in self._threads:
            th.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for th in self._threads:
            th.join(60)

    def _run(self, n: int) -> None:
        period = 4 / self.rate
        sid, i = None, n
        with httpx.Client(base_url=self.url, timeout=self.chat_timeout) as c:
            while not self._stop.is_set():
                started = time.monotonic()
                kind = ("health", "items", "chat")[i % 3]
                film = FILMS[i % len(FILMS)]
                try:
                    if kind == "health":
                        r = c.get("/health")
                    elif kind == "items":
                        r = c.get("/items", params={"search": film})
                    else:
                        body = {"message": f"I loved {film}",
                                **({"session_id": sid} if sid else {})}
                        r = c.post("/chat", json=body)
                        if r.status_code == 200:
                            sid = r.json()["session_id"]
                            if r.json()["reply"].startswith("Noted"):
                                self.acked.append((sid, film))
                    status = r.status_code
                except httpx.HTTPError:
                    status = -1  # no answer at all
                self.samples.append((kind, status, time.monotonic() - started))
                i += 1
                self._stop.wait(max(0.0, period - (time.monotonic() - started)))

    def report(self, url: str) -> dict:
        lost = 0
        with httpx.Client(base_url=url, timeout=30) as c:
            for sid in {s for s, _ in self.acked}:
                titles = {x["title"] for x in c.get(f"/sessions/{sid}").json()["ratings"]}
                lost += sum(1 for s, film in self.acked if s == sid and film not in titles)
        ok = [t for k, s, t in self.samples if 200 <= s < 300]
        return {
            "requests": len(self.samples),
            "5xx": sum(1 for _, s, _ in self.samples if s >= 500),
            "503": sum(1 for _, s, _ in self.samples if s == 503),
            "no_answer": sum(1 for _, s, _ in self.samples if s < 0),
            "p50_ms": pct(ok, 0.5), "p99_ms": pct(ok, 0.99),
            "health_p99_ms": pct([t for k, s, t in self.samples if k == "health"], 0.99),
            "reads_p99_ms": pct([t for k, s, t in self.samples if k != "chat"], 0.99),
            "chat_p99_ms": pct([t for k, s, t in self.samples if k == "chat"], 0.99),
            "ratings_acknowledged": len(self.acked), "ratings_lost": lost,
        }


class Server:
    tree: Path | None = None   # --against: serve another checkout's chatrec

    def __init__(self, home: str, *args: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = start_server(self.port, 1, home, args, env, tree=Server.tree)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.peak_rss_mb = peak_rss_mb(self.proc.pid)
        stop_server(self.proc)


# ---- scenarios ---------------------------------------------------------------------
def big_body(home: str) -> dict:
    out = {}
    with Server(home) as srv:
        with Traffic(srv.url) as traffic:
            time.sleep(2)
            for name, head in _BODIES:
                out[name] = _send_big_body(srv.port, head)
                time.sleep(2)
        report = traffic.report(srv.url)
    return {**out, "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


_BODIES = (("content_length_1gb", b"Content-Length: 1073741824\r\n"),
           ("chunked_endless", b"Transfer-Encoding: chunked\r\n"))


def _send_big_body(port: int, head: bytes) -> dict:
    """Send as the attacker did, until the server answers; what did it answer, when?"""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                 b"application/json\r\n" + head + b"\r\n")
    chunk = (b"4000\r\n" + b"x" * 0x4000 + b"\r\n") if b"chunked" in head \
        else b"x" * 0x4000
    t, sent = time.monotonic(), 0
    while sent < 2 ** 30 and not select.select([sock], [], [], 0)[0]:
        try:
            sock.sendall(chunk)
        except OSError:
            break
        sent += len(chunk)
    sock.settimeout(10)
    answer = sock.recv(200).split(b"\r\n")[0].decode(errors="replace")
    sock.close()
    return {"answer": answer, "seconds": round(time.monotonic() - t, 3),
            "bytes_sent_before_answer": sent}


def slow_clients(home: str, n: int = 200, seconds: float = 60.0) -> dict:
    closes: list[float] = []
    stop = threading.Event()

    def attacker(k: int, port: int) -> None:
        kind = ("idle", "header", "body")[k % 3]
        while not stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                time.sleep(0.5)
                continue
            t = time.monotonic()
            if kind == "body":
                sock.sendall(b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                             b"application/json\r\nContent-Length: 60000\r\n\r\n{")
            sock.settimeout(0.5)
            while not stop.is_set():
                try:
                    if kind != "idle":
                        sock.sendall(b"a")
                    if sock.recv(4096) == b"":
                        closes.append(time.monotonic() - t)
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closes.append(time.monotonic() - t)
                    break
            sock.close()

    with Server(home) as srv:
        attackers = [threading.Thread(target=attacker, args=(k, srv.port), daemon=True)
                     for k in range(n)]
        for th in attackers:
            th.start()
        with Traffic(srv.url) as traffic:
            time.sleep(seconds)
        stop.set()
        for th in attackers:
            th.join(10)
        report = traffic.report(srv.url)
    return {"slow_connections": n, "seconds": seconds, "closed": len(closes),
            "close_after_s_median": round(statistics.median(closes), 2) if closes else None,
            "close_after_s_max": round(max(closes), 2) if closes else None,
            "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


def new_sessions(home: str, n: int = 5000) -> dict:
    db = Path(home) / "sessions.sqlite3"
    with Server(home) as srv:
        with Traffic(srv.url) as traffic:
            done, statuses = [0], {}
            lock = threading.Lock()
            t = time.monotonic()

            def worker():
                with httpx.Client(base_url=srv.url, timeout=30) as c:
                    while True:
                        with lock:
                            if done[0] >= n:
                                return
                            done[0] += 1
                        s = c.post("/chat", json={"message": "top 5 comedies"}).status_code
                        with lock:
                            statuses[s] = statuses.get(s, 0) + 1
            workers = [threading.Thread(target=worker) for _ in range(8)]
            for th in workers:
                th.start()
            for th in workers:
                th.join()
            seconds = time.monotonic() - t
        report = traffic.report(srv.url)
        before = _db_bytes(db)
        sessions_before = _count(db)
        prune = subprocess.run(
            [sys.executable, "-m", "chatrec.cli.main", "sessions", "prune", "--ttl", "0s", "--json"],
            env=dict(os.environ, CHATREC_HOME=home), capture_output=True, text=True,
            timeout=300, cwd=HERE.parent)
        pruned = json.loads(prune.stdout) if prune.returncode == 0 else {"error": prune.stderr}
    return {"requests": n, "statuses": statuses, "seconds": round(seconds, 1),
            "sessions_before_prune": sessions_before, "db_bytes_before_prune": before,
            "prune": pruned, "db_bytes_after_prune": _db_bytes(db),
            "bytes_per_session": round(before / max(1, sessions_before)),
            "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


def lock(home: str, hold: float = 15.0) -> dict:
    db = Path(home) / "sessions.sqlite3"
    with Server(home) as srv:
        with Traffic(srv.url) as traffic:
            time.sleep(3)
            holder = subprocess.Popen([sys.executable, "-c", (
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], "
                "isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', "
                "flush=True); time.sleep(float(sys.argv[2])); c.execute('ROLLBACK')"),
                str(db), str(hold)], stdout=subprocess.PIPE, text=True)
            holder.stdout.readline()
            t = time.monotonic()
            holder.wait(hold + 30)
            held = time.monotonic() - t
            time.sleep(3)
        report = traffic.report(srv.url)
    return {"lock_held_s": round(held, 1), "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


class _Drip(BaseHTTPRequestHandler):
    """An OpenAI-compatible upstream that answers one byte a second, forever alive."""

    calls = 0

    def do_POST(self):  # noqa: N802
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"choices": [{"message": {"role": "assistant", "content": "' + b"x" * 600
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) + 10))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass

    def log_message(self, *args):
        pass


UNSURE = "got stuff for a Rear Window fan"    # the rules can't place it: the cascade asks


def drip(home: str, seconds: float = 40.0, parser: str = "llm") -> dict:
    """The default cascade (`llm`): the paced normal traffic (rules sure) beside one
    client that keeps sending a message the rules are unsure of, so the LLM is asked.
    `llm-only`: every turn asks the LLM (the comparison mode)."""
    _Drip.calls = 0
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    upstream.daemon_threads = True
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    env = {"CHATREC_LLM_BASE_URL": f"http://127.0.0.1:{upstream.server_address[1]}/v1",
           "CHATREC_LLM_MODEL": "drip", "CHATREC_LLM_API_KEY": "k" * 200}
    unsure: list[float] = []
    stop = threading.Event()

    def ask_unsure(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            while not stop.is_set():
                t = time.monotonic()
                if c.post("/chat", json={"message": UNSURE}).status_code == 200:
                    unsure.append(time.monotonic() - t)
                stop.wait(0.25)

    try:
        with Server(home, "--parser", parser, **env) as srv:
            asker = threading.Thread(target=ask_unsure, args=(srv.url,))
            if parser == "llm":
                asker.start()
            with Traffic(srv.url, rate=8.0) as traffic:
                time.sleep(seconds)
            stop.set()
            if asker.is_alive():
                asker.join(60)
            report = traffic.report(srv.url)
            with httpx.Client(base_url=srv.url, timeout=60) as c:
                r = c.post("/chat", json={"message": UNSURE if parser == "llm" else
                                          "movies like star wars"})
                reason = r.json()["query"].get("fallback_reason")
    finally:
        upstream.shutdown()
    chat = [t for k, s, t in traffic.samples if k == "chat" and s == 200]
    return {"parser": parser, "llm_calls": _Drip.calls, "chat_turns": len(chat),
            "chat_p50_ms": pct(chat, 0.5), "unsure_turns": len(unsure),
            "unsure_slow_turns": sum(1 for t in unsure if t > 1.0),
            "unsure_p50_ms": pct(unsure, 0.5), "fallback_reason": reason,
            "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


def _db_bytes(db: Path) -> int:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal")
               if Path(f"{db}{s}").exists())


def _count(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]


SCENARIOS = {"big-body": big_body, "slow-clients": slow_clients,
             "new-sessions": new_sessions, "lock": lock, "drip": drip,
             "drip-llm-only": partial(drip, parser="llm-only")}
# issue 18's findings, one scenario each (bench/_hostile.py)
from _hostile import QUICK as HOSTILE_QUICK, hostile_scenarios  # noqa: E402

SCENARIOS.update(hostile_scenarios(sys.modules[__name__]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    ap.add_argument("--against", type=Path, default=None, metavar="DIR",
                    help="serve the chatrec of another checkout (a before/after figure; "
                    "give it a home trained by that code in $CHATREC_HOME)")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 10 s of slow clients, 500 sessions, a 5 s lock")
    args = ap.parse_args()
    Server.tree = args.against.resolve() if args.against else None
    quick = {"slow-clients": {"seconds": 10.0}, "new-sessions": {"n": 500},
             "lock": {"hold": 5.0}, "drip": {"seconds": 15.0},
             "drip-llm-only": {"seconds": 15.0}, **HOSTILE_QUICK} if args.quick else {}
    results = {"loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    for name in args.only.split(","):
        home = scratch_home()
        try:
            t = time.monotonic()
            results[name] = SCENARIOS[name](home, **quick.get(name, {}))
            results[name]["wall_s"] = round(time.monotonic() - t, 1)
        finally:
            shutil.rmtree(home, ignore_errors=True)  # symlinks only: the real data stays
        if not args.json:
            print(name, json.dumps(results[name]), flush=True)
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2) if args.json else
          f"load average before/after: {results['loadavg_before']} {results['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
