"""Compiled inner loops (numba), imported only where they run: training, never serving.

`cg_solve_rows` runs a few conjugate-gradient steps on every row's ALS system (see
models/solvers/cg.py for the math and the numpy version). numpy would have to materialize
nnz x k gathered factor rows for every product (memory-bound, ~4x slower); this walks
each row's entries once with the factors in cache, as benfred/implicit's C++ solver
does. models/solvers/cg.py falls back to numpy when numba is not installed.
"""
from __future__ import annotations

import numba as nb
import numpy as np


def _cg_rows(indptr, indices, w, b, Y, ridge, G, X, steps):  # pragma: no cover - compiled
    """In place: X[r] <- `steps` CG steps on (G + sum_e w_e y y^T + diag(ridge[r])) x = sum_e b_e y."""
    n_rows, k = X.shape
    zero = X.dtype.type(0)
    for u in range(n_rows):
        lo, hi = indptr[u], indptr[u + 1]
        x = X[u]
        if lo == hi:
            x[:] = zero
            continue
        r = np.empty(k, X.dtype)
        p = np.empty(k, X.dtype)
        ap = np.empty(k, X.dtype)
        _residual(lo, hi, indices, w, b, Y, ridge[u], G, x, r)
        rs = zero
        for a in range(k):
            p[a] = r[a]
            rs += r[a] * r[a]
        for _ in range(steps):
            if rs < 1e-20:
                break
            _apply(lo, hi, indices, w, Y, ridge[u], G, p, ap)
            pap = zero
            for a in range(k):
                pap += p[a] * ap[a]
            if pap <= zero:
                break
            alpha = rs / pap
            rs_new = zero
            for a in range(k):
                x[a] += alpha * p[a]
                r[a] -= alpha * ap[a]
                rs_new += r[a] * r[a]
            beta = rs_new / rs
            for a in range(k):
                p[a] = r[a] + beta * p[a]
            rs = rs_new


def _apply_py(lo, hi, indices, w, Y, ridge, G, v, out):  # pragma: no cover - compiled
    """out = (G + sum_e w_e y_e y_e^T + diag(ridge)) v for one row."""
    k = v.shape[0]
    zero = v.dtype.type(0)
    for a in range(k):
        s = zero
        for c in range(k):
            s += G[a, c] * v[c]
        out[a] = s + ridge[a] * v[a]
    for e in range(lo, hi):
        j = indices[e]
        d = zero
        for a in range(k):
            d += Y[j, a] * v[a]
        d *= w[e]
        for a in range(k):
            out[a] += d * Y[j, a]


def _residual_py(lo, hi, indices, w, b, Y, ridge, G, x, r):  # pragma: no cover - compiled
    """r = sum_e b_e y_e - (G + sum_e w_e y_e y_e^T + diag(ridge)) x, one pass over the row."""
    k = x.shape[0]
    zero = x.dtype.type(0)
    for a in range(k):
        s = zero
        for c in range(k):
            s += G[a, c] * x[c]
        r[a] = -s - ridge[a] * x[a]
    for e in range(lo, hi):
        j = indices[e]
        d = zero
        for a in range(k):
            d += Y[j, a] * x[a]
        coef = b[e] - w[e] * d
        for a in range(k):
            r[a] += coef * Y[j, a]


_residual = nb.njit(cache=True, fastmath=True, nogil=True)(_residual_py)
_apply = nb.njit(cache=True, fastmath=True, nogil=True)(_apply_py)
#: one thread, like training's BLAS: numba's thread pool measured no faster on the shared
#: 2-core machine (ML-1M-sized fit 0.77 s serial vs 0.77 s parallel)
cg_rows = nb.njit(cache=True, fastmath=True, nogil=True)(_cg_rows)
