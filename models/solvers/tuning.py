"""Choosing settings on a validation split carved out of the training data only.

Every tuned setting in chatrec comes from here: a model (or a benchmark, for the peers)
splits ITS OWN training ratings again, the same way the protocol splits the data
(a per-user time split for ranking, a random holdout for rating prediction), scores
each candidate setting on that inner validation part, and keeps the best. The outer
test split is never an argument, so it cannot change a choice.

When the training data is too small to split (users with one rating, items nobody
rated in the inner part, no user with a relevant validation item), `inner_split`
raises `TooSmallToTune`, and `choose` falls back to the defaults with a warning.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from models.data import Ratings
from models.data.splits import time_split
from models.errors import ModelsError
from models.ranking import top_k

log = logging.getLogger("models.solvers.tuning")

#: an inner split needs at least this many users with a relevant validation item ...
MIN_VALIDATION_USERS = 5
#: ... or this many validation ratings (rating prediction)
MIN_VALIDATION_RATINGS = 50
#: ranking validation scores at most this many users (a fixed random sample): every
#: candidate costs one score matrix of users x items
MAX_VALIDATION_USERS = 1000


class TooSmallToTune(ModelsError):
    """The training data cannot give a usable inner validation split."""


@dataclass
class Choice:
    """What `choose` picked and why."""

    params: dict
    score: float | None = None          # validation score of `params` (None: defaults)
    table: list[tuple[dict, float]] = field(default_factory=list)
    fallback: str | None = None         # why the defaults were kept, if they were

    def describe(self) -> dict:
        return {"params": self.params, "validation_score": self.score,
                "candidates": len(self.table), "fallback": self.fallback}


def inner_split(train: Ratings, kind: str = "time", seed: int = 0,
                threshold: float = 4.0) -> tuple[Ratings, Ratings]:
    """(fit part, validation part) of `train`: the per-user time split again
    ("time", for ranking) or a random 80/20 holdout ("random", for ratings)."""
    if kind == "time":
        fit, val = time_split(train)
        users = np.unique(val.users[val.values >= threshold])
        if len(users) < MIN_VALIDATION_USERS or not len(fit):
            raise TooSmallToTune(f"only {len(users)} users have a relevant validation "
                                 f"item (need {MIN_VALIDATION_USERS})")
        return fit, val
    if kind == "random":
        if len(train) < 5 * MIN_VALIDATION_RATINGS:
            raise TooSmallToTune(f"{len(train)} ratings are too few for a validation "
                                 f"holdout (need {5 * MIN_VALIDATION_RATINGS})")
        fold = np.random.default_rng(seed).permutation(len(train)) % 5
        return train.subset(fold != 0), train.subset(fold == 0)
    raise ValueError(f"unknown split kind {kind!r}")


def grid(**axes: Iterable) -> list[dict]:
    """Every combination of the given values: grid(a=[1, 2], b=[3]) -> [{a:1,b:3}, ...]."""
    out = [{}]
    for name, values in axes.items():
        out = [{**p, name: v} for p in out for v in values]
    return out


def fallback(defaults: dict, what: str, reason) -> Choice:
    """Keep the defaults, saying why (a logged warning and the Choice's `fallback`)."""
    log.warning("%s: cannot tune on validation (%s); using the defaults", what, reason)
    return Choice(dict(defaults), fallback=str(reason))


def choose(candidates: list[dict], score: Callable[[dict], float], defaults: dict,
           what: str = "settings") -> Choice:
    """The candidate with the highest validation `score` (ties: the earlier one).

    A NaN or infinite score never wins; if `score` raises TooSmallToTune, or no
    candidate gets a finite score, the defaults are kept and a warning is logged."""
    table: list[tuple[dict, float]] = []
    try:
        for params in candidates:
            table.append((params, float(score(params))))
    except TooSmallToTune as e:
        return fallback(defaults, what, e)
    finite = [(p, s) for p, s in table if np.isfinite(s)]
    if not finite:
        return fallback(defaults, what, "no candidate got a finite validation score")
    best, best_score = max(finite, key=lambda ps: ps[1])  # max keeps the first of ties
    return Choice(dict(best), best_score, table)


class RankingValidation:
    """NDCG@k of score matrices on one (fit, validation) pair, vectorized for tuning
    loops; the §7 definition: relevant = validation items rated >= threshold,
    candidates = items in the fit part the user did not rate there."""

    def __init__(self, fit: Ratings, val: Ratings, threshold: float = 4.0, k: int = 10,
                 max_users: int | None = MAX_VALIDATION_USERS):
        rel = val.values >= threshold
        ru, ri = val.users[rel].astype(np.int64), val.items[rel].astype(np.int64)
        self.n_items, self.k = fit.n_items, min(k, fit.n_items)
        self.users = np.unique(ru)
        if max_users is not None and len(self.users) > max_users:  # a fixed sample
            pick = np.random.default_rng(0).choice(len(self.users), max_users, replace=False)
            self.users = self.users[np.sort(pick)]
        self.n_relevant = np.bincount(ru, minlength=fit.n_users)[self.users]
        self.relevant_keys = np.unique(ru * self.n_items + ri)
        self.seen = fit.csr()[self.users]
        self.absent = fit.item_counts() == 0

    def top(self, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(items, scores) of each user's n best candidates, best first (ties by item
        index); slots beyond the candidates hold -1 and -inf."""
        s = np.array(scores, dtype=np.float64, copy=True)
        s[~np.isfinite(s)] = -np.inf
        s[self.seen.nonzero()] = -np.inf
        s[:, self.absent] = -np.inf
        n = min(n, s.shape[1])
        top = np.argpartition(-s, n - 1, axis=1)[:, :n]
        top_s = np.take_along_axis(s, top, axis=1)
        # rows where the n-th score is tied beyond the list: redo them exactly (rare)
        nth = top_s.min(axis=1, keepdims=True)
        tied = ((s == nth).sum(axis=1) > (top_s == nth).sum(axis=1)) & np.isfinite(nth[:, 0])
        for r in np.flatnonzero(tied):
            top[r] = top_k(s[r], n)[0]
            top_s[r] = s[r, top[r]]
        order = np.lexsort((top, -top_s), axis=1)       # by score, ties by item index
        top = np.take_along_axis(top, order, axis=1)
        top_s = np.take_along_axis(top_s, order, axis=1)
        return np.where(np.isfinite(top_s), top, -1), top_s

    def ndcg(self, scores: np.ndarray) -> float:
        """Mean NDCG@k; `scores` has one row per user in `self.users`."""
        return self.ndcg_lists(self.top(scores, self.k)[0])

    def ndcg_lists(self, lists) -> float:
        """Mean NDCG@k of ranked lists (one per user in `self.users`; -1 = empty slot)."""
        k = self.k
        if isinstance(lists, np.ndarray) and lists.ndim == 2:
            top = lists[:, :k]
        else:
            top = np.full((len(self.users), k), -1, dtype=np.int64)
            for r, items in enumerate(lists):
                items = np.asarray(items)[:k]
                top[r, :len(items)] = items
        keys = self.users[:, None] * self.n_items + top
        hits = np.isin(keys, self.relevant_keys) & (top >= 0)
        disc = 1.0 / np.log2(np.arange(2, k + 2))
        idcg = np.cumsum(disc)[np.minimum(self.n_relevant, k) - 1]
        return float(np.mean((hits * disc).sum(axis=1) / idcg))
