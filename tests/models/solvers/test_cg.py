"""Conjugate-gradient ALS steps (models/solvers/cg.py, models/solvers/kernels.py) against the exact solve."""
import numpy as np
import pytest
import scipy.sparse as sp

from models.solvers.als import solve_rows
from models.solvers.cg import cg_rows, sampled_dots

K = 3
# 4 rows x 5 columns; row 2 has no entries
M = sp.csr_matrix(np.array([[1, 0, 2, 0, 1],
                            [0, 3, 0, 1, 0],
                            [0, 0, 0, 0, 0],
                            [2, 1, 1, 1, 0]], dtype=np.float64))
Y = np.array([[1.0, 0.5, 0.0], [0.2, 1.0, -0.3], [0.0, 0.4, 1.0],
              [0.7, -0.2, 0.3], [0.1, 0.1, 0.9]])
REG = np.array([0.5, 1.0, 0.3, 2.0])
DIAG = np.array([0.1, 1.0, 1.0])
G0 = 0.3 * Y.T @ Y


def exact(w, b, G0=None, reg_diag=None):
    """x_r = (G0 + sum_j w y y^T + reg_r diag(d))^-1 sum_j b y, solved row by row."""
    d = np.ones(K) if reg_diag is None else reg_diag
    X = np.zeros((M.shape[0], K))
    for r in range(M.shape[0]):
        lo, hi = M.indptr[r], M.indptr[r + 1]
        if lo == hi:
            continue
        Yr = Y[M.indices[lo:hi]]
        A = (Yr * w[lo:hi, None]).T @ Yr + REG[r] * np.diag(d) + (0 if G0 is None else G0)
        X[r] = np.linalg.solve(A, Yr.T @ b[lo:hi])
    return X


def run(compiled, w, b, X0, steps, **kw):
    return cg_rows(M.indptr, M.indices, w, b, Y, REG, X0, steps, compiled=compiled, **kw)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("implicit", [True, False])
def test_k_steps_from_zero_reach_the_exact_solution(compiled, implicit):
    """CG on a k x k SPD system is exact after k steps (in exact arithmetic)."""
    if implicit:  # confidence weights, b = 1 + w, shared Gram term
        w = 2.0 * M.data
        b, kw = 1.0 + w, {"G0": G0}
    else:  # explicit MF: unit weights, b = the rating, a per-factor ridge
        w, b, kw = None, M.data.copy(), {"reg_diag": DIAG}
    want = exact(np.ones(M.nnz) if w is None else w, b, kw.get("G0"), kw.get("reg_diag"))
    got = run(compiled, w, b, np.zeros((4, K)), K, **kw)
    np.testing.assert_allclose(got, want, atol=1e-8)
    assert np.all(got[2] == 0)  # no entries: zero, as the exact solver


@pytest.mark.parametrize("compiled", [True, False])
def test_warm_start_at_the_answer_stays_there(compiled):
    w = 2.0 * M.data
    want = exact(w, 1.0 + w, G0)
    got = run(compiled, w, 1.0 + w, want, 2, G0=G0)
    np.testing.assert_allclose(got, want, atol=1e-10)


@pytest.mark.parametrize("compiled", [True, False])
def test_each_step_lowers_the_error_and_matches_solve_rows(compiled):
    w = 2.0 * M.data
    want = solve_rows(M.indptr.astype(np.int64), M.indices, w, 1.0 + w, Y, REG, G0=G0)
    np.testing.assert_allclose(want, exact(w, 1.0 + w, G0), atol=1e-10)
    errors = [np.abs(run(compiled, w, 1.0 + w, np.zeros((4, K)), s, G0=G0) - want).max()
              for s in range(K + 1)]
    assert all(a > b for a, b in zip(errors, errors[1:]))


def test_compiled_and_numpy_paths_agree_in_float32():
    rng = np.random.default_rng(0)
    m = sp.random(50, 40, density=0.2, random_state=1, format="csr")
    Yf = rng.normal(size=(40, 8)).astype(np.float32)
    X0 = rng.normal(size=(50, 8)).astype(np.float32)
    w = (1 + m.data).astype(np.float32)
    args = (m.indptr, m.indices, w, 1 + w, Yf, np.ones(50), X0, 3)
    a = cg_rows(*args, G0=Yf.T @ Yf, compiled=True)
    b = cg_rows(*args, G0=Yf.T @ Yf, compiled=False)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("density", [0.5, 0.001])
def test_sampled_dots_dense_and_gathered_paths(density):
    """p_r . y_j at every stored cell, whether from dense blocks or gathered rows."""
    rng = np.random.default_rng(2)
    m = sp.random(30, 200, density=density, random_state=3, format="csr")
    P, Yr = rng.normal(size=(30, 4)), rng.normal(size=(200, 4))
    rows = np.repeat(np.arange(30), np.diff(m.indptr))
    np.testing.assert_allclose(sampled_dots(P, Yr, m.indptr, m.indices),
                               (P[rows] * Yr[m.indices]).sum(axis=1))
