"""Blocked alternating-least-squares solver shared by the factorization models.

One ALS half-step solves, for every row r of a sparse matrix (a user, or an item when
the matrix is transposed), the ridge system

    (G0 + sum_{j in r} w_rj y_j y_j^T + reg_r * diag(d)) x_r = sum_{j in r} b_rj y_j

where y_j are the fixed factors of the other side. Explicit biased MF uses G0 = 0,
w = 1 and b = the residual rating; implicit ALS (Hu, Koren & Volinsky 2008) uses
G0 = alpha0 * Y^T Y, w = c - alpha0 and b = c.

Why blocks: a Python loop over rows is too slow at 160k users, and one outer product per
rating needs nnz*k^2 memory. Instead rows are grouped by their number of entries
(geometric buckets), each bucket is padded to a dense (B, n, k) stack and the Gram
matrices come from one batched matmul (BLAS) and one batched LAPACK solve. Padding
wastes at most `growth - 1` of the work, and a cap on cells per block bounds memory.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import scipy.sparse as sp

try:  # optional (ships with scikit-learn); without it BLAS keeps its own threading
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None


def single_thread_blas():
    """Thousands of tiny k×k products and solves run far faster on one BLAS thread: a
    thread pool per call costs more than the work and collapses when the machine is
    busy (measured: 3.8 s vs 0.44 s for one ML-100K fit under load)."""
    return threadpool_limits(1, "blas") if threadpool_limits else contextlib.nullcontext()


def row_blocks(counts: np.ndarray, growth: float = 1.3, max_cells: int = 1 << 22
               ) -> Iterator[tuple[np.ndarray, int]]:
    """Yield (rows, width): rows whose count fits in `width`, padded block <= max_cells.

    Rows with zero entries are skipped (the caller handles them)."""
    counts = np.asarray(counts)
    order = np.argsort(counts, kind="stable")
    sorted_counts = counts[order]
    start = np.searchsorted(sorted_counts, 1)
    while start < len(order):
        lo = sorted_counts[start]
        width = int(max(lo, np.ceil(lo * growth)))
        stop = np.searchsorted(sorted_counts, width, side="right")
        # cap the block so B * width <= max_cells (but always at least one row)
        per_block = max(1, max_cells // width)
        for s in range(start, stop, per_block):
            rows = order[s:min(stop, s + per_block)]
            yield rows, int(sorted_counts[min(stop, s + per_block) - 1])
        start = stop


def solve_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    w: np.ndarray | None,
    b: np.ndarray,
    Y: np.ndarray,
    reg: np.ndarray,
    reg_diag: np.ndarray | None = None,
    G0: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Solve the ridge system above for every row of a CSR (indptr, indices).

    w, b:     per-entry weights (None = 1) and right-hand-side coefficients, aligned
              with `indices`.
    Y:        (n_cols, k) fixed factors.
    reg:      (n_rows,) regularization per row (e.g. lambda * count for ALS-WR).
    reg_diag: (k,) multiplier of reg per factor (e.g. 0 for a fixed bias column).
    G0:       (k, k) Gram term shared by every row (implicit feedback).
    Rows with no entries get the zero vector (their right-hand side is zero).
    """
    n_rows, k = len(indptr) - 1, Y.shape[1]
    dtype = Y.dtype
    X = np.zeros((n_rows, k), dtype=dtype) if out is None else out
    counts = np.diff(indptr)
    d = np.ones(k, dtype=dtype) if reg_diag is None else np.asarray(reg_diag, dtype)
    eye = np.diag(d)
    with single_thread_blas():
        _solve_blocks(indptr, indices, w, b, Y, reg, eye, G0, counts, X)
    if out is None:
        return X
    X[counts == 0] = 0
    return X


def _solve_blocks(indptr, indices, w, b, Y, reg, eye, G0, counts, X) -> None:
    dtype = Y.dtype
    # bound each gathered (B, n, k) block to ~32M floats whatever k is
    for rows, width in row_blocks(counts, max_cells=max(1 << 14, (1 << 25) // Y.shape[1])):
        cnt = counts[rows]
        pos = indptr[rows][:, None] + np.arange(width)
        valid = np.arange(width) < cnt[:, None]
        pos = np.where(valid, pos, 0)  # padded cells point at entry 0 and get weight 0
        Yg = Y[indices[pos]]                                  # (B, n, k)
        bv = np.where(valid, b[pos], 0).astype(dtype)         # (B, n)
        wv = valid.astype(dtype) if w is None else np.where(valid, w[pos], 0).astype(dtype)
        A = np.matmul(np.swapaxes(Yg * wv[:, :, None], 1, 2), Yg)  # (B, k, k) via BLAS
        A += reg[rows].astype(dtype)[:, None, None] * eye
        if G0 is not None:
            A += G0
        rhs = np.matmul(bv[:, None, :], Yg)[:, 0, :]          # (B, k)
        X[rows] = _solve(A, rhs)


def _solve(A: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Batched solve; falls back to least squares if a system is singular."""
    try:
        return np.linalg.solve(A, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(a, r, rcond=None)[0] for a, r in zip(A, rhs)])


def transpose_csr(indptr, indices, data_arrays, n_cols):
    """CSR -> CSC-like (column-major CSR) for several aligned data arrays at once.

    Returns (indptr_t, indices_t, [data_t...]) where rows are the former columns. scipy's
    compiled conversion moves a float64 entry number (exact below 2**53) along, which
    then reorders every data array."""
    n_rows = len(indptr) - 1
    order = sp.csr_matrix((np.arange(len(indices), dtype=np.float64), indices, indptr),
                          shape=(n_rows, n_cols)).tocsc()
    rows = order.indices.astype(np.int32)
    perm = order.data.astype(np.int64)
    return (order.indptr.astype(np.int64), rows,
            [None if a is None else np.asarray(a)[perm] for a in data_arrays])
