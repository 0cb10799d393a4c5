"""Synthetic MovieLens-shaped data for bench/bench_scale.py (not product code).

`synthetic(n_users, n_items, n_ratings)` makes a Catalog and Ratings in memory: item
popularity is Zipf-like (p_i ~ 1/(rank+10)^0.9, then shuffled), user activity is
Pareto-distributed with at least 20 ratings (as MovieLens), each user's items drawn
without replacement by popularity; ratings come from user and item biases plus a rank-4
taste term and noise, rounded to 1..5. Everything is vectorized.

`movielens_folder(...)` writes the same data in the ML-25M file layout (ratings.csv
userId,movieId,rating,timestamp and movies.csv movieId,title,genres), once per shape and
seed, so that `chatrec data add NAME --from FOLDER` registers it like the real dataset.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.data import Catalog, Ratings  # noqa: E402

#: where the CSV folders are kept between runs (they are big: ~650 MB at ML-25M size)
DATA_ROOT = Path(os.environ.get("CHATREC_BENCH_DATA", "/tmp/chatrec-scale-data"))

GENRES = ("Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
          "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
          "Thriller", "War", "Western")


def synthetic(n_users: int, n_items: int, n_ratings: int, seed: int = 0) -> tuple[Catalog, Ratings]:
    rng = np.random.default_rng(seed)
    # user activity: Pareto, >= 20 ratings, <= half the catalog, summing to ~n_ratings
    act = 20 + rng.pareto(1.2, n_users)
    act = np.minimum(act / act.sum() * n_ratings, n_items // 2)
    target = n_ratings * 1.016  # the dedupe below loses ~1.5%: aim a little high
    counts = np.maximum(20, np.round(act * target / act.sum())).astype(np.int64)
    # item popularity: Zipf-like, shuffled so popularity is unrelated to the index
    pop = 1.0 / (np.arange(n_items) + 10.0) ** 0.9
    pop = rng.permutation(pop / pop.sum())
    # without-replacement sampling per user, vectorized: Gumbel-top-k is too big here, so
    # oversample with replacement, drop duplicate (user, item) pairs, keep the first ones
    users = np.repeat(np.arange(n_users, dtype=np.int64), np.ceil(counts * 1.3).astype(np.int64))
    items = rng.choice(n_items, size=len(users), p=pop).astype(np.int64)
    key = users * n_items + items
    _, first = np.unique(key, return_index=True)
    first.sort()
    users, items = users[first], items[first]
    rank = np.arange(len(users)) - np.searchsorted(users, users)  # position within user
    keep = rank < counts[users]
    users, items = users[keep].astype(np.int32), items[keep].astype(np.int32)
    del key, first, rank, keep
    # ratings: biases + rank-4 taste + noise, computed in chunks to bound memory
    bu, bi = rng.normal(0, 0.4, n_users), rng.normal(0, 0.5, n_items)
    pu, qi = rng.normal(0, 0.5, (n_users, 4)), rng.normal(0, 0.5, (n_items, 4))
    values = np.empty(len(users), dtype=np.float32)
    for s in range(0, len(users), 2_000_000):
        u, i = users[s:s + 2_000_000], items[s:s + 2_000_000]
        r = 3.6 + bu[u] + bi[i] + np.einsum("ij,ij->i", pu[u], qi[i]) + rng.normal(0, 0.7, len(u))
        values[s:s + len(u)] = np.clip(np.round(r), 1, 5)
    timestamps = 9e8 + rng.integers(0, 10**8, len(users))
    n_genres = rng.integers(1, 4, n_items)
    genre_ids = rng.choice(len(GENRES), size=(n_items, 3), p=None)
    genres = tuple(tuple(sorted({GENRES[g] for g in genre_ids[j, :n_genres[j]]}))
                   for j in range(n_items))
    # KG-like links: a few people per film from a Zipf-ish pool, so content has links too
    people = rng.zipf(1.6, size=(n_items, 6)) % (n_items * 2)
    kinds = np.array(["director", "actor", "actor", "actor", "writer", "actor"])
    links = tuple(tuple(f"{k}:p{p}" for k, p in zip(kinds, row)) for row in people)
    catalog = Catalog(np.arange(1, n_items + 1), np.array([f"Film {j}" for j in range(n_items)],
                      dtype=object), rng.integers(1950, 2021, n_items).astype(np.int32),
                      genres, links, "synthetic")
    ratings = Ratings(users, items, values, timestamps.astype(np.int64),
                      np.arange(1, n_users + 1), n_items, (1.0, 5.0), "synthetic")
    return catalog, ratings




def movielens_folder(n_users: int, n_items: int, n_ratings: int, seed: int = 0) -> Path:
    """A folder in the ML-25M layout holding `synthetic(...)`, written once (reused
    while its shape and seed match; a half-written folder is never reused)."""
    folder = DATA_ROOT / f"synthetic-{n_users}u-{n_items}i-{n_ratings}r-s{seed}"
    if (folder / "DONE").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    catalog, ratings = synthetic(n_users, n_items, n_ratings, seed)
    genres = ["|".join(g) or "(no genres listed)" for g in catalog.genres]
    pd.DataFrame({"movieId": catalog.item_ids,
                  "title": [f"{t} ({y})" for t, y in zip(catalog.titles, catalog.years)],
                  "genres": genres}).to_csv(folder / "movies.csv", index=False)
    with open(folder / "ratings.csv", "w") as out:
        out.write("userId,movieId,rating,timestamp\n")
        step = 2_000_000
        for s in range(0, len(ratings), step):
            sl = slice(s, s + step)
            pd.DataFrame({"userId": ratings.user_ids[ratings.users[sl]],
                          "movieId": catalog.item_ids[ratings.items[sl]],
                          "rating": ratings.values[sl].astype(np.int8),
                          "timestamp": ratings.timestamps[sl]}).to_csv(out, header=False,
                                                                      index=False)
    (folder / "DONE").write_text("ok\n")
    return folder
