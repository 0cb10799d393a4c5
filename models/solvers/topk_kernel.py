"""The compiled loop of models/solvers/topk.py (numba), imported only where it runs.

One row: scatter-add A[r]'s entries times B's rows into a dense scratch row (all zeros
between rows), then keep the k largest positive values with a min-heap and zero the
row again. A row with at least half as many multiply-adds as columns (counted first)
is accumulated branch-free and scanned in column order; a sparser row lists the
columns it touches (a branch per multiply-add) and scans only those. On the ML-25M-sized
item x item search (125k multiply-adds per row over 59k columns) the dense way wins;
its column scans cost ~1.5 ns each on the reference machine, the adds ~2.5 ns.
Chunks of rows run in parallel, each with its own scratch row.
"""
from __future__ import annotations

import numba as nb
import numpy as np



@nb.njit(cache=True, fastmath=True, nogil=True)
def _sift_down(hv, hi, m, pos):  # pragma: no cover - compiled
    """Restore the min-heap (hv, hi) of size m below position pos."""
    while True:
        left = 2 * pos + 1
        if left >= m:
            return
        small = left
        if left + 1 < m and hv[left + 1] < hv[left]:
            small = left + 1
        if hv[small] >= hv[pos]:
            return
        hv[pos], hv[small] = hv[small], hv[pos]
        hi[pos], hi[small] = hi[small], hi[pos]
        pos = small


@nb.njit(cache=True, fastmath=True, nogil=True)
def _offer(hv, hix, m, k, s, c):  # pragma: no cover - compiled
    """Offer value s of column c to the min-heap of the k best; returns its new size."""
    if m < k:  # not full: push and sift up
        pos = m
        hv[pos], hix[pos] = s, c
        while pos > 0:
            parent = (pos - 1) // 2
            if hv[parent] <= hv[pos]:
                break
            hv[pos], hv[parent] = hv[parent], hv[pos]
            hix[pos], hix[parent] = hix[parent], hix[pos]
            pos = parent
        return m + 1
    hv[0], hix[0] = s, c
    _sift_down(hv, hix, m, 0)
    return m


@nb.njit(cache=True, fastmath=True, nogil=True)
def _chunk(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, lo, hi, n_cols, k, skip_self,
           out_idx, out_val):  # pragma: no cover - compiled
    acc = np.zeros(n_cols, np.float32)
    touched = np.empty(n_cols, np.int32)
    hv = np.empty(k, np.float32)
    hix = np.empty(k, np.int64)
    for t in range(lo, hi):
        r = rows[t]
        work = 0
        for e in range(a_ptr[r], a_ptr[r + 1]):
            j = a_idx[e]
            work += b_ptr[j + 1] - b_ptr[j]
        sparse = work * 2 < n_cols
        nt = 0
        for e in range(a_ptr[r], a_ptr[r + 1]):
            j = a_idx[e]
            x = a_val[e]
            if sparse:
                for f in range(b_ptr[j], b_ptr[j + 1]):
                    c = b_idx[f]
                    if acc[c] == 0.0:  # first touch (or back at exactly 0: listed
                        touched[nt] = c  # again, and then read once, below)
                        nt += 1
                    acc[c] += x * b_val[f]
            else:
                for f in range(b_ptr[j], b_ptr[j + 1]):
                    acc[b_idx[f]] += x * b_val[f]
        m = 0
        for q in range(nt if sparse else n_cols):
            c = touched[q] if sparse else q
            s = acc[c]
            acc[c] = 0.0  # the row is clean again after the scan
            if s <= 0.0 or (m == k and s <= hv[0]) or (skip_self and c == r):
                continue
            m = _offer(hv, hix, m, k, s, c)
        # pop the heap smallest first into the row's slots from the back: best first
        for slot in range(k - 1, -1, -1):
            if slot >= m:
                out_idx[t, slot] = -1
                out_val[t, slot] = 0.0
                continue
            out_idx[t, slot] = hix[0]
            out_val[t, slot] = hv[0]
            hv[0], hix[0] = hv[slot], hix[slot]  # the heap has slot + 1 entries
            _sift_down(hv, hix, slot, 0)


@nb.njit(cache=True, parallel=True, nogil=True)
def _all_chunks(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, n_cols, k, skip_self, chunk,
                out_idx, out_val):  # pragma: no cover - compiled
    n_chunks = (len(rows) + chunk - 1) // chunk
    for c in nb.prange(n_chunks):
        lo = c * chunk
        _chunk(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, lo, min(lo + chunk, len(rows)),
               n_cols, k, skip_self, out_idx, out_val)


def top_k_rows(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, n_cols: int, k: int,
               skip_self: bool, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """(idx, val) as models.solvers.topk.top_k_product documents them."""
    out_idx = np.empty((len(rows), k), np.int32)
    out_val = np.empty((len(rows), k), np.float32)
    if len(rows) <= chunk:  # one chunk (a request's few rows): no thread pool wake-up
        _chunk(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, 0, len(rows), n_cols, k,
               skip_self, out_idx, out_val)
    else:
        _all_chunks(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, n_cols, k, skip_self,
                    chunk, out_idx, out_val)
    return out_idx, out_val
