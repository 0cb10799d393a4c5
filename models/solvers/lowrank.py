"""A low-rank stand-in for long sparse rows: randomized SVD (Halko, Martinsson & Tropp
2011), for rows whose dot products are wanted but whose length makes them slow.

    z, rest = row_sketch(m, rank)

z (n_rows x rank, float32) holds each row's coordinates in the top-`rank` right singular
subspace of m, so z @ z.T is the best rank-`rank` approximation of m @ m.T; rest is each
row's norm outside that subspace, sqrt(|m_i|^2 - |z_i|^2), so a caller can keep every
row's own length exact (models/recommenders/hybrid.py does, for cosines).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def row_sketch(m: sp.csr_matrix, rank: int = 64, oversample: int = 10, power: int = 2,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(z, rest) of the module docstring; `power` subspace iterations sharpen the
    subspace when the spectrum decays slowly (rating data's does)."""
    n_rows, n_cols = m.shape
    width = max(1, min(rank + oversample, n_rows, n_cols))
    m = sp.csr_matrix(m, dtype=np.float32)
    mt = m.T.tocsr()
    q = np.random.default_rng(seed).standard_normal((n_cols, width)).astype(np.float32)
    q, _ = np.linalg.qr(m @ q)
    for _ in range(power):
        q, _ = np.linalg.qr(mt @ q)
        q, _ = np.linalg.qr(m @ q)
    small = np.asarray((mt @ q).T)                  # width x n_cols, = q.T @ m
    u, s, _ = np.linalg.svd(small, full_matrices=False)
    k = min(rank, len(s))
    z = (q @ (u[:, :k] * s[:k])).astype(np.float32)
    norms = np.asarray(m.multiply(m).sum(axis=1)).ravel()
    rest = np.sqrt(np.clip(norms - (z.astype(np.float64) ** 2).sum(axis=1), 0.0, None))
    return z, rest.astype(np.float32)
