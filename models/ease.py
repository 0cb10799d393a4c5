"""EASE (Steck 2019): a closed-form item-item linear autoencoder, used as a ranking
component where the catalog is small enough.

    B = I − P · diag(1 / diag(P)),   P = (XᵀX + λI)⁻¹,   diag(B) = 0

X is the user×item matrix: 0/1 interactions, or rating values as `mf-rank` uses. Cost is one dense n_items² inverse, so
it is only feasible up to a few thousand items (memory n_items² floats); callers fall
back to a factor model beyond `MAX_ITEMS`.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: above this many items the n² weight matrix is too big to keep next to the factors
MAX_ITEMS = 4000


def feasible(n_items: int) -> bool:
    return n_items <= MAX_ITEMS


def fit_ease(X: sp.spmatrix, lam: float) -> np.ndarray:
    """Item-item weights B (float32, zero diagonal) from a user x item matrix."""
    X = sp.csr_matrix(X, dtype=np.float64)
    G = (X.T @ X).toarray()
    G[np.diag_indices_from(G)] += lam
    P = np.linalg.inv(G)
    B = -P / np.diag(P)[None, :]
    B[np.diag_indices_from(B)] = 0.0
    return B.astype(np.float32)
