"""Where a POST /chat request's CPU goes, without sockets: the same requests through
the ASGI app of bench/bare_app.py, through chatrec's app with every turn answered from
a cache (the framework, middlewares, response model and metrics), through chatrec's app
in full, and `ChatService.turn` alone. CPU time per request (thread time), medians.

    python bench/bench_http_layers.py --requests 2000

The messages and the 8-turn conversations are bench/chat.lua's.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

MESSAGES = ["movies like star wars", "top 10 comedies", "something scary", "show me more",
            "recommend a thriller", "I loved Fargo", "movies like the godfather",
            "what's popular", "hi", "3 movies like toy story", "best sci fi films",
            "movies like star wors", "a few romantic comedies", "more",
            "I didn't like Titanic", "what should I watch tonight"]
TURNS = 8          # turns per conversation, as bench/chat.lua


def _scope(body: bytes) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/chat", "raw_path": b"/chat",
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5555),
            "server": ("127.0.0.1", 8000), "state": {},
            "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]}


async def _call(app, body: bytes) -> list[dict]:
    sent, done = [], False

    async def receive():
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)          # a client that stays connected

    async def send(message):
        sent.append(message)

    await app(_scope(body), receive, send)
    return sent


def _conversations(n: int):
    """(message, continue?) pairs: a new conversation every TURNS requests."""
    for i in range(n):
        yield MESSAGES[(i + 1) % len(MESSAGES)], i % TURNS != 0


async def _through_app(app, n: int) -> list[float]:
    sid, times = None, []
    for message, go_on in _conversations(n):
        payload = {"message": message, **({"session_id": sid} if go_on and sid else {})}
        t = time.thread_time()
        sent = await _call(app, json.dumps(payload).encode())
        times.append(time.thread_time() - t)
        if sent[0].get("status") != 200:
            raise SystemExit(f"HTTP {sent[0].get('status')}: {sent[1].get('body')!r}")
        sid = json.loads(sent[1]["body"])["session_id"]
    return times


async def _with_lifespan(app, n: int) -> list[float]:
    async with app.router.lifespan_context(app):
        return await _through_app(app, n)


def _turns_only(svc, n: int) -> list[float]:
    sid, times = None, []
    for message, go_on in _conversations(n):
        t = time.thread_time()
        body = svc.turn(message, sid if go_on else None)
        times.append(time.thread_time() - t)
        sid = body["session_id"]
    return times


def _ms(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times) * 1e3, 3),
            "p99_ms": round(times[int(len(times) * 0.99)] * 1e3, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    import bare_app

    from chatrec.server.app import create_app
    from chatrec.service import build_service

    n = args.requests
    svc = build_service()
    svc.warm_up()
    app = create_app(svc)
    real_turn, answers = svc.turn, {}

    def cached_turn(message, session_id=None, *rest, **kw):
        key = (message, session_id is None)
        if key not in answers:
            answers[key] = real_turn(message, session_id, *rest, **kw)
        return answers[key]

    out = {"loadavg": [round(x, 2) for x in os.getloadavg()]}
    asyncio.run(_through_app(bare_app.app, n // 4))                  # warm both apps
    out["bare app"] = _ms(asyncio.run(_through_app(bare_app.app, n)))
    asyncio.run(_with_lifespan(app, n // 4))
    out["chatrec app"] = _ms(asyncio.run(_with_lifespan(app, n)))
    svc.turn = cached_turn
    out["chatrec app, turns cached"] = _ms(asyncio.run(_with_lifespan(app, n)))
    svc.turn = real_turn
    out["ChatService.turn alone"] = _ms(_turns_only(svc, n))
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"CPU per request, {n} requests, load {out['loadavg']}")
    for name, row in out.items():
        if name != "loadavg":
            print(f"  {name:28} p50 {row['p50_ms']:7.3f} ms   p99 {row['p99_ms']:7.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
