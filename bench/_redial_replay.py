"""Running seeker messages through chatrec for bench/bench_redial.py.

parse    in-process, as `chatrec parse` does (chatrec/cli/commands/parse.py): the
         dataset's catalog, `build_parser(spec, title_catalog(catalog, ratings))`,
         `parser.parse(text)` with no conversation context, printed by the CLI's own
         `to_json`. `cli_parse` pipes the same messages through the real `chatrec parse`.
serve    a real `chatrec serve` on a free loopback port (bench/bench_http.py starts it
         on a scratch home sharing the real home's datasets and artifacts): one session
         per conversation via POST /chat, and GET /sessions/{id} after every message to
         see what that message stored.
service  the same turns in-process through ChatService (what `serve` runs, without
         HTTP) on a scratch SQLite store: the serve numbers in seconds.
Probe (serve and service): the seeker messages up to that point are replayed into a
FRESH session, then PROBE is sent there; the conversation's own session never sees it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PROBE = "recommend 50 movies"


def plain(x):
    """numpy scalars (ids from the in-process service) -> JSON-able Python values."""
    return x.item() if isinstance(x, np.generic) else x


class InProcessParser:
    def __init__(self, dataset: str | None, spec: str | None):
        from chatrec.cli.commands.parse import to_json
        from chatrec.data import datasets
        from chatrec.parsers import build_parser, title_catalog

        self.catalog, self.ratings = datasets.load(dataset)
        self.parser = build_parser(spec, title_catalog(self.catalog, self.ratings))
        self._to_json = to_json

    def parse(self, text: str) -> dict:
        return json.loads(self._to_json(self.parser.parse(text)))


def cli_parse(texts: list[str], dataset: str | None, spec: str | None) -> list[dict]:
    """The real `chatrec parse`, one JSON line per stdin line (texts hold no newline)."""
    cmd = [sys.executable, "-m", "chatrec.cli.main", "parse"]
    if dataset:
        cmd += ["--dataset", dataset]
    if spec:
        cmd += ["--parser", spec]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(cmd, input="".join(t + "\n" for t in texts), text=True,
                         capture_output=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench_redial: chatrec parse failed ({out.returncode}):\n"
                         f"{out.stderr[-2000:]}")
    lines = out.stdout.splitlines()
    if len(lines) != len(texts):
        raise SystemExit(f"bench_redial: chatrec parse answered {len(lines)} lines for "
                         f"{len(texts)} messages")
    return [json.loads(line) for line in lines]


class HttpClient:
    """POST /chat and GET /sessions/{id} on a running server (one keep-alive client)."""

    def __init__(self, url: str):
        import httpx
        self.url = url.rstrip("/")
        self.http = httpx.Client(timeout=30)

    def chat(self, message: str, session_id: str | None) -> dict:
        body = {"message": message, **({"session_id": session_id} if session_id else {})}
        r = self.http.post(self.url + "/chat", json=body)
        if r.status_code != 200:      # refused (a 4xx) or failed: recorded, not fatal
            return refused(f"HTTP {r.status_code}: {r.text[:300]}", session_id)
        return r.json()

    def session(self, session_id: str) -> dict:
        r = self.http.get(f"{self.url}/sessions/{session_id}")
        if r.status_code != 200:
            raise SystemExit(f"bench_redial: GET /sessions {r.status_code}: {r.text[:300]}")
        return r.json()

    def close(self) -> None:
        self.http.close()


class LocalClient:
    """The same two calls on an in-process ChatService with a scratch SQLite store."""

    def __init__(self, dataset: str | None, spec: str | None):
        from chatrec.service import build_service, jsonable
        self.tmp = tempfile.mkdtemp(prefix="chatrec-redial-")
        self.service = build_service(dataset, spec, sessions_path=str(
            Path(self.tmp) / "sessions.sqlite3"))
        self._jsonable = jsonable

    def chat(self, message: str, session_id: str | None) -> dict:
        from chatrec.errors import ChatrecError
        try:
            return self._jsonable(self.service.turn(message, session_id))
        except ChatrecError as e:      # what the server answers with a 4xx
            return refused(f"{type(e).__name__}: {e}", session_id)

    def session(self, session_id: str) -> dict:
        return self._jsonable(self.service.get_session(session_id))

    def close(self) -> None:
        import shutil
        shutil.rmtree(self.tmp, ignore_errors=True)


class Server:
    """`chatrec serve --workers 1` on a free port and a scratch home (bench_http.py)."""

    def __init__(self, spec: str | None, dataset: str | None):
        from bench_http import free_port, scratch_home, start_server
        self.home = scratch_home()
        args = [*(["--parser", spec] if spec else []),
                *(["--dataset", dataset] if dataset else [])]
        env = {"PYTHONPATH": str(ROOT)}
        port = free_port()
        self.proc = start_server(port, 1, self.home, args, env)
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        import shutil

        from bench_http import stop_server
        stop_server(self.proc)
        shutil.rmtree(self.home, ignore_errors=True)


def refused(why: str, session_id: str | None) -> dict:
    """A /chat body for a message chatrec refused: no query, the session unchanged."""
    return {"session_id": session_id, "reply": "", "items": [], "query": {}, "error": why}


def stored(session: dict) -> dict:
    """GET /sessions body -> {"ratings": {id: value}, "seen": set of ids}."""
    return {"ratings": {plain(r["item_id"]): r["rating"] for r in session.get("ratings", ())},
            "seen": {plain(s["item_id"]) for s in session.get("seen", ())}}


def changes(before: dict, after: dict) -> dict:
    """What one message stored: ratings new or changed, seen marks new."""
    return {"ratings": {i: v for i, v in after["ratings"].items()
                        if before["ratings"].get(i) != v},
            "seen": sorted(after["seen"] - before["seen"], key=str)}


def replay(client, conv):
    """Yield (message, reply body, stored after it, what it changed) for each seeker
    message of one conversation, all in one session."""
    sid, before = None, {"ratings": {}, "seen": set()}
    for msg in conv.messages:
        body = client.chat(msg.text, sid)
        sid = body["session_id"]
        after = stored(client.session(sid)) if sid else before
        yield msg, body, after, changes(before, after)
        before = after


def probe(client, conv, after: int) -> tuple[list, dict]:
    """(the films chatrec lists for PROBE after `after` seeker messages, its query)."""
    sid = None
    for msg in conv.messages[:after]:
        sid = client.chat(msg.text, sid)["session_id"]
    body = client.chat(PROBE, sid)
    return [plain(it["item_id"]) for it in body.get("items") or ()], body.get("query") or {}


def most_watched(catalog, ratings) -> list:
    """Catalog ids by number of ratings, most first (ties: catalog order)."""
    counts = ratings.item_counts()
    order = np.argsort(-counts, kind="stable")
    return [plain(catalog.item_ids[i]) for i in order]
