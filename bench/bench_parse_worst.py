"""Parse time of hostile messages at the 2,000-character cap (issues 17 and 18: each
< 50 ms), on ML-100K.

    python bench/bench_parse_worst.py [--runs 7] [--random 200]

Cases: the attack run's "like ," repeated, fifty titles in a list, a title and an
opinion repeated, ALL CAPS, no spaces after commas, emoji between words, unicode quotes,
and N random mixes of cue words, titles and punctuation. Each case is parsed by a fresh
parser state (the fuzzy-match memory cleared), so the first parse of a message is what is
timed; the figure per case is the median over the runs, and the report gives the worst
case and the load average.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PIECES = ["like", "like ,", "loved", "hated", "the", "Star Wars", "and", ",", "Fargo", "seen",
          "it", "movies", "?", "a", "great", "day", "Cape Fear", "1962", "I", "was", "terrible",
          "tell me about", "why", "rate", "5 stars", "more", "not", "for me", "\U0001F600",
          "\u201cHeat\u201d", "the second one", "top 10", "without horror", "90s",
          "Twelve Monkies", "have a great day", "pretty", "another"]


def cases(titles: list[str], n_random: int) -> dict[str, str]:
    cap = 2000
    out = {
        "like , x400": ("like ," * 400)[:cap],
        "50 titles in a list": ", ".join(titles[:50])[:cap],
        "I loved X and ... x120": ("I loved Fargo and " * 120)[:cap],
        "ALL CAPS": (" ".join(titles[:60]).upper() + " ARE GREAT")[:cap],
        "no spaces after commas": ",".join(titles[:80])[:cap],
        "emoji between words": " \U0001F600 ".join(("movies like " + t) for t in titles[:40])[:cap],
        "unicode quotes": " and ".join(f"\u201c{t}\u201d" for t in titles[:60])[:cap],
        "like x400": ("like " * 400)[:cap],
    }
    rng = random.Random(0)
    for k in range(n_random):
        out[f"random {k}"] = " ".join(rng.choice(PIECES) for _ in range(400))[:cap]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--random", type=int, default=200, help="random mixes")
    args = ap.parse_args(argv)

    from _data import load
    from chatrec.parsers import title_catalog
    from intents.rules.parser import RuleParser
    from models.data import natural_title

    catalog, ratings = load("ml-100k")
    view = title_catalog(catalog, ratings)
    parser = RuleParser(view)
    parser.parse("warm up: hi, movies like star wars")      # loads the models once
    popular = sorted(range(len(view.titles)), key=lambda i: -view.counts[i])
    titles = [natural_title(view.titles[i]).split(" (")[0] for i in popular[:100]]
    timings = {}
    for name, text in cases(titles, args.random).items():
        runs = []
        for _ in range(args.runs):
            parser.titles._fuzzy_seen.clear()
            t = time.perf_counter()
            parser.parse(text)
            runs.append((time.perf_counter() - t) * 1000)
        timings[name] = statistics.median(runs)
    named = {k: v for k, v in timings.items() if not k.startswith("random")}
    rand = sorted(v for k, v in timings.items() if k.startswith("random"))
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.runs} first parses, ms")
    for name, ms in named.items():
        print(f"  {name:26} {ms:7.1f}")
    if rand:
        print(f"  random mixes ({len(rand)}): median {statistics.median(rand):.1f}, "
              f"worst {rand[-1]:.1f}")
    worst = max(timings.values())
    print(f"worst case {worst:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
