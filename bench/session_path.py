"""How the session path (no user id, only what was said in the conversation) should
treat "I've seen it" and a few liked films, chosen on validation users (issue 13).

    python bench/session_path.py                 # validation choice, then the test split
    python bench/session_path.py --users 300

The conversation of bench/simulate.py, replayed in-process so many settings can be
compared: a user names their N most recent liked films (or none: a stranger), then
pages through 5 lists of 5; every shown film from their past becomes a seen mark (or a
dislike when they rated it <= 2: pushed down as the service does). Success = a film
they rated >= 4 in their future appears within the 25 films.

Settings are compared on an inner time split of the training part only (the past's
own past and future): the value a seen mark gets in the profile (none = it only
excludes the film), for strangers and for users who named liked films. The test split
is reported afterwards, never used to choose.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEN_VALUES = (None, 3.0, 3.5, 4.0)
DISLIKE_WEIGHT = 3.0


def population(past, future, told: int, n: int, seed: int):
    users = []
    for u in range(past.n_users):
        m = past.users == u
        items, vals, ts = past.items[m], past.values[m], past.timestamps[m]
        rated = dict(zip(items.tolist(), vals.tolist()))
        recent = items[np.lexsort((items, -ts))].tolist()
        liked = [i for i in recent if rated[i] >= 4][:3]
        fm = future.users == u
        hits = set(future.items[fm][future.values[fm] >= 4].tolist())
        if len(liked) == 3 and hits:
            users.append((liked[:told], hits, rated))
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(users), min(n, len(users)), replace=False)
    return [users[i] for i in pick]


def success(users, model, similar, starters, seen_value, pages=5, k=5,
            hide_past=False) -> float:
    """Share of users with a hit within `pages` lists of `k`. `hide_past` removes every
    film of the user's past from the lists (what the known user gets for free): a bound
    for anything that only avoids films they have already seen."""
    cache: dict[int, np.ndarray] = {}

    def sim(i):
        if i not in cache:
            cache[i] = np.clip(similar.item_similarity(i), 0, 1)
        return cache[i]

    hits_total = 0
    for told, hits, rated in users:
        profile = {i: 5.0 for i in told}
        shown, disliked = set(), []
        for _ in range(pages):
            items = np.fromiter(profile, dtype=np.int64, count=len(profile))
            values = np.fromiter(profile.values(), dtype=float, count=len(profile))
            scores = (model.score_profile(items, values).astype(float) if len(items)
                      else starters.copy())
            if disliked:
                z = (scores - scores.mean()) / (scores.std() or 1.0)
                scores = z - DISLIKE_WEIGHT * np.max(np.vstack([sim(d) for d in disliked]), 0)
            scores[list(shown | set(told) | set(disliked))] = -np.inf
            if hide_past:
                scores[list(rated)] = -np.inf
            top = np.argsort(-scores)[:k].tolist()
            if hits & set(top):
                hits_total += 1
                break
            shown |= set(top)
            for i in top:
                if i in rated and rated[i] <= 2:
                    disliked.append(i)
                elif i in rated and seen_value is not None:
                    profile[i] = seen_value
    return hits_total / max(1, len(users))


def table(split_name, past, future, catalog, n, seed) -> dict:
    from models.recommenders.hybrid import HybridSimilar
    from models.recommenders.rankblend import RankBlend

    model = RankBlend().fit(past, catalog)
    similar = HybridSimilar().fit(past, catalog)
    counts, means = past.item_counts().astype(float), past.item_means()
    m = float(np.median(counts[counts > 0]))
    weighted = (counts * means + m * past.values.mean()) / (counts + m)
    starters = np.where(counts >= m, weighted, weighted - 10.0)
    out = {}
    for told in (0, 3):
        users = population(past, future, told, n, seed)
        for value in SEEN_VALUES:
            out[(told, value)] = success(users, model, similar, starters, value)
            print(f"{split_name}: {told} liked films told, seen mark = "
                  f"{'exclude only' if value is None else value}: "
                  f"{out[(told, value)]:.3f}", file=sys.stderr)
    out["bound"] = success(population(past, future, 3, n, seed), model, similar, starters,
                           None, hide_past=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from chatrec.data import datasets
    from models.data.splits import time_split

    catalog, ratings = datasets.load("ml-100k")
    past, future = time_split(ratings)
    inner_past, inner_future = time_split(past)
    val = table("validation", inner_past, inner_future, catalog, args.users, args.seed)
    test = table("test", past, future, catalog, args.users, args.seed)
    print("| user | seen mark counts as | validation success | test success |")
    print("|---|---|---:|---:|")
    for told in (0, 3):
        best = max(SEEN_VALUES, key=lambda v: (val[(told, v)], v is None))
        for v in SEEN_VALUES:
            mark = " (chosen)" if v == best else ""
            who = "stranger" if told == 0 else f"{told} liked films told"
            print(f"| {who} | {'exclusion only' if v is None else v}{mark} | "
                  f"{val[(told, v)]:.3f} | {test[(told, v)]:.3f} |")
    print(f"| 3 liked films told, every film of their past hidden (a bound, not a setting) "
          f"| - | {val['bound']:.3f} | {test['bound']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
