"""Cold start on the ReDial protocol (issue 17, item 10): the grid behind the
QUALITY and LEAN of chatrec/conversation/tastes.py, chosen on train, shown on valid.

    python bench/bench_coldstart.py                  # both splits, ~15 s
    python bench/bench_coldstart.py --json

For every probe of bench/bench_redial.py (a point after which the human recommender
suggested catalog films), the seeker's messages so far are parsed (context-free: on the
dev set the in-context parse is the same for every message, docs/benchmarks/redial.md)
and their genres folded into tastes exactly as a session does (`tastes.heard`); the
cold-start ranking `tastes.Starters` is then scored for each setting of the grid,
without the films the seeker named so far (as the most-watched baseline beside it).
Recall@k = suggested films in the first k / suggested films, over (probe, film) pairs.
The setting is chosen by train Recall@50 with the bench's tuning rule
(bench/_tuning.py); valid is never used to choose. The figure a user sees is the
service-mode run of bench_redial.py (the real turns, rated sessions included); this
script isolates the ranking.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _redial_data import DATA, SPLITS, Linker, load  # noqa: E402
from _tuning import tune  # noqa: E402

from chatrec.conversation.tastes import LEAN, QUALITY, Starters, heard  # noqa: E402
from models.recommenders.popularity import bayesian_scores  # noqa: E402

GRID = [{"quality": q, "lean": w} for q, w in itertools.product((0.25, 0.5, 0.75),
                                                                   (1.0, 1.5, 2.0, 3.0))]
KS = (10, 50)


def probes(convs, parser) -> list[tuple[dict, tuple, frozenset]]:
    """(tastes heard before the probe, suggested ids, ids named so far) per probe."""
    out = []
    for conv in convs:
        tastes = [{}]                 # tastes[n]: after the first n seeker messages
        for msg in conv.messages:
            new = heard(tastes[-1], parser.parse(msg.text))
            tastes.append(tastes[-1] if new is None else new)
        for p in conv.probes:
            out.append((tastes[p.after], tuple(p.gold), p.mentioned))
    return out


def recall(rank, catalog, cases) -> dict[int, float]:
    hits, pairs = dict.fromkeys(KS, 0), 0
    for tastes, gold, named in cases:
        scores = np.array(rank(tastes), dtype=np.float64)
        for item in named:
            scores[catalog.index_of(item)] = -np.inf
        order = np.lexsort((np.arange(len(scores)), -scores))[:max(KS)]
        top = [catalog.item_ids[i].item() for i in order]
        pairs += len(gold)
        for k in KS:
            hits[k] += len(set(gold) & set(top[:k]))
    return {k: hits[k] / pairs if pairs else float("nan") for k in KS}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", help="as `chatrec parse --dataset`")
    ap.add_argument("--data", type=Path, default=DATA, help=f"ReDial dev folder ({DATA})")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    started = time.perf_counter()
    from chatrec.data import datasets
    from chatrec.parsers import build_parser, title_catalog
    catalog, ratings = datasets.load(args.dataset)
    parser = build_parser("regex", title_catalog(catalog, ratings))
    linker = Linker(catalog)
    cases = {}
    for split in SPLITS:
        print(f"# parsing {split} ...", file=sys.stderr, flush=True)
        cases[split] = probes(load(split, linker, None, args.data), parser)
    counts, means = ratings.item_counts(), ratings.item_means()

    def starters(p):
        return Starters(catalog, counts, means, ratings.scale, p["quality"], p["lean"])

    def score(p):
        s = starters(p)
        return recall(s.scores, catalog, cases["train"])[50]

    chosen, _ = tune("cold start (train Recall@50)", GRID, score,
                     {"quality": QUALITY, "lean": LEAN})
    watched = counts + means / 10.0            # the most-watched list (count, then average)
    # the list before (chatrec/conversation/lists.py until issue 17): the weighted
    # average, films rated at least as often as the median film first
    m = float(np.median(counts[counts > 0]))
    w = bayesian_scores(counts, means, float(ratings.values.mean()), m)
    before = np.where(counts >= m, w, w - 10.0)
    before[counts == 0] = -np.inf
    best = starters(chosen)
    rows = {"most-watched": lambda t: watched,
            "weighted average (the list before)": lambda t: before,
            f"chosen {chosen}": best.scores,
            f"shipped quality={QUALITY} lean={LEAN}": starters(
                {"quality": QUALITY, "lean": LEAN}).scores,
            "chosen, nothing heard (no lean)": lambda t: best.scores({})}
    out = {"grid": [], "rows": {}, "probes": {s: len(c) for s, c in cases.items()},
           "pairs": {s: sum(len(g) for _, g, _ in c) for s, c in cases.items()}}
    for p in GRID:
        s = starters(p)
        out["grid"].append(p | {s_: recall(s.scores, catalog, cases[s_])[50]
                                for s_ in SPLITS})
    for name, rank in rows.items():
        out["rows"][name] = {s: recall(rank, catalog, cases[s]) for s in SPLITS}
    # the probes where nothing had been heard yet: the first list of a silent session
    silent = {s: [c for c in cases[s] if not c[0]] for s in SPLITS}
    out["silent"] = {"probes": {s: len(c) for s, c in silent.items()}}
    for name in ("most-watched", f"chosen {chosen}"):
        out["silent"][name] = {s: recall(rows[name], catalog, silent[s]) for s in SPLITS}
    out["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out, indent=1, default=str))
        return 0
    print(f"probes {out['probes']}, suggested films {out['pairs']}")
    print(f"{'ranking':48s} {'train @10':>9s} {'@50':>6s} {'valid @10':>9s} {'@50':>6s}")
    for name, r in out["rows"].items():
        print(f"{name:48s} {r['train'][10]:9.3f} {r['train'][50]:6.3f} "
              f"{r['valid'][10]:9.3f} {r['valid'][50]:6.3f}")
    print(f"\nprobes with nothing heard yet {out['silent']['probes']}:")
    for name in ("most-watched", f"chosen {chosen}"):
        r = out["silent"][name]
        print(f"{name:48s} {r['train'][10]:9.3f} {r['train'][50]:6.3f} "
              f"{r['valid'][10]:9.3f} {r['valid'][50]:6.3f}")
    print("\ngrid (Recall@50):  quality  lean   train  valid")
    for g in out["grid"]:
        print(f"{'':19s}{g['quality']:7.2f} {g['lean']:5.1f}  {g['train']:.3f}  {g['valid']:.3f}")
    print(f"\n{out['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
