"""Baseline predictor: r_ui ≈ μ + b_u + b_i (Koren 2010, §2.1).

The biases minimise the squared error plus reg_u·Σb_u² + reg_i·Σb_i²; alternating
closed-form sweeps (each one a `bincount`, so fully vectorized) converge in a handful
of iterations. It is the rating model of last resort and the prior the MF models start
from; ranked by predicted rating it recommends well-liked films regardless of the user.
"""
from __future__ import annotations

import numpy as np

from models.base import Recommender
from models.cost import PER_RATING, DataShape
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.layout import Dense
from models.progress import Progress, silent


def fit_biases(users, items, values, n_users, n_items, reg_u, reg_i, n_iter, mu=None):
    """Alternating least squares for (μ, b_u, b_i). Returns (mu, bu, bi) as float64."""
    values = np.asarray(values, dtype=np.float64)
    mu = float(values.mean()) if mu is None else mu
    n_u = np.bincount(users, minlength=n_users)
    n_i = np.bincount(items, minlength=n_items)
    bu = np.zeros(n_users)
    bi = np.zeros(n_items)
    for _ in range(n_iter):
        bi = np.bincount(items, values - mu - bu[users], minlength=n_items) / (n_i + reg_i)
        bu = np.bincount(users, values - mu - bi[items], minlength=n_users) / (n_u + reg_u)
    return mu, bu, bi


class Baseline(Recommender):
    """Global mean plus regularized user and item biases."""

    name = "baseline"
    predicts_ratings = True
    _arrays = ("user_bias", "item_bias", "mu_arr", "scale_arr")
    _layout = {"user_bias": Dense("f", "users"), "item_bias": Dense("f", "items"),
               "mu_arr": Dense("f", 1), "scale_arr": Dense("f", 2)}
    _params = ("reg_u", "reg_i", "n_iter")

    def __init__(self, reg_u: float = 15.0, reg_i: float = 10.0, n_iter: int = 10,
                 progress: Progress | None = None):
        # defaults as Surprise's BaselineOnly (ALS): reg_u=15, reg_i=10
        self.reg_u, self.reg_i, self.n_iter = float(reg_u), float(reg_i), int(n_iter)
        self.progress = progress or silent

    @property
    def mu(self) -> float:
        return float(self.mu_arr[0])

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        return cls().n_iter * 2 * PER_RATING * shape.ratings

    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        mu, bu, bi = fit_biases(ratings.users, ratings.items, ratings.values,
                                ratings.n_users, ratings.n_items,
                                self.reg_u, self.reg_i, self.n_iter)
        self.mu_arr = np.array([mu])
        self.user_bias, self.item_bias = bu, bi
        self.scale_arr = np.asarray(ratings.scale, dtype=np.float64)
        self.progress(1, 1, "baseline")

    def _clip(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.scale_arr[0], self.scale_arr[1])

    def score_users(self, users: np.ndarray) -> np.ndarray:
        self._check()
        users = np.asarray(users)
        return self.mu + self.user_bias[users][:, None] + self.item_bias[None, :]

    def user_bias_from_profile(self, items: np.ndarray, values: np.ndarray) -> float:
        """b_u for an unseen user, given the item biases (one closed-form step)."""
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            return 0.0
        resid = np.asarray(values, float) - self.mu - self.item_bias[items]
        return float(resid.sum() / (items.size + self.reg_u))

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        self._check()
        return self.mu + self.user_bias_from_profile(items, values) + self.item_bias

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Ratings on the data's scale. Unknown users/items (index -1 or out of range)
        fall back to the biases that exist; a pair with neither gets μ."""
        self._check()
        users, items = np.asarray(users, np.int64), np.asarray(items, np.int64)
        if users.shape != items.shape:
            raise PredictionImpossible("users and items must have the same shape")
        ku = (users >= 0) & (users < self.n_users)
        ki = (items >= 0) & (items < self.n_items)
        bu = np.where(ku, self.user_bias[np.where(ku, users, 0)], 0.0)
        bi = np.where(ki, self.item_bias[np.where(ki, items, 0)], 0.0)
        return self._clip(self.mu + bu + bi)
