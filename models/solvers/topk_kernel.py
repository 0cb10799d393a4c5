"""The compiled loop of models/solvers/topk.py (numba), imported only where it runs.

One row: scatter-add A[r]'s entries times B's rows into a dense scratch row, remembering
which columns were touched (a stamp per column instead of clearing the row), then keep
the k largest positive values of the touched columns with a min-heap. Chunks of rows
run in parallel, each with its own scratch row.
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
def _chunk(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, rows, lo, hi, n_cols, k, skip_self,
           out_idx, out_val):  # pragma: no cover - compiled
    acc = np.zeros(n_cols, np.float32)
    stamp = np.full(n_cols, -1, np.int64)
    touched = np.empty(n_cols, np.int64)
    hv = np.empty(k, np.float32)
    hix = np.empty(k, np.int64)
    for t in range(lo, hi):
        r = rows[t]
        nt = 0
        for e in range(a_ptr[r], a_ptr[r + 1]):
            j = a_idx[e]
            x = a_val[e]
            for f in range(b_ptr[j], b_ptr[j + 1]):
                c = b_idx[f]
                if stamp[c] != t:
                    stamp[c] = t
                    acc[c] = 0.0
                    touched[nt] = c
                    nt += 1
                acc[c] += x * b_val[f]
        m = 0
        for q in range(nt):
            c = touched[q]
            s = acc[c]
            if s <= 0.0 or (skip_self and c == r):
                continue
            if m < k:  # heap not full: push and sift up
                pos = m
                hv[pos], hix[pos] = s, c
                m += 1
                while pos > 0:
                    parent = (pos - 1) // 2
                    if hv[parent] <= hv[pos]:
                        break
                    hv[pos], hv[parent] = hv[parent], hv[pos]
                    hix[pos], hix[parent] = hix[parent], hix[pos]
                    pos = parent
            elif s > hv[0]:
                hv[0], hix[0] = s, c
                _sift_down(hv, hix, m, 0)
        # pop the heap smallest first into the row's slots from the back: best first
        for slot in range(k - 1, -1, -1):
            if slot >= m:
                out_idx[t, slot] = -1
                out_val[t, slot] = 0.0
                continue
            out_idx[t, slot] = hix[0]
            out_val[t, slot] = hv[0]
            last = slot  # the heap has slot + 1 entries: move the last one to the root
            hv[0], hix[0] = hv[last], hix[last]
            _sift_down(hv, hix, last, 0)


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
