"""The two evaluation splits of DESIGN.md §7."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from models.data import Ratings


def time_split(ratings: Ratings, train_fraction: float = 0.8) -> tuple[Ratings, Ratings]:
    """Per-user split: each user's ratings sorted by (timestamp, item index); the first
    floor(train_fraction * n) go to train, the rest to test."""
    order = np.lexsort((ratings.items, ratings.timestamps, ratings.users))
    users = ratings.users[order]
    counts = np.bincount(users, minlength=ratings.n_users)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(order)) - starts[users]  # position within the user's sorted list
    n_train = np.floor(train_fraction * counts).astype(np.int64)
    is_train = np.zeros(len(ratings), dtype=bool)
    is_train[order] = rank < n_train[users]
    return ratings.subset(is_train), ratings.subset(~is_train)


def kfold(ratings: Ratings, n_folds: int = 5, seed: int = 0) -> Iterator[tuple[Ratings, Ratings]]:
    """Random K-fold cross-validation over all ratings: yields (train, test)."""
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(ratings)) % n_folds
    for f in range(n_folds):
        test = fold == f
        yield ratings.subset(~test), ratings.subset(test)
