"""Biased matrix factorization, the Netflix-prize model (Koren, Bell & Volinsky 2009):

    r_ui ≈ μ + b_u + b_i + p_u · q_i

trained by alternating least squares with the biases folded into the factors: in the
user step the item side is [1, q_i] and the unknowns are [b_u, p_u]; in the item step
symmetrically. Every half-step is one blocked batched solve (models/solvers/als.py), so there is
no per-rating Python loop and ML-25M-sized data trains in minutes.

Regularization is weighted by the row's rating count, λ·n^α (α = 1 is ALS-WR, Zhou et
al. 2008): heavy raters get more data and the same relative shrinkage, which is what
lets a large number of factors generalize on ML-100K.

The ranking model for the `recommend` route lives in models/recommenders/ials.py (`RankingMF`) and is
re-exported here for the registry.
"""
from __future__ import annotations

import numpy as np

from models.base import Recommender
from models.cost import PER_RATING, DataShape, factor_model
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.layout import Dense
from models.progress import Progress, silent
from models.recommenders.baseline import fit_biases
from models.solvers.als import single_thread_blas, solve_rows, transpose_csr
from models.solvers.cg import cg_rows


class BiasedMF(Recommender):
    """μ + b_u + b_i + p_u·q_i by ALS with count-weighted ridge regularization."""

    name = "mf"
    predicts_ratings = True
    _arrays = ("user_factors", "item_factors", "user_bias", "item_bias", "mu_arr", "scale_arr")
    _layout = {"user_factors": Dense("f", "users", "factors"),
               "item_factors": Dense("f", "items", "factors"),
               "user_bias": Dense("f", "users"), "item_bias": Dense("f", "items"),
               "mu_arr": Dense("f", 1), "scale_arr": Dense("f", 2)}
    _params = ("factors", "reg", "reg_bias", "reg_exponent", "n_iter", "cg_steps", "seed")

    def __init__(self, factors: int = 32, reg: float = 1.5, reg_bias: float = 0.5,
                 reg_exponent: float = 0.5, n_iter: int = 10, cg_steps: int = 3,
                 seed: int = 0, progress: Progress | None = None):
        self.factors, self.reg, self.reg_bias = int(factors), float(reg), float(reg_bias)
        self.reg_exponent, self.n_iter, self.seed = float(reg_exponent), int(n_iter), int(seed)
        self.cg_steps = int(cg_steps)
        self.progress = progress or silent

    @property
    def mu(self) -> float:
        return float(self.mu_arr[0])

    # ---- training -------------------------------------------------------------------
    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """A residual and `cg_steps` CG steps per sweep (56 s measured at ML-25M size)."""
        m = cls()
        return factor_model(shape, m.factors, m.n_iter, m.cg_steps + 1) + \
            20 * PER_RATING * shape.ratings

    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        with single_thread_blas():  # see models/solvers/als.py: small products, no pool
            self._fit_blas(ratings)

    def _fit_blas(self, ratings: Ratings) -> None:
        m = ratings.csr()
        indptr, indices = m.indptr.astype(np.int64), m.indices
        values = m.data.astype(np.float64)
        n_users, n_items, k = ratings.n_users, ratings.n_items, self.factors
        # start from the baseline biases so the first factor sweep fits real signal
        users_of = np.repeat(np.arange(n_users), np.diff(indptr))
        mu, bu, bi = fit_biases(users_of, indices, values, n_users, n_items, 10.0, 10.0, 4)
        it_ptr, it_users, (it_vals,) = transpose_csr(indptr, indices, [values], n_items)

        rng = np.random.default_rng(self.seed)
        dtype = np.float32
        P = np.empty((n_users, k + 1), dtype)
        Q = np.empty((n_items, k + 1), dtype)
        P[:, 1:] = rng.normal(0, 0.1, (n_users, k))
        Q[:, 1:] = rng.normal(0, 0.1, (n_items, k))
        P[:, 0], Q[:, 0] = bu, bi
        reg_u = self.reg * np.maximum(np.diff(indptr), 1) ** self.reg_exponent
        reg_i = self.reg * np.maximum(np.diff(it_ptr), 1) ** self.reg_exponent
        # column 0 is the bias: its own (relative) regularization
        diag = np.ones(k + 1, dtype)
        diag[0] = self.reg_bias / self.reg if self.reg > 0 else 1.0
        Yu = np.empty_like(Q)
        Yi = np.empty_like(P)
        for it in range(self.n_iter):
            # user step: fixed side [1, q_i], target r - μ - b_i, unknowns [b_u, p_u]
            Yu[:, 0], Yu[:, 1:] = 1.0, Q[:, 1:]
            P[:] = self._half_step(indptr, indices, values - mu - Q[indices, 0], Yu,
                                   reg_u, diag, P)
            # item step: fixed side [1, p_u], target r - μ - b_u, unknowns [b_i, q_i]
            Yi[:, 0], Yi[:, 1:] = 1.0, P[:, 1:]
            Q[:] = self._half_step(it_ptr, it_users, it_vals - mu - P[it_users, 0], Yi,
                                   reg_i, diag, Q)
            self.progress(it + 1, self.n_iter, "mf ALS sweep")
        self.mu_arr = np.array([mu])
        self.user_bias, self.item_bias = P[:, 0].astype(np.float64), Q[:, 0].astype(np.float64)
        self.user_factors = np.ascontiguousarray(P[:, 1:])
        self.item_factors = np.ascontiguousarray(Q[:, 1:])
        self.scale_arr = np.asarray(ratings.scale, dtype=np.float64)
        self._after_load()

    def _half_step(self, indptr, indices, target, fixed, reg, diag, current):
        """[b, factors] of one side: warm-started CG steps (models/solvers/cg.py) or, with
        cg_steps = 0, the exact per-row solve (models/solvers/als.py)."""
        if self.cg_steps > 0:
            return cg_rows(indptr, indices, None, target, fixed, reg, current, self.cg_steps,
                           reg_diag=diag)
        return solve_rows(indptr, indices, None, target, fixed, reg, diag)

    def _dims(self) -> dict[str, int]:
        return {"factors": self.factors}  # fold_in sizes its solve by it

    def _after_load(self) -> None:
        # fold-in needs [1, q_i] rows; item_similarity needs unit-norm factors
        n = np.linalg.norm(self.item_factors, axis=1, keepdims=True)
        self._q_unit = self.item_factors / np.where(n > 0, n, 1.0)

    # ---- scoring --------------------------------------------------------------------
    def score_users(self, users: np.ndarray) -> np.ndarray:
        self._check()
        users = np.asarray(users)
        s = self.user_factors[users] @ self.item_factors.T
        return s + (self.mu + self.user_bias[users])[:, None] + self.item_bias[None, :]

    def fold_in(self, items: np.ndarray, values: np.ndarray) -> tuple[float, np.ndarray]:
        """(b_u, p_u) for an unseen user: one ridge solve of size k+1 (sub-millisecond)."""
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            return 0.0, np.zeros(self.factors, dtype=self.item_factors.dtype)
        if items.min() < 0 or items.max() >= self.n_items:
            raise PredictionImpossible("profile holds items outside the catalog")
        Y = np.hstack([np.ones((items.size, 1)), self.item_factors[items].astype(np.float64)])
        diag = np.ones(self.factors + 1)
        diag[0] = self.reg_bias / self.reg if self.reg > 0 else 1.0
        A = Y.T @ Y + self.reg * items.size ** self.reg_exponent * np.diag(diag)
        rhs = Y.T @ (np.asarray(values, float) - self.mu - self.item_bias[items])
        x = np.linalg.solve(A, rhs)
        return float(x[0]), x[1:]

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        self._check()
        bu, pu = self.fold_in(items, values)
        return self.mu + bu + self.item_bias + self.item_factors @ pu.astype(self.item_factors.dtype)

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Ratings clipped to the scale; an unknown user or item (index outside the fitted
        range) contributes no bias and no factors, as in Surprise."""
        self._check()
        users, items = np.asarray(users, np.int64), np.asarray(items, np.int64)
        ku = (users >= 0) & (users < self.n_users)
        ki = (items >= 0) & (items < self.n_items)
        u, i = np.where(ku, users, 0), np.where(ki, items, 0)
        dot = np.einsum("nk,nk->n", self.user_factors[u], self.item_factors[i])
        est = (self.mu + np.where(ku, self.user_bias[u], 0.0)
               + np.where(ki, self.item_bias[i], 0.0) + np.where(ku & ki, dot, 0.0))
        return np.clip(est, self.scale_arr[0], self.scale_arr[1])

    def item_similarity(self, item: int) -> np.ndarray:
        self._check()
        return self._q_unit @ self._q_unit[item]


from models.recommenders.ials import RankingMF  # noqa: E402  (re-export for models.registry)

__all__ = ["BiasedMF", "RankingMF"]
