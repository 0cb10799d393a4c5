"""`blend`: rating prediction as a learned linear blend of the rating models, the
classic Netflix-prize recipe (Töscher & Jahrer 2009; Koren 2009 §7).

    r̂_ui = Σ_m (a_m + b_m·log(1+n_u) + c_m·log(1+n_i)) · r̂^m_ui + d + e·log(1+n_u) + f·log(1+n_i)

over the components m = baseline, mf, item-knn, user-knn. The component weights change
with how much is known about the user (n_u ratings) and the item (n_i): neighbours are
trusted more for well-rated items, factors more for active users. That is the
"implicit feedback" SVD++ adds (which films someone rated, not only how), here as
blend features.

Fitting never sees test data: the training ratings (at most 250,000 of them, a random
subset) are split again at random (models/solvers/tuning.py), each component is fitted on 80%
and predicts the held-out 20%, the
weights are a ridge regression on those held-out predictions (every weight chosen on
validation), and then each component is refitted on all the training ratings. Too
little data for the holdout keeps the default weights (the mf prediction alone) with
a warning, never NaN.
"""
from __future__ import annotations

import numpy as np

from models.base import Recommender
from models.cost import DataShape
from models.data import Catalog, Ratings
from models.layout import Dense, prefixed
from models.progress import Progress, silent
from models.recommenders.baseline import Baseline
from models.recommenders.factorization import BiasedMF, RankingMF
from models.recommenders.knn import ItemKNN
from models.recommenders.userknn import UserKNN
from models.solvers.tuning import TooSmallToTune, fallback, inner_split

#: weights are learned on at most this many training ratings (a random subset): 15
#: weights need far fewer, and it bounds the extra fits on ML-1M-sized data
MAX_WEIGHT_RATINGS = 250_000
#: (prefix, class) of the blended models; their arrays are saved under "prefix__name"
COMPONENTS = (("baseline", Baseline), ("mf", BiasedMF), ("iknn", ItemKNN), ("uknn", UserKNN),
              ("rank", RankingMF))


class RatingBlend(Recommender):
    """Count-gated linear blend of baseline, mf, item-knn and user-knn predictions."""

    name = "blend"
    predicts_ratings = True
    _arrays = tuple(f"{p}__{a}" for p, cls in COMPONENTS for a in cls._arrays) + (
        "weights", "user_counts", "item_counts", "scale_arr")
    _layout = {**{k: v for p, cls in COMPONENTS for k, v in prefixed(cls._layout, p).items()},
               "weights": Dense("f", 3 * len(COMPONENTS) + 3),
               "user_counts": Dense("n", "users", nonneg=True),
               "item_counts": Dense("n", "items", nonneg=True), "scale_arr": Dense("f", 2)}
    _params = ("ridge", "validation")

    def __init__(self, ridge: float = 1.0, validation: dict | None = None,
                 progress: Progress | None = None):
        """ridge: L2 penalty of the blend regression (tiny next to thousands of
        held-out ratings; it only keeps the solve well-posed)."""
        self.ridge = float(ridge)
        self.validation = dict(validation or {})
        self.progress = progress or silent

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """Every component twice: on 80% of at most MAX_WEIGHT_RATINGS ratings (the
        weights), then on all of them."""
        sample = shape.sample(0.8 * min(1.0, MAX_WEIGHT_RATINGS / max(1, shape.ratings)))
        return sum(c.fit_seconds(sample) + c.fit_seconds(shape) for _, c in COMPONENTS)

    # ---- fitting ------------------------------------------------------------------
    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        self.scale_arr = np.asarray(ratings.scale, np.float64)
        self.weights = self._learn_weights(ratings, catalog)
        self._set_components(self._fit_components(ratings, catalog), ratings)
        self.progress(1, 1, "blend")

    @staticmethod
    def _fit_components(ratings: Ratings, catalog: Catalog) -> dict[str, Recommender]:
        return {p: cls().fit(ratings, catalog) for p, cls in COMPONENTS}

    def _learn_weights(self, ratings: Ratings, catalog: Catalog) -> np.ndarray:
        """Ridge regression of held-out ratings on the features (module docstring)."""
        sample = ratings
        if len(ratings) > MAX_WEIGHT_RATINGS:
            keep = np.random.default_rng(1).permutation(len(ratings))[:MAX_WEIGHT_RATINGS]
            sample = ratings.subset(np.isin(np.arange(len(ratings)), keep))
        try:
            part, held = inner_split(sample, "random")
        except TooSmallToTune as e:
            choice = fallback({"weights": "mf alone"}, "blend", e)
            self.validation = {"fallback": choice.fallback}
            return self._default_weights()
        models = self._fit_components(part, catalog)
        F = self._features(models, held.users, held.items, _counts(part.users, part.n_users),
                           _counts(part.items, part.n_items))
        y = held.values.astype(np.float64)
        A = F.T @ F + self.ridge * np.eye(F.shape[1])
        w = np.linalg.solve(A, F.T @ y)
        pred = np.clip(F @ w, *self.scale_arr)
        self.validation = {"ratings": int(len(y)), "rmse": float(np.sqrt(np.mean((pred - y) ** 2))),
                           "rmse_mf": float(np.sqrt(np.mean((F[:, 1] - y) ** 2)))}
        return w

    def _default_weights(self) -> np.ndarray:
        w = np.zeros(3 * len(COMPONENTS) + 3)
        w[1] = 1.0  # the mf prediction alone
        return w

    def _set_components(self, models: dict[str, Recommender], ratings: Ratings) -> None:
        for p, model in models.items():
            for a in type(model)._arrays:
                setattr(self, f"{p}__{a}", getattr(model, a))
        self.user_counts = _counts(ratings.users, ratings.n_users)
        self.item_counts = _counts(ratings.items, ratings.n_items)
        self._after_load()

    def _dims(self) -> dict[str, int]:
        """The components' own dimensions (their factors), under their prefixes."""
        return {f"{p}__{k}": v for p, cls in COMPONENTS for k, v in cls()._dims().items()}

    def _after_load(self) -> None:
        """Rebuild the fitted component objects from the saved arrays."""
        self.models = {}
        for p, cls in COMPONENTS:
            m = cls()
            for a in cls._arrays:
                setattr(m, a, getattr(self, f"{p}__{a}"))
            m.n_users, m.n_items = self.n_users, self.n_items
            m._after_load()
            m._fitted = True
            self.models[p] = m

    # ---- prediction ---------------------------------------------------------------
    @staticmethod
    def _features(models, users, items, user_counts, item_counts) -> np.ndarray:
        users, items = np.asarray(users, np.int64), np.asarray(items, np.int64)
        lu = np.log1p(user_counts[np.clip(users, 0, len(user_counts) - 1)])
        li = np.log1p(item_counts[np.clip(items, 0, len(item_counts) - 1)])
        preds = [np.asarray(_predict(m, users, items), np.float64) for m in models.values()]
        cols = preds + [p * lu for p in preds] + [p * li for p in preds]
        return np.column_stack(cols + [np.ones(len(users)), lu, li])

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        self._check()
        F = self._features(self.models, users, items, self.user_counts, self.item_counts)
        return np.clip(F @ self.weights, *self.scale_arr)

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Predicted ratings of every item (ranking by predicted rating): the same sum
        as `predict`, with each component's whole rows at once."""
        self._check()
        users = np.asarray(users, np.int64)
        lu = np.log1p(self.user_counts[users])[:, None]
        li = np.log1p(self.item_counts)[None, :]
        n = len(COMPONENTS)
        w = self.weights
        out = w[3 * n] + w[3 * n + 1] * lu + w[3 * n + 2] * li
        for m, model in enumerate(self.models.values()):
            out = out + (w[m] + w[n + m] * lu + w[2 * n + m] * li) * _rows(model, users)
        return np.clip(out, *self.scale_arr)

    def describe(self) -> dict:
        """Validation RMSE of the blend and of mf alone (recorded in the manifest)."""
        return self.validation


def _predict(model: Recommender, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """A rating model's prediction; for mf-rank, its score x_u . y_i (how likely the
    user is to rate the film at all: the implicit signal SVD++ adds)."""
    if model.predicts_ratings:
        return model.predict(users, items)
    ok_u = (users >= 0) & (users < model.n_users)
    ok_i = (items >= 0) & (items < model.n_items)
    u, i = np.where(ok_u, users, 0), np.where(ok_i, items, 0)
    dots = np.einsum("nk,nk->n", model.user_factors[u], model.item_factors[i])
    return np.where(ok_u & ok_i, dots, 0.0)


def _rows(model: Recommender, users: np.ndarray) -> np.ndarray:
    """`_predict` for every item of each user, as (len(users), n_items)."""
    if isinstance(model, ItemKNN):   # mean_i + sum_j s_ij r_uj / sum_j s_ij seen_uj
        num = np.asarray((model.resid[users] @ model.sim_t).todense())
        den = np.asarray((model.seen[users] @ model.sim_t).todense())
        adj = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return model._clip(model.means[None, :] + adj)
    if isinstance(model, UserKNN):   # mean_u + sum_v s_uv r_vi / sum_v s_uv seen_vi
        sim = model.neighbours(users)
        num = np.asarray((sim @ model.resid).todense())
        den = np.asarray((sim @ model.seen).todense())
        adj = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return model._clip(model.means[users][:, None] + adj)
    if not model.predicts_ratings:  # mf-rank's score
        return model.user_factors[users] @ model.item_factors.T
    return np.clip(model.score_users(users), *model.scale_arr)  # baseline, mf (as predict)


def _counts(index: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(index, minlength=n).astype(np.float64)
