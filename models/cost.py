"""How long a fit will take, from the shape of the data, known before it starts.

Each model's `fit_seconds(shape)` (models/base.py) adds up the work of its steps, in
units whose cost this module states: a pass over the ratings, a multiply-add of a
neighbour search (models/solvers/topk.py), a rating x factor x sweep of ALS. The rates
are seconds on one free core of the reference machine (the 2-vCPU VM of
docs/benchmarks/scale.md, where bench/bench_scale.py measured them); a busy machine
takes longer, so the trainer says "about" and only refuses far past its limit
(chatrec/training/budget.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: seconds per rating for one vectorized pass (bincount, CSR build, centring, sort)
PER_RATING = 1.5e-8
#: seconds per multiply-add of the compiled top-k product, and per column its heap
#: scan looks at (models/solvers/topk_kernel.py)
PER_MULTIPLY_ADD = 6e-9
PER_CANDIDATE = 1.2e-9
#: seconds per rating x factor x CG step of the conjugate-gradient ALS (models/solvers)
PER_FACTOR_STEP = 1.4e-9
#: seconds per multiply-add of dense BLAS work (EASE's inverse, Gram matrices)
PER_DENSE_MADD = 5e-11
#: seconds per rating x column of a sparse x dense product (the sketch's passes)
PER_SPARSE_DENSE = 2e-9


@dataclass(frozen=True)
class DataShape:
    """What a fit's cost depends on: the sizes, and the multiply-adds of the two
    neighbour products (sum over users of their ratings squared: item x item; sum over
    items of their raters squared: user x user)."""

    users: int
    items: int
    ratings: int
    user_pairs: float = 0.0
    item_pairs: float = 0.0

    @classmethod
    def of(cls, ratings) -> "DataShape":
        per_user = np.bincount(ratings.users, minlength=ratings.n_users).astype(np.float64)
        per_item = np.bincount(ratings.items, minlength=ratings.n_items).astype(np.float64)
        return cls(int(ratings.n_users), int(ratings.n_items), int(len(ratings)),
                   float(per_user @ per_user), float(per_item @ per_item))

    def sample(self, fraction: float) -> "DataShape":
        """The shape of a random `fraction` of the ratings (pairs shrink squared)."""
        f = min(1.0, max(0.0, fraction))
        return DataShape(self.users, self.items, int(self.ratings * f),
                         self.user_pairs * f * f, self.item_pairs * f * f)

    def describe(self) -> str:
        return f"{self.users:,} users, {self.items:,} items, {self.ratings:,} ratings"


def neighbour_search(rows: int, pairs: float, columns: int) -> float:
    """Seconds of a top-k search over `rows` rows of `columns` columns: its
    multiply-adds (`pairs`) plus the columns its heaps scan (at most all, per row)."""
    return PER_MULTIPLY_ADD * pairs + PER_CANDIDATE * min(2 * pairs, float(rows) * columns)


def factor_model(shape: DataShape, factors: int, sweeps: int, passes: int) -> float:
    """Seconds of an ALS fit: per sweep, `passes` passes over the ratings with k-vectors
    (a residual and the CG steps) and k x k work per row."""
    rows = shape.users + shape.items
    per_sweep = passes * shape.ratings * factors + rows * factors * factors
    return sweeps * PER_FACTOR_STEP * per_sweep
