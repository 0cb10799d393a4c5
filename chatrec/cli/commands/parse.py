"""`chatrec parse`: show the structured call (Query) a message turns into.

Needs only the dataset's catalog (no model training), so it starts fast and scripts can
pipe messages through it: with no TEXT it reads stdin and writes one JSON object per
input line, flushed after each, blank lines included (output line N answers input
line N).
"""
from __future__ import annotations

import json
import sys

from chatrec.cli.commands.options import add_dataset


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "parse",
        help="show the structured call <intent, genre, title, k> for a message",
        description="Parse TEXT into the Query the chat service would dispatch. "
        "Without TEXT, read messages from stdin, one per line, and print one JSON "
        "object per line.",
        epilog="examples:\n  chatrec parse 'top 10 comedies'\n"
        "  chatrec parse --json movies like the godfather\n"
        "  printf 'hi\\nmovies like alien\\n' | chatrec parse",
    )
    p.add_argument("text", nargs="*", metavar="TEXT",
                   help="the message (words are joined with spaces); omit to read stdin")
    p.add_argument("--json", action="store_true",
                   help="print JSON (keys intent, genre, title, item_id, k, ...)")
    p.add_argument("--parser", metavar="SPEC", default=None,
                   help="regex | llm | llm-only | package.module:factory "
                   "(default: $CHATREC_PARSER or regex)")
    add_dataset(p, "whose titles and genres are matched")
    p.set_defaults(func=run)


def run(args) -> int:
    from chatrec.data import datasets
    from chatrec.parsers import build_parser, title_catalog

    catalog, ratings = datasets.load(args.dataset)
    parser = build_parser(args.parser, title_catalog(catalog, ratings))
    if args.text:
        query = parser.parse(" ".join(args.text))
        print(to_json(query) if args.json else to_text(query))
        return 0
    out = sys.stdout
    for line in sys.stdin:
        out.write(to_json(parser.parse(line.rstrip("\r\n"))) + "\n")
        out.flush()     # a script waiting on each answer must not wait for a buffer
    return 0


def to_json(query) -> str:
    """One line of JSON; every key is always present so scripts can rely on them."""
    return json.dumps(query.to_dict(), ensure_ascii=False, default=str)


def to_text(query) -> str:
    """Aligned 'key  value' lines for people."""
    d = query.to_dict()
    lines = [("intent", d["intent"]), ("genre", d["genre"] or "-")]
    title = d["title"]
    lines.append(("title", f"{title} (item {d['item_id']})" if title is not None else "-"))
    k = str(d["k"])
    if d.get("k_requested") is not None:
        k += f" (asked for {d['k_requested']}, clamped)"
    lines.append(("k", k))
    if d.get("rating") is not None:
        lines.append(("rating", f"{d['rating']:g}"))
    if d.get("candidates"):
        lines.append(("did you mean", "; ".join(c["title"] for c in d["candidates"])))
    if d.get("confidence") is not None:
        lines.append(("confidence", f"{d['confidence']:g}"))
    lines.append(("parser", d.get("parser") or "-"))
    if d.get("fallback_reason"):
        lines.append(("fallback", d["fallback_reason"]))
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in lines)
