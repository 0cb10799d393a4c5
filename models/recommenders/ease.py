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
    return ease_from_gram(gram(X), lam)


def gram(X: sp.spmatrix) -> np.ndarray:
    """X^T X as a dense item x item matrix (shared by every lambda of a search), in
    float32: the ridge (lambda in the hundreds or thousands) keeps it well-conditioned,
    and single precision halves the cost of the n^3 inverse."""
    X = sp.csr_matrix(X, dtype=np.float32)
    return (X.T @ X).toarray()


def ease_from_gram(G: np.ndarray, lam: float) -> np.ndarray:
    """EASE weights from a precomputed Gram matrix (`gram`); G itself is not changed."""
    from scipy.linalg import inv  # LU + getri: cheaper than numpy's solve against I
    G = G.copy()
    G[np.diag_indices_from(G)] += lam
    P = inv(G, overwrite_a=True, check_finite=False)
    B = -P / np.diag(P)[None, :]
    B[np.diag_indices_from(B)] = 0.0
    return B.astype(np.float32, copy=False)
