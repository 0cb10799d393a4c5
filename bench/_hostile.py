"""The scenarios of issue 18 ("what an attacker found after issue 9") for
bench/bench_reliability.py, which registers them: one per finding, each against a fresh
`chatrec serve --workers 1` on 127.0.0.1 (bench_reliability.Server, Traffic).

  long-messages     4 clients sending the worst 2,000-character message the issue found
                    (`("like ," * 400)[:2000]`) in a loop, beside the normal traffic and
                    a /health probe every 50 ms
  short-slow-messages  the same with its first 80 characters (the longest message that
                    is not sent to the thread pool by its length alone)
  metrics-labels    10,000 hostile requests (invented methods and paths, a bad Host,
                    no key on a keyed server): /metrics size, series and RSS before/after
  session-squat     --client-session-ids with two keys: key A takes "alice", then B
  artifacts         the issue's three artifacts (valid checksum, inconsistent arrays) in
                    a copied data home: the server starts, retrains them, and serves
  bad-settings      settings that would switch a safety feature off, at start
  disk-full         the sessions database on a 2 MB tmpfs that fills while turns run
                    (needs root to mount it), then space comes back
  protocol          the smaller items: /report and /metrics without a key, a non-ASCII
                    key, chunked + Content-Length, two Content-Types, HEAD, the page's
                    headers, session ids in the access log
"""
from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

WORST = ("like ," * 400)[:2000]


def hostile_scenarios(kit) -> dict:
    """{name: scenario(home)} over the Server/Traffic/pct/free_port of `kit`."""
    return {"long-messages": lambda home, **kw: long_messages(kit, home, **kw),
            "short-slow-messages": lambda home, **kw: long_messages(kit, home, chars=80,
                                                                    **kw),
            "metrics-labels": lambda home, **kw: metrics_labels(kit, home, **kw),
            "session-squat": lambda home, **kw: session_squat(kit, home),
            "artifacts": lambda home, **kw: artifacts(kit, home),
            "bad-settings": lambda home, **kw: bad_settings(kit, home),
            "disk-full": lambda home, **kw: disk_full(kit, home),
            "protocol": lambda home, **kw: protocol(kit, home)}


QUICK = {"long-messages": {"seconds": 8.0}, "short-slow-messages": {"seconds": 8.0},
         "metrics-labels": {"n": 2000}}


def _ms(values, q):
    return None if not values else round(sorted(values)[min(len(values) - 1, int(
        q * len(values)))] * 1000, 1)


# ---- 1. long messages -------------------------------------------------------------------
def long_messages(kit, home: str, seconds: float = 30.0, clients: int = 4,
                  chars: int = 2000) -> dict:
    message = WORST[:chars]
    turns: list[tuple[int, float]] = []
    stop = threading.Event()

    def attacker(url):
        with httpx.Client(base_url=url, timeout=300) as c:
            while not stop.is_set():
                t = time.monotonic()
                try:
                    status = c.post("/chat", json={"message": message}).status_code
                except httpx.HTTPError:
                    status = -1
                turns.append((status, time.monotonic() - t))

    with kit.Server(home) as srv:
        threads = [threading.Thread(target=attacker, args=(srv.url,)) for _ in range(clients)]
        for th in threads:
            th.start()
        time.sleep(1.0)  # all four in flight
        probes = []
        with kit.Traffic(srv.url) as traffic, httpx.Client(base_url=srv.url, timeout=60) as c:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                t = time.monotonic()
                c.get("/health")
                probes.append(time.monotonic() - t)
                time.sleep(0.05)
        stop.set()
        for th in threads:
            th.join(600)
        report = traffic.report(srv.url)
        children = [kit.peak_rss_mb(pid) for pid in _children(srv.proc.pid)]
    done = [s for s, _ in turns]
    return {"clients": clients, "message_chars": len(message), "seconds": seconds,
            "long_turns": len(turns), "long_statuses": dict(Counter(done)),
            "long_turn_p50_s": round(statistics.median(t for _, t in turns), 2)
            if turns else None,
            "health_probes": len(probes), "health_p50_ms": _ms(probes, 0.5),
            "health_p99_ms": _ms(probes, 0.99), "health_max_ms": _ms(probes, 1.0),
            "traffic": report, "peak_rss_mb": srv.peak_rss_mb,
            "parse_process_peak_rss_mb": children}


def _children(pid: int) -> list[int]:
    """The server's child processes (its parse process)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


# ---- 2. metric labels ---------------------------------------------------------------------
def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def metrics_labels(kit, home: str, n: int = 10_000) -> dict:
    import random
    import string
    rng = random.Random(18)
    key = {"Authorization": "Bearer bench-key"}

    def word(k):
        return "".join(rng.choice(string.ascii_letters) for _ in range(k))

    def hostile(c, i):
        kind = i % 4
        try:
            if kind == 0:
                return c.request(word(rng.randint(3, 2000)).upper(), "/chat").status_code
            if kind == 1:
                return c.get("/" + word(rng.randint(1, 500))).status_code
            if kind == 2:
                return c.get("/health", headers={"host": word(12) + ".example"}).status_code
            return c.get("/items/" + word(8) + "/similar").status_code   # no key: 401
        except httpx.HTTPError:
            return -1

    def scrape(c):
        text = c.get("/metrics", headers=key).text
        return len(text.encode()), sum(1 for line in text.splitlines()
                                       if line and not line.startswith("#"))

    with kit.Server(home, CHATREC_API_KEYS="bench-key") as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        for i in range(8):          # one of each kind first: their series exist
            hostile(c, i)
        scrape(c)
        (size0, series0), rss0 = scrape(c), _rss_mb(srv.proc.pid)
        statuses = Counter(hostile(c, i) for i in range(8, 8 + n))
        (size1, series1), rss1 = scrape(c), _rss_mb(srv.proc.pid)
    return {"requests": n, "statuses": dict(statuses),
            "metrics_bytes_before": size0, "metrics_bytes_after": size1,
            "series_before": series0, "series_after": series1,
            "rss_mb_before": rss0, "rss_mb_after": rss1,
            "rss_ratio": round(rss1 / rss0, 3), "peak_rss_mb": srv.peak_rss_mb}


# ---- 3. session ids of two keys -------------------------------------------------------------
def session_squat(kit, home: str) -> dict:
    a, b = ({"Authorization": f"Bearer {k}"} for k in ("key-a", "key-b"))
    with kit.Server(home, "--client-session-ids", CHATREC_API_KEYS="key-a,key-b") as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        first = c.post("/chat", json={"message": "I loved Fargo", "session_id": "alice"},
                       headers=a)
        second = c.post("/chat", json={"message": "I loved Scream", "session_id": "alice"},
                        headers=b)
        mine = c.get("/sessions/alice", headers=a).json()
        theirs = c.get("/sessions/alice", headers=b).json()
        used = [f"used-{i}" for i in range(30)]
        for sid in used:
            c.post("/chat", json={"message": "hi", "session_id": sid}, headers=a)
        # B tries ids A uses and ids nobody uses, as the attacker did
        probe = {sid: c.post("/chat", json={"message": "hi", "session_id": sid},
                             headers=b).status_code
                 for sid in used + [f"free-{i}" for i in range(30)]}
    return {"a_status": first.status_code, "b_same_id_status": second.status_code,
            "a_sees": [r["title"] for r in mine.get("ratings", [])],
            "b_sees": [r["title"] for r in theirs.get("ratings", [])],
            "b_statuses_on_ids_a_uses": dict(Counter(probe[s] for s in used)),
            "b_statuses_on_free_ids": dict(Counter(v for s, v in probe.items()
                                                   if s.startswith("free"))),
            "peak_rss_mb": srv.peak_rss_mb}


# ---- 4. inconsistent artifacts ------------------------------------------------------------
def artifacts(kit, home: str) -> dict:
    import numpy as np
    real = Path(os.path.realpath(Path(home) / "artifacts"))
    (Path(home) / "artifacts").unlink()
    shutil.copytree(real, Path(home) / "artifacts")   # a copy: the real one stays intact
    d = Path(home) / "artifacts" / "ml-100k"
    damage = {"hybrid": lambda a: {**a, "x_indices": a["x_indices"] + 100_000},
              "popularity": lambda a: {**a, "counts": a["counts"][:-5]},
              "rank-blend": lambda a: {**a, "item_factors": a["item_factors"][:, :40]}}
    for name, change in damage.items():
        np.savez(d / f"{name}.npz", **change(dict(np.load(d / f"{name}.npz"))))
    t = time.monotonic()
    with kit.Server(home) as srv:
        started = round(time.monotonic() - t, 1)
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            calls = {"similar": c.get("/items/1/similar?k=5").status_code,
                     "recommend_user": c.get("/users/1/recommendations?k=5").status_code,
                     "chat_popular": c.post("/chat", json={"message": "popular films"}
                                            ).status_code,
                     "chat_recommend": c.post("/chat", json={
                         "message": "I loved Alien, recommend something"}).status_code}
        with kit.Traffic(srv.url) as traffic:
            time.sleep(10)
        report = traffic.report(srv.url)
        srv.proc.log.seek(0)
        log = srv.proc.log.read().decode(errors="replace")
    return {"start_s": started, "calls": calls,
            "retrained": sorted(n for n in damage if f"artifact {n} is unreadable" in log),
            "traffic": report, "peak_rss_mb": srv.peak_rss_mb}


# ---- 5, 6. settings that switch a safety feature off ------------------------------------
BAD = [("CHATREC_API_KEYS=','", {"CHATREC_API_KEYS": ","}, []),
       ("CHATREC_API_KEYS=' '", {"CHATREC_API_KEYS": " "}, []),
       ("--session-ttl 0", {}, ["--session-ttl", "0"]),
       ("--session-ttl 30s", {}, ["--session-ttl", "30s"]),
       ("CHATREC_SESSION_TTL=0", {"CHATREC_SESSION_TTL": "0"}, []),
       ("--max-body -1", {}, ["--max-body", "-1"]),
       ("--limit-concurrency -1", {}, ["--limit-concurrency", "-1"]),
       ("--body-timeout 0", {}, ["--body-timeout", "0"])]


def bad_settings(kit, home: str) -> dict:
    out = {}
    for label, env, args in BAD:
        t = time.monotonic()
        p = subprocess.run([sys.executable, "-m", "chatrec.cli.main", "serve", "--port",
                            str(kit.free_port()), *args], capture_output=True, text=True,
                           env=dict(os.environ, CHATREC_HOME=home, **env), timeout=120)
        out[label] = {"exit": p.returncode, "seconds": round(time.monotonic() - t, 2),
                      "says": (p.stderr.strip().splitlines() or [""])[-1][:160]}
    return out


# ---- 7. a full disk ------------------------------------------------------------------------
def disk_full(kit, home: str) -> dict:
    if os.geteuid() != 0:
        return {"skipped": "mounting a tmpfs needs root"}
    mnt = Path(tempfile.mkdtemp(prefix="chatrec-full-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
    try:
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * 1_300_000)    # someone else's file
        with kit.Server(home, "--sessions", str(mnt / "s.sqlite3")) as srv:
            with kit.Traffic(srv.url) as traffic, \
                    httpx.Client(base_url=srv.url, timeout=30) as c:
                time.sleep(5)   # ratings acknowledged before the disk fills
                first_503, n = None, 0
                while first_503 is None and n < 5000:
                    r = c.post("/chat", json={"message": "I loved Fargo " + "x" * 1900})
                    n += 1
                    if r.status_code == 503:
                        first_503 = r.json()["detail"]
                full_health = c.get("/health")
                time.sleep(3)   # the traffic keeps trying while the disk is full
                filler.unlink()
                t = time.monotonic()
                while c.get("/health").status_code != 200 and time.monotonic() - t < 60:
                    time.sleep(0.2)
                back = round(time.monotonic() - t, 1)
                after = c.post("/chat", json={"message": "I loved Heat"}).status_code
            report = traffic.report(srv.url)   # every rating acknowledged, looked up
        return {"turns_until_full": n, "first_503_detail": first_503,
                "health_when_full": [full_health.status_code, full_health.json()["status"]],
                "health_ok_again_after_s": back, "turn_after_space_returned": after,
                "traffic": report, "peak_rss_mb": srv.peak_rss_mb}
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        shutil.rmtree(mnt, ignore_errors=True)


# ---- 8, 9. the smaller items ---------------------------------------------------------------
def _raw(port: int, request: bytes) -> tuple[bytes, bool]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        data, closed = b"", False
        s.settimeout(1.0)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                data += chunk
        except socket.timeout:
            pass
        return data, closed


def protocol(kit, home: str) -> dict:
    key = "clé-42"
    auth = {"Authorization": b"Bearer " + key.encode()}
    body = b'{"message": "i loved fargo"}'
    with kit.Server(home, "--log-level", "info", CHATREC_API_KEYS=f"{key},other") as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        out = {f"{path} without key": c.get(path).status_code for path in ("/report",
                                                                           "/metrics")}
        out["/metrics with key"] = c.get("/metrics", headers=auth).status_code
        out["non-ASCII key"] = c.get("/items?search=alien", headers=auth).status_code
        both = (b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                b"\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n"
                b"0\r\n\r\n" % (len(body), len(body), body))
        answer, closed = _raw(srv.port, both)
        out["chunked + Content-Length"] = [answer.split(b"\r\n")[0].decode(), "closed"
                                           if closed else "kept open"]
        dup = (b"POST /chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
               % (len(body), body))
        answer, _ = _raw(srv.port, dup)
        out["two Content-Types"] = answer.split(b"\r\n")[0].decode()
        out["HEAD"] = {p: [r.status_code, len(r.content)] for p in ("/", "/health")
                       for r in [c.head(p)]}
        page = c.get("/").headers
        out["page headers"] = {h: page.get(h) is not None for h in (
            "content-security-policy", "x-frame-options", "x-content-type-options")}
        other = {"Authorization": "Bearer other"}   # an ASCII key: works before and after
        sid = c.post("/chat", json={"message": "hi"}, headers=other).json()["session_id"]
        c.get(f"/sessions/{sid}", headers=other)
        time.sleep(0.5)
        srv.proc.log.seek(0)
        out["session id in the access log"] = sid in srv.proc.log.read().decode(
            errors="replace")
    out["peak_rss_mb"] = srv.peak_rss_mb
    return out
