"""Parse latency of the rule parser: p50 / p99 per message.

    python bench/bench_parse.py [--repeats 7] [--synthetic 60000] [--write docs/benchmarks/parse.md]

Messages: every text of the labelled corpus (tests/intents/corpus.tsv), which mixes
exact titles, partial titles, typos, no-match titles and title-less requests.
Catalogs: ML-100K (the active dataset via chatrec.data.datasets) and a synthetic catalog of
N titles that contains the ML-100K titles plus generated ones built from their words
(so the corpus titles still resolve and the fuzzy scans see realistic strings).
Each run parses every message once (timed one by one with perf_counter_ns) after a
warm-up run; the reported p50/p99 are the median over the runs.
Targets (issue 3): ML-100K p50 < 1 ms, p99 < 5 ms; 60k titles p50 < 5 ms.
"""
from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intents.catalog import TitleCatalog  # noqa: E402
from intents.rules.parser import RuleParser  # noqa: E402


def corpus_texts() -> list[str]:
    lines = (ROOT / "tests" / "intents" / "corpus.tsv").read_text(encoding="utf-8")
    return [line.split("\t")[0] for line in lines.splitlines()
            if not line.startswith("#") and line.count("\t") in (4, 5)]


def ml100k_view() -> TitleCatalog:
    sys.path.insert(0, str(ROOT / "bench"))
    from _data import load

    from chatrec.parsers import title_catalog
    catalog, ratings = load("ml-100k")
    return title_catalog(catalog, ratings)


def synthetic(base: TitleCatalog, n: int, seed: int = 0) -> TitleCatalog:
    """`base` plus generated titles up to n items, from the base titles' own words."""
    rng = random.Random(seed)
    words = [w for t in base.titles for w in t.replace(",", "").replace(":", "").split()]
    ids, titles = list(base.item_ids), list(base.titles)
    years, genres, counts = list(base.years), list(base.genres), list(base.counts)
    names = base.genre_names
    while len(ids) < n:
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
        title = " ".join(rng.choice(words) for _ in range(size))
        if rng.random() < 0.15:
            title = f"{title}, The"
        if rng.random() < 0.1:
            title = f"{title}: {rng.choice(words)} {rng.choice(words)}"
        ids.append(100_000 + len(ids))
        titles.append(title)
        years.append(rng.randint(1920, 2023))
        genres.append(tuple(rng.sample(names, rng.randint(1, 3))))
        counts.append(int(rng.paretovariate(1.2)))
    return TitleCatalog(tuple(ids), tuple(titles), tuple(years), tuple(genres),
                        tuple(counts), name=f"synthetic-{n}")


def percentile(sorted_ns: list[int], q: float) -> float:
    i = min(len(sorted_ns) - 1, max(0, round(q * (len(sorted_ns) - 1))))
    return sorted_ns[i] / 1e6


def measure(catalog: TitleCatalog, texts: list[str], repeats: int,
            freeze: bool = False) -> dict:
    started = time.perf_counter()
    parser = RuleParser(catalog)
    catalog.titles_matcher, catalog.genres_matcher  # noqa: B018 - build the indexes
    build_s = time.perf_counter() - started
    if freeze:      # what a server can do after loading: keep the index out of GC scans
        gc.collect()
        gc.freeze()
    for t in texts:                                   # warm-up (regex caches, allocs)
        parser.parse(t)
    p50s, p99s, maxes = [], [], []
    for _ in range(repeats):
        times = []
        for t in texts:
            t0 = time.perf_counter_ns()
            parser.parse(t)
            times.append(time.perf_counter_ns() - t0)
        times.sort()
        p50s.append(percentile(times, 0.50))
        p99s.append(percentile(times, 0.99))
        maxes.append(times[-1] / 1e6)
    if freeze:
        gc.unfreeze()
    return {"items": len(catalog), "messages": len(texts), "repeats": repeats,
            "build_s": build_s, "p50_ms": statistics.median(p50s),
            "p99_ms": statistics.median(p99s), "max_ms": statistics.median(maxes)}


def report(rows: list[tuple[str, dict, str]], command: str) -> str:
    out = ["# Parse latency (rule parser)", "",
           f"Command: `{command}`", "",
           f"Machine: {platform.machine()}, Python {platform.python_version()}, "
           f"{platform.system()} {platform.release()}; single thread.", "",
           "Each message of the labelled corpus (tests/intents/corpus.tsv) parsed once "
           "per run, timed one by one; values are the median over the runs. Build = "
           "time to build the title and genre indexes (once per catalog; rows after "
           "the first reuse the built index). The p99/max of the plain rows include "
           "Python's cyclic-GC pauses (a full collection walks every index object); "
           "'+ gc.freeze()' rows move the loaded objects out of the collector's scans, "
           "as a server can do once after loading.", "",
           "| catalog | items | messages | runs | build | p50 | p99 | max | target |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r, target in rows:
        out.append(f"| {name} | {r['items']:,} | {r['messages']} | {r['repeats']} | "
                   f"{r['build_s']:.2f} s | {r['p50_ms']:.3f} ms | {r['p99_ms']:.3f} ms | "
                   f"{r['max_ms']:.2f} ms | {target} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--synthetic", type=int, default=60_000, help="synthetic catalog size")
    ap.add_argument("--write", metavar="FILE", help="also write the markdown report here")
    args = ap.parse_args(argv)
    texts = corpus_texts()
    base = ml100k_view()
    big = synthetic(base, args.synthetic)
    rows = []
    for freeze in (False, True):
        tag = " + gc.freeze()" if freeze else ""
        rows.append((f"ML-100K{tag}", measure(base, texts, args.repeats, freeze),
                     "p50 < 1 ms, p99 < 5 ms"))
        rows.append((f"synthetic {args.synthetic:,}{tag}",
                     measure(big, texts, args.repeats, freeze), "p50 < 5 ms"))
    command = "python bench/bench_parse.py " + " ".join(argv if argv is not None
                                                          else sys.argv[1:])
    text = report(rows, command.strip())
    print(text)
    if args.write:
        Path(args.write).parent.mkdir(parents=True, exist_ok=True)
        Path(args.write).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
