"""User-based k-NN (user-mean-centred damped cosine; the shared math is in
models/recommenders/knn.py).

Finding every user's neighbours costs one multiply-add per pair of ratings of the same
item: sum over items of raters^2. That is 2.7e9 on ML-1M-sized data (seconds), but
~3e11 at ML-25M size (162k users; most users rated the few most popular films), half an
hour or more on two cores. So the graph is computed at fit time only up to
`PRECOMPUTE_WORK` multiply-adds; above it, the model keeps the normalised user vectors
and finds the neighbours of the users it is asked to score (one user: one row of the
same search, a few ms at ML-25M size), as LensKit's UserUser does. Both ways give the
same neighbours, so the scores are the same.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from models.cost import PER_RATING, DataShape, neighbour_search
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.layout import Csr, Dense, LayoutError
from models.recommenders.knn import _KNN, _binary, _csr_from, centred, damped_mean, \
    damped_normalise_rows
from models.solvers.topk import product_work, to_csr, top_k_product

#: multiply-adds of the all-users neighbour search above which it is left to scoring
#: time (~1 ns each compiled: 3e10 is about half a minute on one free core)
PRECOMPUTE_WORK = 3e10


class UserKNN(_KNN):
    """User-based k-NN: neighbours of each user among users (user-mean-centred cosine)."""

    name = "user-knn"
    _arrays = _KNN._base_arrays
    # the neighbour graph has a row per user, or none when searched at scoring time
    _layout = {"sim": Csr(None, "users"), "r": Csr("users", "items"),
               "means": Dense("f", "users"), "scale_": Dense("f", 2)}

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """Centring and transposes, and the user x user search when it is done now."""
        search = neighbour_search(shape.users, shape.item_pairs, shape.users) \
            if shape.item_pairs <= PRECOMPUTE_WORK else 0.0
        return 15 * PER_RATING * shape.ratings + search

    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        r = ratings.csr()
        counts = np.diff(r.indptr)
        mu = float(ratings.values.mean()) if len(ratings) else 0.0
        sums = np.asarray(r.sum(axis=1)).ravel()
        means = damped_mean(sums, counts, mu, self.mean_shrinkage)
        resid = centred(r, means, by_row=True)
        users = damped_normalise_rows(resid, self.damping)
        users_t = users.T.tocsr()
        if product_work(users, users_t) <= PRECOMPUTE_WORK:
            k = max(0, min(self.k, ratings.n_users - 1))
            sim = to_csr(*top_k_product(users, users_t, k), None,
                         (ratings.n_users, ratings.n_users))
        else:  # no graph: `neighbours` searches per scored user (module docstring)
            sim = sp.csr_matrix((0, ratings.n_users), dtype=np.float32)
        self._store(sim, resid, means, ratings)

    def _after_load(self) -> None:
        self.precomputed = len(self.sim_indptr) == self.n_users + 1
        if not self.precomputed and len(self.sim_indptr) != 1:
            raise LayoutError(f"a neighbour graph of {len(self.sim_indptr) - 1} rows for "
                              f"{self.n_users} users")
        shape = (self.n_users if self.precomputed else 0, self.n_users)
        self.sim = _csr_from(self, "sim", shape)
        self.resid = _csr_from(self, "r", (self.n_users, self.n_items))
        self.resid_t = self.resid.T.tocsr()  # items x users
        self.seen = _binary(self.resid)
        self.seen_t = _binary(self.resid_t)
        self.votes = self._votes(self.resid)
        self._vectors = None

    def _user_vectors(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The damped-normalised users x items rows and their transpose (built on first
        use: fold-in, or neighbours searched at scoring time)."""
        if self._vectors is None:
            u = damped_normalise_rows(self.resid, self.damping)
            self._vectors = (u, u.T.tocsr())
        return self._vectors

    def neighbours(self, users: np.ndarray) -> sp.csr_matrix:
        """Rows of the neighbour graph for `users`: (len(users), n_users) similarities."""
        users = np.asarray(users, dtype=np.int64)
        if self.precomputed:
            return self.sim[users]
        u, ut = self._user_vectors()
        k = max(0, min(self.k, self.n_users - 1))
        return to_csr(*top_k_product(u, ut, k, rows=users), None, (len(users), self.n_users))

    def _sim_rows(self, rows: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
        if self.precomputed:
            return self.sim, rows
        unique, at = np.unique(rows, return_inverse=True)
        return self.neighbours(unique), at

    def score_users(self, users: np.ndarray) -> np.ndarray:
        # score(u, i) = sum over neighbours v of u who rated i of sim(u, v) * vote(v, i)
        return np.asarray((self.neighbours(users) @ self.votes).todense())

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Fold-in: find the profile's neighbours among training users, then vote."""
        sims = self._profile_neighbours(items, values)
        return np.asarray((sims @ self.votes).todense()).ravel()

    def _profile_neighbours(self, items, values) -> sp.csr_matrix:
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            raise PredictionImpossible("an empty profile has no neighbours")
        v = np.asarray(values, dtype=np.float64)
        mean = damped_mean(v.sum(), len(v), float(self.means.mean()), self.mean_shrinkage)
        row = damped_normalise_rows(sp.csr_matrix(
            (v - mean, (np.zeros(len(items)), items)), shape=(1, self.n_items)), self.damping)
        s = np.asarray((row @ self._user_vectors()[1]).todense()).ravel()
        keep = np.argsort(-s)[: self.k]
        keep = keep[s[keep] > 0]
        return sp.csr_matrix((s[keep], (np.zeros(len(keep)), keep)), shape=(1, self.n_users))

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self._neighbour_predict(users, items, self.resid_t, self.seen_t)
