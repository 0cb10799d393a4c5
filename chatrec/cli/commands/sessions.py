"""`chatrec sessions prune|stats`: expiry and size of the sessions database.

`chatrec serve` prunes on its own every hour (CHATREC_SESSION_SWEEP); `prune` is for
cron jobs, a stopped server, or right now. Both work while a server runs: a prune
deletes in short transactions, so live turns wait milliseconds at most."""
from __future__ import annotations

import argparse
import json
import time


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sessions", help="prune expired sessions, or show counts and size",
        description="Manage the sessions database ($CHATREC_HOME/sessions.sqlite3, or "
        "the PostgreSQL database of $CHATREC_SESSIONS_URL).",
        epilog="A session expires when it has had no turn for the TTL: --ttl, else "
        "$CHATREC_SESSION_TTL, else 30d. Exit codes: 2 bad usage, 3 storage problem, "
        "5 the database stayed locked (try again).")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("prune", "delete sessions idle longer than the TTL"),
                       ("stats", "counts, size, and how many sessions have expired")):
        q = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        q.add_argument("--ttl", metavar="DURATION", default=None,
                       help="idle time that expires a session, e.g. 30d, 12h, 0s "
                       "(default $CHATREC_SESSION_TTL or 30d)")
        q.add_argument("--json", action="store_true", help="print JSON")
        q.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from chatrec.sessions.factory import open_store, session_ttl
    from chatrec.units import parse_duration

    ttl = parse_duration(args.ttl, "--ttl") if args.ttl is not None else session_ttl()
    store = open_store()
    if args.action == "prune":
        before = store.stats()
        started = time.perf_counter()
        deleted = store.prune(ttl)
        after = store.stats()
        out = {"deleted": deleted, "remaining": after.sessions, "ttl_seconds": ttl,
               "bytes_before": before.bytes, "bytes_after": after.bytes,
               "seconds": round(time.perf_counter() - started, 3)}
        text = (f"deleted {deleted:,} sessions idle for more than {_human(ttl)}; "
                f"{after.sessions:,} remain; {_mb(before.bytes)} -> {_mb(after.bytes)}")
    else:
        stats = store.stats(ttl)
        out = {**stats.to_dict(), "ttl_seconds": ttl}
        text = "\n".join([
            f"database      {stats.location} ({stats.backend})",
            f"sessions      {stats.sessions:,} ({stats.expired:,} idle for more than "
            f"{_human(ttl)}: the next prune deletes them)",
            f"ratings       {stats.ratings:,}",
            f"turns kept    {stats.transcript_turns:,}",
            f"size          {_mb(stats.bytes)}",
            f"last activity {_when(stats.newest_update)} (oldest {_when(stats.oldest_update)})",
        ])
    print(json.dumps(out) if args.json else text)
    return 0


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size:.0f}{unit}"
    return f"{seconds:g}s"


def _when(t: float | None) -> str:
    return "never" if t is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(t))
