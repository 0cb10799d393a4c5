"""Real people's messages: the ReDial dev conversations through chatrec (issue 17).

    python bench/bench_redial.py                           # parse mode, both splits
    python bench/bench_redial.py --split train --dump /tmp/redial.jsonl
    python bench/bench_redial.py --via-cli --limit 50      # the real `chatrec parse` too
    python bench/bench_redial.py --mode serve              # a real `chatrec serve`
    python bench/bench_redial.py --mode service            # the same turns in-process

Seeker messages are written as people type them (`@id` -> the title without its year)
and ReDial films are linked to the catalog by title and year (bench/_redial_data.py).
Per split it reports: mention recall / precision for catalog films, false links on
messages naming only films outside the catalog and on messages naming no film, the
share answered with a fallback or "I don't know 'X'" for a non-film, stated opinions
parsed (and, serving, stored) with the right direction, wrong writes, and in serve /
service mode Recall@10/@50 of the films the human recommender suggested next, from a
probe ("recommend 50 movies" in a fresh session that replays the conversation so far)
beside a most-watched list. Definitions: docs/benchmarks/redial.md. Progress on stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _redial_data import DATA, SPLITS, Linker, film_title_keys, linking_summary, load  # noqa: E402
from _redial_metrics import judge  # noqa: E402
from _redial_replay import (  # noqa: E402
    PROBE, HttpClient, InProcessParser, LocalClient, Server, cli_parse, most_watched,
    probe, replay)
from _redial_report import table  # noqa: E402
from _redial_tally import Tally  # noqa: E402


class Progress:
    """One updating line on a terminal; otherwise a line every 5 s and at the end."""

    def __init__(self, label: str, total: int):
        self.label, self.total = label, total
        self.start = self.last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, messages: int) -> None:
        now, end = time.monotonic(), done == self.total
        if end or now - self.last >= (1.0 if self.tty else 5.0):
            self.last = now
            line = (f"  {self.label}: {done}/{self.total} conversations, {messages} "
                    f"messages, {now - self.start:.1f} s")
            print(f"\r{line}" if self.tty else line, end="\n" if end or not self.tty else "",
                  file=sys.stderr, flush=True)


def named_catalog(conv, upto: int) -> frozenset:
    """Catalog ids (and the uncertain films' candidates) named in messages 0..upto."""
    out = set()
    for msg in conv.messages[:upto + 1]:
        for r in msg.films:
            f = conv.films[r]
            out |= {f.item_id} if f.status == "catalog" else set(f.candidates)
    return frozenset(out)


def run_parse(convs, parser, args, tally: Tally, dump, label: str) -> dict:
    texts = [m.text for c in convs for m in c.messages]
    queries, times, progress = [], [], Progress(label, len(convs))
    parser.parse("I loved Heat, anything like it?")     # warm-up: first-call costs
    for n, conv in enumerate(convs, 1):    # an LLM parser takes seconds a message
        for msg in conv.messages:
            started = time.perf_counter()
            queries.append(parser.parse(msg.text))
            times.append(1000 * (time.perf_counter() - started))
        progress(n, len(queries))
    ms = sorted(times) or [0.0]
    info = {"parse_ms_p50": round(ms[len(ms) // 2], 3),
            "parse_ms_p99": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 3),
            "parse_ms_max": round(ms[-1], 1)}
    if args.via_cli:
        via = cli_parse(texts, args.dataset, args.parser)
        differ = [t for t, a, b in zip(texts, queries, via) if a != b]
        info["cli_agrees"] = f"{len(texts) - len(differ)}/{len(texts)}"
        info["cli_differs_on"] = differ[:5]
        queries = via
    it = iter(zip(queries, times))
    for conv in convs:
        for msg in conv.messages:
            q, ms_taken = next(it)
            rec = judge(msg, conv, q, args.known) | {"parse_ms": round(ms_taken, 3)}
            tally.add(rec)
            dump(rec)
    return info


def run_serve(convs, client, popular, args, tally: Tally, dump, label: str) -> dict:
    progress, sent, misparsed = Progress(label, len(convs)), 0, 0
    for n, conv in enumerate(convs, 1):
        rated = [0]                        # ratings stored after 0, 1, ... messages
        for msg, body, after, wrote in replay(client, conv):
            rec = judge(msg, conv, body["query"], args.known, body, after, wrote,
                        named_catalog(conv, msg.n))
            tally.add(rec)
            dump(rec)
            rated.append(len(after["ratings"]))
            sent += 1
        for p in conv.probes:
            listed, query = probe(client, conv, p.after)
            misparsed += query.get("intent") != "recommend" or query.get("k") != 50
            base = [i for i in popular if i not in p.mentioned][:50]
            tally.add_probe(p.gold, p.liked, listed, base, cold=rated[p.after] == 0)
            dump({"conv": conv.id, "split": conv.split, "probe_after": p.after,
                  "suggested": list(p.gold), "liked": list(p.liked),
                  "chatrec": listed, "most_watched": base[:10]})
        progress(n, sent)
    return {"probe_not_recommend_50": misparsed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=("parse", "serve", "service"), default="parse")
    ap.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    ap.add_argument("--limit", type=int, metavar="N", help="first N conversations per split")
    ap.add_argument("--via-cli", action="store_true",
                    help="parse mode: also run the real `chatrec parse` and use its answers")
    ap.add_argument("--parser", metavar="SPEC", help="as `chatrec parse --parser`")
    ap.add_argument("--dataset", help="as `chatrec parse --dataset` (default: the active one)")
    ap.add_argument("--url", help="serve mode: an already running server")
    ap.add_argument("--data", type=Path, default=DATA, help=f"ReDial dev folder ({DATA})")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    ap.add_argument("--dump", metavar="FILE", help="per-message JSONL (and probes)")
    ap.add_argument("--sample", type=int, default=12, help="linked films shown for eyeballing")
    args = ap.parse_args()
    os.environ.pop("CHATREC_EXPERIMENTS", None)     # no A/B arms: every session alike
    os.environ.pop("CHATREC_SESSIONS_URL", None)    # scratch stores only
    started = time.perf_counter()
    parser = InProcessParser(args.dataset, args.parser)
    linker = Linker(parser.catalog)
    splits = SPLITS if args.split == "both" else (args.split,)
    convs = {s: load(s, linker, args.limit, args.data) for s in splits}
    every = [c for s in splits for c in convs[s]]
    args.known = film_title_keys(args.data)
    out = {"mode": args.mode, "splits": {}, "linking": linking_summary(every),
           "sample": sample(every, args.sample, parser.catalog),
           "parser": args.parser or "default",
           "probe": PROBE if args.mode != "parse" else None}
    dump_file = open(args.dump, "w", encoding="utf-8") if args.dump else None

    def dump(rec):
        if dump_file:
            dump_file.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")

    client = server = None
    try:
        if args.mode == "serve":
            if not args.url:
                server = Server(args.parser, args.dataset)
            client = HttpClient(args.url or server.url)
        elif args.mode == "service":
            client = LocalClient(args.dataset, args.parser)
        popular = most_watched(parser.catalog, parser.ratings)
        for s in splits:
            tally = Tally()
            if client is None:
                info = run_parse(convs[s], parser, args, tally, dump, s)
            else:
                info = run_serve(convs[s], client, popular, args, tally, dump, s)
            out["splits"][s] = tally.summary() | info | {"conversations": len(convs[s])}
    finally:
        if client is not None:
            client.close()
        if server is not None:
            server.stop()
        if dump_file:
            dump_file.close()
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=1, default=str) if args.json else table(out))
    return 0


def sample(convs, n: int, catalog) -> list[str]:
    """Every k-th linked film by name (deterministic), for eyeballing the linker; all
    those linked by a year +-1 or an alias first."""
    films = sorted({f.name: f for c in convs for f in c.films.values()
                    if f.status == "catalog"}.values(), key=lambda f: (f.how == "exact", f.name))
    loose = [f for f in films if f.how != "exact"]
    exact = films[len(loose):]
    step = max(1, len(exact) // max(1, n))
    return [f"{f.name.strip()!r} -> {catalog.display(catalog.index_of(f.item_id))} "
            f"[item {f.item_id}, {f.how}]" for f in loose + exact[::step][:n]]


if __name__ == "__main__":
    sys.exit(main())
