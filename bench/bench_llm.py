"""The LLM parser on a real model: `regex`, `llm` (the cascade) and `llm-only` over the
single-message corpus (tests/intents/corpus.tsv) and the dialogue corpus
(tests/dialogues/*.dlg, played in-process through ChatService and judged by
tests/dialogues/judge.py).

    nice -n 19 python bench/llm_server.py serve &       # Qwen2.5-Coder-1.5B, llama.cpp
    nice -n 19 python bench/bench_llm.py [--modes regex,llm,llm-only] \\
        [--base-url http://127.0.0.1:8089/v1] [--timeout 120] [--json F] [--tables F] \\
        [--corpora messages,dialogues] [--corpus bench/heldout_messages.tsv]
    python bench/bench_llm.py --cached-only ...    # re-score cached replies, no server

Reports per mode: accuracy (exact Query as labelled / dialogue turns right), how often
the LLM was asked, accepted LLM answers and their precision, fallbacks by reason,
guard rejections by kind, latency p50/p99, session writes from LLM answers, and the
messages the rules get wrong or call `unknown` and how many the LLM recovers. LLM replies are cached on
disk by request body ($CHATREC_LLM_CACHE/bench-replies.jsonl, with the latency each
took), so an interrupted run resumes and `llm` reuses what `llm-only` asked.
The deadline is generous by default (a shared 2-core CPU is slow); the latency
columns say how many calls the product's 8 s default would have cut. Not part of CI.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _llm_probe import Probe, ReplyCache, percentile  # noqa: E402

import intents.llm.parser as llm_module  # noqa: E402
from intents.llm.cascade import CascadeParser, unsure  # noqa: E402
from intents.llm.parser import LLMParser  # noqa: E402
from intents.rules.parser import RuleParser  # noqa: E402
from tests.intents.test_corpus import CORPUS, expected_extras, load_corpus  # noqa: E402

CACHE = Path(os.environ.get("CHATREC_LLM_CACHE", Path.home() / ".cache" / "chatrec-llm"))
PRODUCT_TIMEOUT = 8.0


def exact(q, row) -> bool:
    text, intent, genre, title, k, extras = row
    want = expected_extras(genre, title, extras)
    return (q.intent.value, q.genre, q.title, q.k) == (intent, genre, title, k) and \
        {key: getattr(q, key) for key in want} == want


def core(q, row) -> bool:
    return (q.intent.value, q.genre, q.title, q.k) == tuple(row[1:5])


def describe(q) -> str:
    """A Query in one line, for the per-message listings."""
    return (f"{q.intent.value} {list(q.titles)} {list(q.genres)} -{list(q.exclude_genres)} "
            f"k={q.k} ref={q.ref} topic={q.topic} rank_by={q.rank_by} "
            f"y={q.year_from}..{q.year_to} rating={q.rating}")


def corpus_run(mode: str, parser, probe: Probe | None, rows) -> dict:
    """Exact accuracy over the labelled messages, and what the LLM changed: the messages
    the rules miss (wrong, or `unknown`) and how many of those the LLM recovered."""
    rules = RuleParser(parser.catalog) if mode != "regex" else parser
    right = core_right = rules_right = 0
    accepted = accepted_right = 0
    recovered, broken, writes, wrong_accepted, missed, listing = [], [], 0, [], [], []
    unguarded = unguarded_right = 0
    for row in rows:
        text = row[0]
        n_before = len(probe.log) if probe else 0
        q = parser.parse(text)
        raw = None                       # the LLM's answer before the guards, if asked
        if probe is not None and len(probe.log) > n_before:
            raw = probe.log[-1]["unguarded"]
            if raw is not None and raw.intent.value != "unknown":
                unguarded += 1
                unguarded_right += exact(raw, row)
        r = rules.parse(text)
        ok, rules_ok = exact(q, row), exact(r, row)
        right += ok
        rules_right += rules_ok
        core_right += core(q, row)
        if q.parser == "llm":
            accepted += 1
            accepted_right += ok
            if not ok:
                wrong_accepted.append(f"{text!r}: {describe(q)}")
            if q.intent.value in ("rate", "seen") or q.rating is not None:
                writes += 1
        if not rules_ok or r.intent.value == "unknown":
            missed.append(text)
        if ok and not rules_ok:
            recovered.append(text)
        if rules_ok and not ok:
            broken.append(f"{text!r}: {describe(q)}")
        listing.append({"text": text, "label": row[1:5], "rules_ok": rules_ok, "ok": ok,
                        "rules": describe(r), "final": describe(q), "parser": q.parser,
                        "unguarded": describe(raw) if raw is not None else None,
                        "unguarded_ok": raw is not None and exact(raw, row),
                        "reason": q.fallback_reason})
    return {"n": len(rows), "exact": right, "core": core_right, "rules_exact": rules_right,
            "accepted": accepted, "accepted_exact": accepted_right,
            "rules_missed": missed, "recovered": recovered, "broken": broken,
            "llm_writes": writes, "accepted_wrong": wrong_accepted,
            "unguarded_accepted": unguarded, "unguarded_exact": unguarded_right,
            "messages": listing}


def sure_overhead(view, rows, repeats: int = 7) -> dict:
    """What the cascade adds to turns the rules are sure about (no network involved):
    per message, the median over repeats of cascade.parse minus rules.parse."""
    rules = RuleParser(view)
    cascade = CascadeParser(LLMParser(view, base_url="http://127.0.0.1:9/v1", model="-"))
    sure = [r[0] for r in rows if unsure(rules.parse(r[0]), r[0], cascade._genre_words)
            is None]
    deltas, base = [], []
    for text in sure:
        c, r = [], []
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            cascade.parse(text)
            t1 = time.perf_counter_ns()
            rules.parse(text)
            t2 = time.perf_counter_ns()
            c.append((t1 - t0) / 1e6)
            r.append((t2 - t1) / 1e6)
        deltas.append(statistics.median(c) - statistics.median(r))
        base.append(statistics.median(r))
    return {"sure_messages": len(sure), "rules_p50_ms": round(percentile(base, 50), 4),
            "added_p50_ms": round(percentile(deltas, 50), 4),
            "added_p99_ms": round(percentile(deltas, 99), 4)}


def dialogue_run(parser, files) -> dict:
    from chatrec.service import ChatService
    from chatrec.sessions.factory import open_store
    from chatrec.training.trainer import load_or_train
    from tests.dialogues.judge import run_file

    bundle = load_or_train()
    used: list[bool] = []

    class Client:
        def __init__(self, service):
            self.service = service

        def chat(self, message, session_id=None, user_id=None):
            try:
                body = self.service.turn(message, session_id, user_id)
            except Exception as e:  # the judge counts it as a failed turn
                return 500, f"{type(e).__name__}: {e}"
            used.append(body["query"]["parser"] == "llm")
            return 200, body

        def session(self, session_id):
            try:
                return 200, self.service.get_session(session_id)
            except Exception as e:
                return 404, str(e)

    with tempfile.TemporaryDirectory() as tmp:
        service = ChatService(bundle, parser, open_store(Path(tmp) / "s.sqlite3"))
        results = [r for f in files for r in run_file(f, Client(service))]
    return {"turns": len(results), "right": sum(r.ok for r in results),
            "accepted": sum(used),
            "wrong": [f"{r.dialogue} #{r.turn} {r.message!r}" for r in results if not r.ok]}


def llm_stats(probe: Probe) -> dict:
    outs = [e["outcome"] for e in probe.log]
    secs = [e["seconds"] for e in probe.log if e["outcome"].called]
    reasons = Counter(f"guard ({o.rejected[-1][0]})" if o.reason.startswith("guard") and
                      o.rejected else re.sub(r"'.*", "'...'", o.reason)[:60]
                      for o in outs if o.reason)
    kinds = Counter(kind for o in outs for kind, _ in o.rejected)
    return {"asked": len(outs), "called": len(secs), "accepted": sum(o.query is not None
                                                                    for o in outs),
            "fallback_reasons": dict(reasons.most_common()), "guard_rejections": dict(kinds),
            "p50_s": round(percentile(secs, 50), 2), "p99_s": round(percentile(secs, 99), 2),
            "over_product_timeout": sum(s > PRODUCT_TIMEOUT for s in secs)}


def render(results: dict, command: str) -> str:
    """The results as the tables of docs/benchmarks/llm.md."""
    out = ["| mode | corpus | right | LLM asked | passed the guards | changed the Query | "
           "changed & right | fallbacks by reason | guard drops by kind | LLM p50 / p99 |",
           "|---|---|---:|---:|---:|---:|---:|---|---|---|"]
    for mode in ("regex", "llm", "llm-only"):
        for corpus in ("messages", "dialogues"):
            r = results.get(mode, {}).get(corpus)
            if not r:
                continue
            n, right = (r["n"], r["exact"]) if corpus == "messages" else (r["turns"],
                                                                         r["right"])
            s = r.get("llm") or {}
            used_right = r.get("accepted_exact", "-")
            reasons = ", ".join(f"{k} {v}" for k, v in
                                (s.get("fallback_reasons") or {}).items()) or "-"
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(
                (s.get("guard_rejections") or {}).items(), key=lambda kv: -kv[1])) or "-"
            lat = f"{s['p50_s']} s / {s['p99_s']} s" if s.get("called") else "-"
            name = results.get("corpus_file", "messages") if corpus == "messages" else corpus
            out.append(f"| {mode} | {name} | {right}/{n} | {s.get('asked', 0)} | "
                       f"{s.get('accepted', 0)} | {r.get('accepted', 0)} | {used_right} | "
                       f"{reasons} | {kinds} | {lat} |")
    for mode in ("llm", "llm-only"):
        r = results.get(mode, {}).get("messages")
        if r:
            out.append(f"\n{mode}: the rules are right on {r['rules_exact']}/{r['n']} and miss "
                       f"(wrong or `unknown`) {len(r['rules_missed'])}; recovered "
                       f"{len(r['recovered'])}, broke {len(r['broken'])}, "
                       f"{r['llm_writes']} writes from LLM answers.")
    return "\n".join(out) + f"\n\nCommand: `{command}`\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modes", default="regex,llm,llm-only")
    ap.add_argument("--base-url", default="http://127.0.0.1:8089/v1")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--corpora", default="messages,dialogues")
    ap.add_argument("--corpus", type=Path, default=CORPUS,
                    help="the labelled messages for the `messages` corpus, in the format of "
                         "tests/intents/corpus.tsv (e.g. bench/heldout_messages.tsv)")
    ap.add_argument("--limit", type=int, default=0, help="first N corpus rows (0 = all)")
    ap.add_argument("--json", type=Path, help="write the full results here")
    ap.add_argument("--tables", type=Path, help="write the markdown tables here")
    ap.add_argument("--cached-only", action="store_true",
                    help="no server: re-score the cached replies (uncached ones fall back)")
    args = ap.parse_args()

    from chatrec.parsers import title_catalog
    from chatrec.training.trainer import load_or_train

    bundle = load_or_train()
    view = title_catalog(bundle.catalog, bundle.ratings)
    rows = load_corpus(args.corpus)[:args.limit or None]
    files = sorted((ROOT / "tests" / "dialogues").glob("*.dlg"))
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = ReplyCache(CACHE / "bench-replies.jsonl", llm_module.post_json,
                       offline=args.cached_only)
    llm_module.post_json = cache
    results = {"corpus_file": args.corpus.name,
               "cascade_on_sure_turns": sure_overhead(view, rows)}
    print("cascade on sure turns:", results["cascade_on_sure_turns"], flush=True)
    for mode in args.modes.split(","):
        probe = None
        if mode == "regex":
            parser = RuleParser(view)
        else:
            llm = LLMParser(view, base_url=args.base_url, model=args.model,
                            timeout=args.timeout)
            llm.breaker.threshold = 10 ** 6      # measure the model, not the breaker
            probe = Probe(llm, cache)
            parser = CascadeParser(llm) if mode == "llm" else llm
        res = results[mode] = {}
        for corpus in args.corpora.split(","):      # in the order given
            res[corpus] = (corpus_run(mode, parser, probe, rows) if corpus == "messages"
                           else dialogue_run(parser, files))
            if probe:
                res[corpus]["llm"] = llm_stats(probe)
                probe.log.clear()
            brief = {k: v for k, v in res[corpus].items() if k != "messages"}
            print(mode, corpus, json.dumps(brief, default=str)[:3000], flush=True)
    rules = RuleParser(view)
    results["unsure_rows"] = sum(unsure(rules.parse(r[0]), r[0], frozenset(
        w for p in view.genres_matcher.phrases for w in p)) is not None for r in rows)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if args.tables:
        args.tables.write_text(render(results, "python bench/bench_llm.py " +
                                      " ".join(sys.argv[1:])))
    print(f"LLM calls made this run: {cache.calls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
