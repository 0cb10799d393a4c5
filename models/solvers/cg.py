"""Conjugate-gradient half-step for ALS (Takács, Pilászy & Tikk 2011; the solver of
benfred/implicit), vectorized over every row at once.

For each row r (a user, or an item on the transposed matrix) ALS wants x_r solving

    (G0 + sum_{j in r} w_rj y_j y_j^T + reg_r D) x_r = sum_{j in r} b_rj y_j

The exact solve (models/solvers/als.py) builds one k x k matrix per row: nnz * k^2 work. CG never
builds it: it needs only products A p, which cost nnz * k, and a few steps from the
previous sweep's x (warm start) are enough because x moves little between sweeps.

The CG recurrences run for all rows at once in numpy ((rows, k) arrays, a per-row step
length). One product for all rows is  p G0 + reg p D + S(p),  where the sparse part
S(p)_r = sum_j w_rj (p_r . y_j) y_j  walks each row's entries once: a compiled numba
kernel when numba is installed (`models.solvers.kernels`), else numpy: the dot products at the
stored cells from dense block products (BLAS) or gathered rows, then one sparse x dense
product (scipy). Rows with no entries get x = 0, as in the exact solver.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: numpy path: use dense block products when the data is at least this dense
DENSE_ENOUGH = 1 / 40
_BLOCK_CELLS = 1 << 22  # cells per dense block / gathered chunk (bounds memory)


def sampled_dots(P: np.ndarray, Y: np.ndarray, indptr: np.ndarray, indices: np.ndarray
                 ) -> np.ndarray:
    """p_r . y_j for every stored cell (r, j) of the CSR pattern (indptr, indices)."""
    n_rows, n_cols = len(indptr) - 1, Y.shape[0]
    out = np.empty(len(indices), dtype=np.result_type(P, Y))
    dense = len(indices) >= DENSE_ENOUGH * n_rows * n_cols
    step = max(1, _BLOCK_CELLS // (n_cols if dense else max(1, Y.shape[1])))
    if dense:
        for a in range(0, n_rows, step):
            b = min(n_rows, a + step)
            lo, hi = indptr[a], indptr[b]
            block = P[a:b] @ Y.T                                    # (b - a, n_cols)
            local = np.repeat(np.arange(b - a), np.diff(indptr[a:b + 1]))
            out[lo:hi] = block.ravel()[local * n_cols + indices[lo:hi]]
        return out
    rows = np.repeat(np.arange(n_rows), np.diff(indptr))
    for lo in range(0, len(indices), step):
        hi = min(len(indices), lo + step)
        out[lo:hi] = np.einsum("nk,nk->n", P[rows[lo:hi]], Y[indices[lo:hi]])
    return out


def sparse_gram_product(indptr, indices, w, Y, P) -> np.ndarray:
    """S(P)_r = sum_{j in r} w_rj (P_r . y_j) y_j for every row r."""
    s = sampled_dots(P, Y, indptr, indices)
    m = sp.csr_matrix((w * s, indices, indptr), shape=(len(indptr) - 1, Y.shape[0]))
    return np.asarray(m @ Y, dtype=P.dtype)


def _kernels():
    try:
        from models.solvers import kernels
    except ImportError:  # numba missing: the numpy path below
        return None
    return kernels


def cg_rows(indptr, indices, w, b, Y, reg, X0, steps: int = 3, G0=None, reg_diag=None,
            compiled: bool = True) -> np.ndarray:
    """`steps` conjugate-gradient steps from X0 on every row's system (module doc).

    w, b: per-entry weight (None = 1) and right-hand-side coefficient, aligned with
    `indices`; reg: (n_rows,) ridge per row, times reg_diag (k,) per factor (None = 1);
    G0: (k, k) term shared by all rows (None = 0); X0: the warm start.
    compiled: use the numba kernel when numba is installed (else this numpy code)."""
    dtype = Y.dtype
    k = Y.shape[1]
    indptr = np.asarray(indptr, np.int64)
    indices = np.asarray(indices, np.int32)
    w = np.ones(len(indices), dtype) if w is None else np.asarray(w, dtype)
    ridge = np.asarray(reg, dtype)[:, None] * (np.ones(k, dtype) if reg_diag is None
                                               else np.asarray(reg_diag, dtype))[None, :]
    G = np.zeros((k, k), dtype) if G0 is None else np.ascontiguousarray(G0, dtype)
    X = np.array(X0, dtype=dtype, copy=True)
    kernels = _kernels() if compiled else None
    if kernels is not None:
        kernels.cg_rows(indptr, indices, w, np.asarray(b, dtype), np.ascontiguousarray(Y),
                        ridge, G, X, int(steps))
        return X

    def product(P):
        return sparse_gram_product(indptr, indices, w, Y, P) + ridge * P + P @ G

    rhs = sp.csr_matrix((np.asarray(b, dtype), indices, indptr),
                        shape=(len(indptr) - 1, Y.shape[0])) @ Y
    R = rhs - product(X)
    P = R.copy()
    rs = np.einsum("rk,rk->r", R, R)
    for _ in range(steps):
        active = rs > 1e-20
        if not active.any():
            break
        AP = product(P)
        pap = np.einsum("rk,rk->r", P, AP)
        ok = active & (pap > 0)
        alpha = np.where(ok, rs / np.where(ok, pap, 1), 0).astype(dtype)[:, None]
        X += alpha * P
        R -= alpha * AP
        rs_new = np.einsum("rk,rk->r", R, R)
        beta = np.where(active, rs_new / np.where(active, rs, 1), 0).astype(dtype)[:, None]
        P = R + beta * P
        rs = rs_new
    X[np.diff(indptr) == 0] = 0
    return X
