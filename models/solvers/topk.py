"""Neighbour search: the top-k of each row of a sparse product A @ B, never the product.

    top_k_product(A, B, rows, k)  ->  (idx, val), shape (len(rows), k)

Each row of A @ B is accumulated into a dense scratch row (Gustavson's row-by-row
product: A's entries of the row each add one row of B), and only its k largest positive
entries are kept, with a k-sized min-heap over the columns the row touched (the "top-n
pruning" of ING's sparse_dot_topn). Memory is O(k) per row plus one scratch row per
thread, however dense the product; no n x n block is ever materialised or sorted, so the
cost is the multiply-adds alone: sum over A's entries (r, j) of nnz(B[j]), which
`product_work` counts without doing it.

The loop is compiled with numba and runs chunks of rows in parallel (one scratch row
per chunk). `top_k_dense` is the numpy version (blocked dense products and
argpartition), used when numba is missing and as the tests' reference.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: rows per parallel chunk (each chunk owns one scratch row of B's width)
CHUNK = 256


def product_work(a: sp.csr_matrix, b: sp.csr_matrix, rows: np.ndarray | None = None) -> float:
    """Multiply-adds of A[rows] @ B by rows: sum over A's entries (r, j) of nnz(B[j])."""
    b_len = np.diff(b.indptr).astype(np.float64)
    a = a if rows is None else a[np.asarray(rows)]
    return float(np.bincount(a.indices, minlength=b.shape[0]) @ b_len)


def top_k_product(a: sp.csr_matrix, b: sp.csr_matrix, k: int, rows: np.ndarray | None = None,
                  skip_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The k largest positive entries of each row r of A @ B (r in `rows`, default all).

    skip_self: leave out column r itself (A @ A.T: a row is not its own neighbour).
    Returns idx (int32, -1 where a row has fewer than k positive entries) and val
    (float32, 0 there), each (len(rows), k), every row best first."""
    rows = np.arange(a.shape[0], dtype=np.int64) if rows is None else \
        np.asarray(rows, dtype=np.int64)
    k = int(max(0, min(k, b.shape[1])))
    a, b = _csr32(a), _csr32(b)
    if k == 0 or len(rows) == 0:
        return np.full((len(rows), k), -1, np.int32), np.zeros((len(rows), k), np.float32)
    try:
        from models.solvers import topk_kernel
    except ImportError:  # numba missing: the blocked numpy version
        return top_k_dense(a, b, k, rows, skip_self)
    return topk_kernel.top_k_rows(a.indptr, a.indices, a.data, b.indptr, b.indices, b.data,
                                  rows, b.shape[1], k, skip_self, CHUNK)


def top_k_dense(a: sp.csr_matrix, b: sp.csr_matrix, k: int, rows: np.ndarray,
                skip_self: bool = True, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """`top_k_product` by dense blocks of the product (memory: block x B's width)."""
    idx = np.full((len(rows), k), -1, np.int32)
    val = np.zeros((len(rows), k), np.float32)
    for s in range(0, len(rows), block):
        part = rows[s:s + block]
        dense = np.asarray((a[part] @ b).toarray(), np.float32)
        if skip_self:
            inside = part < dense.shape[1]
            dense[np.flatnonzero(inside), part[inside]] = 0.0
        top = np.argpartition(-dense, k - 1, axis=1)[:, :k] if k < dense.shape[1] else \
            np.tile(np.arange(dense.shape[1]), (len(part), 1))
        v = np.take_along_axis(dense, top, axis=1)
        order = np.argsort(-v, axis=1, kind="stable")
        top, v = np.take_along_axis(top, order, 1), np.take_along_axis(v, order, 1)
        keep = v > 0
        idx[s:s + len(part)] = np.where(keep, top, -1)
        val[s:s + len(part)] = np.where(keep, v, 0.0)
    return idx, val


def to_csr(idx: np.ndarray, val: np.ndarray, rows: np.ndarray | None, shape) -> sp.csr_matrix:
    """The (idx, val) of `top_k_product` as a sparse matrix of `shape` (row r of the
    result is rows[r], or r when rows is None), column indices sorted within rows."""
    keep = idx >= 0
    r = np.repeat(np.arange(len(idx)) if rows is None else np.asarray(rows), idx.shape[1])
    m = sp.csr_matrix((val[keep].astype(np.float32), (r[keep.ravel()], idx[keep])), shape=shape)
    m.sort_indices()
    return m


def _csr32(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m)
    if m.dtype != np.float32:
        m = m.astype(np.float32)
    return m
