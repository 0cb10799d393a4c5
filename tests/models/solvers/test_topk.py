"""The top-k sparse product (models/solvers/topk.py): the compiled search keeps exactly
the k best positive entries of each row of A @ B, as the dense reference does."""
import numpy as np
import pytest
import scipy.sparse as sp

from models.solvers import topk


def signed_random(n_rows, n_cols, density, seed):
    m = sp.random(n_rows, n_cols, density=density, random_state=seed, format="csr",
                  dtype=np.float32)
    m.data = np.random.default_rng(seed).normal(size=m.nnz).astype(np.float32)
    return m


@pytest.mark.parametrize("k,shape,density", [
    (1, (300, 80), 0.1), (7, (300, 80), 0.1), (60, (300, 80), 0.1), (400, (300, 80), 0.1),
    (5, (300, 3000), 0.004)])  # the last: rows touching few columns (the listed way)
def test_compiled_search_equals_the_dense_reference(k, shape, density):
    a = signed_random(*shape, density, 1)
    b = a.T.tocsr()
    rows = np.arange(300)
    idx, val = topk.top_k_product(a, b, k)          # 300 rows: two parallel chunks of 256
    ref_idx, ref_val = topk.top_k_dense(a, b, min(k, 300), rows)
    np.testing.assert_allclose(val[:, :ref_val.shape[1]], ref_val, rtol=1e-5, atol=1e-6)
    dense = (a @ b).toarray()
    np.fill_diagonal(dense, 0)
    for r in range(300):
        kept = idx[r][idx[r] >= 0]
        positive = np.sort(dense[r][dense[r] > 0])[::-1]
        assert len(kept) == min(k, len(positive))           # every positive one, up to k
        np.testing.assert_allclose(val[r, :len(kept)], positive[:len(kept)], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(dense[r, kept], val[r, :len(kept)], rtol=1e-5, atol=1e-6)
        assert r not in kept and (val[r, len(kept):] == 0).all()


def test_some_rows_of_a_rectangular_product():
    a, b = signed_random(40, 30, 0.3, 2), signed_random(30, 500, 0.2, 3)
    rows = np.array([5, 0, 39, 5])
    idx, val = topk.top_k_product(a, b, 3, rows=rows, skip_self=False)
    dense = (a @ b).toarray()
    for t, r in enumerate(rows):
        np.testing.assert_allclose(val[t], np.sort(dense[r])[::-1][:3], rtol=1e-5)
    m = topk.to_csr(idx, val, None, (4, 500))
    np.testing.assert_allclose(m.toarray()[0], m.toarray()[3])   # the same row twice


def test_work_counts_the_multiply_adds():
    a, b = signed_random(20, 10, 0.5, 4), signed_random(10, 15, 0.5, 5)
    expected = sum(np.diff(b.indptr)[j] for j in a.indices)
    assert topk.product_work(a, b) == expected
    assert topk.product_work(a, b, rows=[0]) == sum(np.diff(b.indptr)[a.indices[:a.indptr[1]]])
