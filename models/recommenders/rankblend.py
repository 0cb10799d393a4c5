"""The `recommend` route's model (`rank-blend`): EASE on recency-weighted histories,
blended with implicit-feedback MF, every setting chosen on validation at fit time.

    score(u) = z(h_u B) + ials_weight * z(x_u Y^T)

- B is EASE (Steck 2019, models/recommenders/ease.py) on the rating values with ridge `ease_reg`.
- h_u is the user's rating row with each rating weighted by how recent it is among
  the user's own ratings: 1 + recency_boost * exp(-age / recency_tau), age = 0 for the
  latest, 1 for the one before... What a person rated last says most about what they
  pick next (ML-100K time split, validation NDCG@10: 0.165 -> 0.207).
- x_u Y^T is `mf-rank` (models/recommenders/ials.py); z() is a per-user z-score so that the
  weights, not the two scales, decide the mix.

With `tune=True` (the default) `fit` first splits its own training ratings by time
(models/solvers/tuning.py), picks ease_reg (up to 2,000 items), then the recency pair, then
ials_weight on that validation part (3 + 4 + 3 candidates), and refits on everything
with the choice; the
choice and its validation NDCG@10 are kept in the artifact (`describe`). Data too small
to split keeps the defaults, with a warning. Above `ease.MAX_ITEMS` items EASE is not
feasible and the model is `mf-rank` alone.

A session profile has no timestamps: it is scored without recency weights.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from models.base import Recommender
from models.cost import PER_DENSE_MADD, PER_MULTIPLY_ADD, PER_RATING, DataShape
from models.data import Catalog, Ratings
from models.layout import Csr, Dense
from models.progress import Progress, silent
from models.recommenders.ease import ease_from_gram, feasible, fit_ease, gram
from models.recommenders.ials import RankingMF
from models.solvers.tuning import RankingValidation, TooSmallToTune, choose, fallback, inner_split


def recency_age(ratings: Ratings) -> np.ndarray:
    """Per rating (aligned with `ratings`): how many of the user's ratings came later
    (by timestamp, then item index); 0 for each user's latest."""
    order = np.lexsort((ratings.items, ratings.timestamps, ratings.users))
    users = ratings.users[order]
    ends = np.cumsum(np.bincount(users, minlength=ratings.n_users))
    age = np.empty(len(order))
    age[order] = ends[users] - 1 - np.arange(len(order))
    return age


def recency_weights(age: np.ndarray, tau: float, boost: float) -> np.ndarray:
    """1 + boost * exp(-age / tau) per rating (`recency_age`)."""
    return 1.0 + boost * np.exp(-np.asarray(age) / max(tau, 1e-9))


def history(ratings: Ratings, weights: np.ndarray) -> sp.csr_matrix:
    """users x items matrix of rating value x weight."""
    return sp.csr_matrix((ratings.values * weights, (ratings.users, ratings.items)),
                         shape=(ratings.n_users, ratings.n_items), dtype=np.float32)


def zscore(s: np.ndarray) -> np.ndarray:
    s = np.asarray(s, np.float64)
    return (s - s.mean(axis=-1, keepdims=True)) / (s.std(axis=-1, keepdims=True) + 1e-12)


class RankBlend(Recommender):
    """EASE on recency-weighted histories + implicit MF (see the module docstring)."""

    name = "rank-blend"
    predicts_ratings = False
    _arrays = ("ease_weights", "h_data", "h_indices", "h_indptr", "user_factors",
               "item_factors", "item_prior")
    # ease_weights: items x items, or 0 x 0 where EASE is not feasible (_after_load)
    _layout = {"ease_weights": Dense("f", "ease", "ease"), "h": Csr("users", "items"),
               "user_factors": Dense("f", "users", "factors"),
               "item_factors": Dense("f", "items", "factors"),
               "item_prior": Dense("f", "items")}
    _params = ("ease_reg", "recency_tau", "recency_boost", "ials_weight", "tune", "chosen")

    #: candidates tried at fit time, in three stages (see `_tune`)
    EASE_REGS = (2000.0, 5000.0, 10000.0)
    #: above this many items each lambda candidate (an n^3 inverse) costs seconds: the
    #: lambda stage is skipped (validation NDCG@10 moved < 0.002 over 1000-10000 on ML-100K)
    TUNE_REG_MAX_ITEMS = 2000
    RECENCY = ((5.0, 3.0), (5.0, 10.0), (20.0, 3.0), (20.0, 10.0))
    IALS_WEIGHTS = (0.0, 0.25, 0.5)

    def __init__(self, ease_reg: float = 5000.0, recency_tau: float = 5.0,
                 recency_boost: float = 10.0, ials_weight: float = 0.25, tune: bool = True,
                 chosen: dict | None = None, progress: Progress | None = None):
        self.ease_reg, self.ials_weight = float(ease_reg), float(ials_weight)
        self.recency_tau, self.recency_boost = float(recency_tau), float(recency_boost)
        self.tune, self.chosen = bool(tune), dict(chosen or {})
        self.progress = progress or silent

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """mf-rank (twice when tuning: on the inner split too); with EASE, a Gram matrix,
        one n^3 inverse per lambda tried and scoring the validation users."""
        ials = RankingMF.fit_seconds(shape)
        if not feasible(shape.items):
            return ials + 10 * PER_RATING * shape.ratings
        lambdas = len(cls.EASE_REGS) if shape.items <= cls.TUNE_REG_MAX_ITEMS else 1
        inverse = PER_DENSE_MADD * float(shape.items) ** 3
        scoring = PER_DENSE_MADD * 1000 * float(shape.items) ** 2 * 10
        return 1.8 * ials + PER_MULTIPLY_ADD * shape.user_pairs + (lambdas + 1) * inverse + \
            scoring + 40 * PER_RATING * shape.ratings

    # ---- fitting ---------------------------------------------------------------------
    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        if self.tune:
            self._tune(ratings, catalog)
        self._fit_parts(ratings, catalog, RankingMF().fit(ratings, catalog))
        self.progress(1, 1, "rank-blend")

    def _fit_parts(self, ratings: Ratings, catalog: Catalog, ials: RankingMF) -> None:
        self.user_factors, self.item_factors = ials.user_factors, ials.item_factors
        self.item_prior = ials.item_prior
        if feasible(ratings.n_items):
            self.ease_weights = fit_ease(ratings.csr(), self.ease_reg)
            h = history(ratings, recency_weights(recency_age(ratings), self.recency_tau,
                                                 self.recency_boost))
        else:  # too many items for the n^2 EASE matrix: the factor model alone
            self.ease_weights = np.zeros((0, 0), np.float32)
            h = sp.csr_matrix((ratings.n_users, ratings.n_items), dtype=np.float32)
        self.h_data, self.h_indices, self.h_indptr = h.data, h.indices, h.indptr
        self._after_load()

    def _tune(self, ratings: Ratings, catalog: Catalog) -> None:
        """Stage-wise choice on an inner time split of `ratings` (never any test data)."""
        defaults = {"ease_reg": self.ease_reg, "recency_tau": self.recency_tau,
                    "recency_boost": self.recency_boost, "ials_weight": self.ials_weight}
        if not feasible(ratings.n_items):
            self.chosen = {"params": defaults, "fallback": "too many items for EASE"}
            return
        try:
            fit, val = inner_split(ratings, "time")
        except TooSmallToTune as e:
            self.chosen = fallback(defaults, "rank-blend", e).describe()
            return
        check = RankingValidation(fit, val)
        users = check.users
        ials = RankingMF().fit(fit, catalog).score_users(users)
        G = gram(fit.csr())  # one Gram matrix for every lambda
        age = recency_age(fit)
        eases, current = {}, dict(defaults)

        def score(p: dict) -> float:
            B = eases.get(p["ease_reg"])
            if B is None:
                B = eases[p["ease_reg"]] = ease_from_gram(G, p["ease_reg"])
            h = history(fit, recency_weights(age, p["recency_tau"], p["recency_boost"]))
            s = zscore(np.asarray(h[users] @ B))
            return check.ndcg(s + p["ials_weight"] * zscore(ials) if p["ials_weight"] else s)

        stages = [[{"recency_tau": t, "recency_boost": b} for t, b in self.RECENCY],
                  [{"ials_weight": w} for w in self.IALS_WEIGHTS]]
        if ratings.n_items <= self.TUNE_REG_MAX_ITEMS:
            stages.insert(0, [{"ease_reg": lam} for lam in self.EASE_REGS])
        tried = 0
        for stage in stages:
            choice = choose([{**current, **c} for c in stage], score, current, "rank-blend")
            current, tried = choice.params, tried + len(choice.table)
        for key, value in current.items():
            setattr(self, key, float(value))
        self.chosen = {**choice.describe(), "candidates": tried}

    def describe(self) -> dict:
        """The settings chosen on validation (recorded in the training manifest)."""
        return self.chosen

    # ---- scoring ---------------------------------------------------------------------
    def _after_load(self) -> None:
        if self.ease_weights.size and self.ease_weights.shape[0] != self.n_items:
            raise ValueError(f"ease_weights is {self.ease_weights.shape}, expected "
                             f"({self.n_items}, {self.n_items}) or (0, 0)")
        self.hist = sp.csr_matrix((self.h_data, self.h_indices, self.h_indptr),
                                  shape=(len(self.h_indptr) - 1, self.n_items))
        # the factor part is an mf-rank model over the same arrays (scoring, fold-in),
        # with as many factors as they have (a Spark fit may use another rank)
        self._ials = ials = RankingMF(factors=self.item_factors.shape[1])
        ials.user_factors, ials.item_factors = self.user_factors, self.item_factors
        ials.item_prior, ials.n_users, ials.n_items = self.item_prior, self.n_users, self.n_items
        ials._after_load()
        ials._fitted = True

    def _blend(self, ease: np.ndarray | None, factors: np.ndarray) -> np.ndarray:
        if ease is None:
            return zscore(factors)
        z = zscore(ease)
        return z + self.ials_weight * zscore(factors) if self.ials_weight else z

    def score_users(self, users: np.ndarray) -> np.ndarray:
        self._check()
        users = np.asarray(users)
        factors = self._ials.score_users(users)
        ease = np.asarray(self.hist[users] @ self.ease_weights) if self.ease_weights.size else None
        return self._blend(ease, factors)

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Fold-in for a session user (no timestamps, so no recency weights); an empty
        profile gets the popularity prior."""
        self._check()
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            return np.asarray(self.item_prior, np.float64).copy()
        factors = self._ials.score_profile(items, values)
        ease = None
        if self.ease_weights.size:
            ease = np.asarray(values, np.float32) @ self.ease_weights[items]
        return self._blend(None if ease is None else ease[None, :], factors[None, :])[0]

    def item_similarity(self, item: int) -> np.ndarray:
        self._check()
        return self._ials.item_similarity(item)
