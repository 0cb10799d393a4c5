"""The one top-k routine every model uses."""
from __future__ import annotations

import numpy as np


def top_k(
    scores: np.ndarray,
    k: int,
    exclude: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the k best items, best first.

    scores:  float array over all items (1-D).
    exclude: item indices (int array) or boolean mask of items never to return.
    allowed: boolean mask; when given only these items may be returned.
    Ties are broken by lower item index, so results are deterministic.
    NaN and -inf scores are never returned.
    """
    s = np.asarray(scores, dtype=np.float64).copy()   # NaN: not finite, so never valid
    if allowed is not None:
        s[~np.asarray(allowed, dtype=bool)] = -np.inf
    if exclude is not None:
        ex = np.asarray(exclude)
        if ex.dtype == bool:
            s[ex] = -np.inf
        elif ex.size:
            s[ex.astype(np.int64)] = -np.inf
    valid = np.flatnonzero(np.isfinite(s))
    if k <= 0 or valid.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    k = min(k, valid.size)
    sv = s[valid]
    if k < valid.size:
        # the k-th best score; keep everything >= it, then sort exactly (ties by index)
        part = np.argpartition(-sv, k - 1)[:k]
        threshold = sv[part].min()
        cand = valid[sv >= threshold]
    else:
        cand = valid
    order = np.lexsort((cand, -s[cand]))[:k]
    idx = cand[order]
    return idx, s[idx]


def top_k_batch(scores: np.ndarray, k: int, exclude=None) -> np.ndarray:
    """Row-wise top-k indices for a (n_users, n_items) score matrix, best first.

    exclude: a scipy sparse matrix or boolean array of the same shape (True = exclude).
    Ties are broken by lower item index. Used by evaluation over many users.
    A row with fewer than k finite scores ends with -inf-scored (non-candidate) items:
    callers must check the scores (evaluation pads those slots with -1).
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    s[np.isnan(s)] = -np.inf
    if exclude is not None:
        if hasattr(exclude, "tocoo"):
            c = exclude.tocoo()
            s[c.row, c.col] = -np.inf
        else:
            s[np.asarray(exclude, dtype=bool)] = -np.inf
    n_items = s.shape[1]
    k = min(k, n_items)
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    thresh = np.take_along_axis(s, part, axis=1).min(axis=1, keepdims=True)
    out = np.empty((s.shape[0], k), dtype=np.int64)
    for r in range(s.shape[0]):  # per user, not per rating: cheap
        cand = np.flatnonzero(s[r] >= thresh[r])
        order = np.lexsort((cand, -s[r, cand]))[:k]
        out[r] = cand[order]
    return out
