"""Python bytecodes executed per `POST /chat` through the whole ASGI app, in-process: a
deterministic measure of what a change adds to the hot path, where wrk's req/s swings
by a third between rounds on this shared machine (bench/bench_http_compare.py).

    python bench/bench_opcodes.py                          # this checkout
    python bench/bench_opcodes.py --against /tmp/before --against-home /tmp/before-home

Each tree serves the same turns (short messages, a new session every third turn) from
its own app on a scratch sessions database, after a warm-up; only the event loop's
thread is traced (where a short turn runs), with sys.settrace opcode events, leaving out
asyncio's own loop machinery (how often it spins depends on timing, not on the code).
The SQLite, JSON and regex work done in C is not counted.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
IDLE = tuple(f"/{m}.py" for m in ("base_events", "selector_events", "events", "selectors",
                                    "threading", "queues", "tasks", "futures"))
MESSAGES = ["hi", "movies like star wars", "I loved Fargo", "3 comedies from the 90s",
            "show me more", "why the second one?"]


def count(turns: int) -> dict:
    from fastapi.testclient import TestClient

    from chatrec.server.app import create_app
    from chatrec.service import build_service

    db = Path(tempfile.mkdtemp(prefix="chatrec-opcodes-")) / "s.sqlite3"
    app = create_app(build_service(sessions_path=db))
    ops = [0]

    def tracer(frame, event, arg):
        # the event loop's own turns (asyncio, selectors, threading) depend on timing,
        # not on the code under test: not counted
        if frame.f_code.co_filename.endswith(IDLE):
            return None
        frame.f_trace_opcodes = True
        if event == "opcode":
            ops[0] += 1
        return tracer

    def run(c, n):
        sid = None
        for i in range(n):
            body = {"message": MESSAGES[i % len(MESSAGES)]}
            if sid and i % 3:
                body["session_id"] = sid
            r = c.post("/chat", json=body)
            assert r.status_code == 200, r.text
            sid = r.json()["session_id"]

    with TestClient(app) as c:
        run(c, 60)                        # warm-up: lazy models, caches, first imports
        c.portal.call(sys.settrace, tracer)
        run(c, turns)
        c.portal.call(sys.settrace, None)
        health_before = ops[0]
        c.portal.call(sys.settrace, tracer)
        for _ in range(turns):
            c.get("/health")
        c.portal.call(sys.settrace, None)
    return {"turns": turns, "opcodes_per_chat": round(health_before / turns),
            "opcodes_per_health": round((ops[0] - health_before) / turns)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=300)
    ap.add_argument("--against", type=Path, default=None, help="another checkout")
    ap.add_argument("--against-home", type=Path, default=None,
                    help="a data home trained by that checkout (default $CHATREC_HOME)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(count(args.turns)))
        return 0
    out = {}
    for name, tree, home in (("this", HERE.parent, None),
                             ("against", args.against, args.against_home)):
        if tree is None:
            continue
        env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve()))
        if home is not None:
            env["CHATREC_HOME"] = str(home)
        p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--inner",
                            "--turns", str(args.turns)], env=env, cwd=tree,
                           capture_output=True, text=True, timeout=1800)
        if p.returncode:
            sys.exit(f"{name}: {p.stderr[-2000:]}")
        out[name] = json.loads(p.stdout.strip().splitlines()[-1])
    if "against" in out:
        out["ratio"] = {k: round(out["this"][k] / out["against"][k], 3)
                        for k in ("opcodes_per_chat", "opcodes_per_health")}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
