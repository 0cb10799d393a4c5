"""BiasedMF, RankingMF, the blocked ALS solver and EASE on tiny known-answer data."""

import numpy as np
import pytest

from models.errors import UnknownUser
from models.recommenders.ease import fit_ease
from models.recommenders.factorization import BiasedMF, RankingMF
from models.solvers.als import solve_rows
from tests.factories import checkerboard, make_catalog, make_ratings

N = 8
CAT = make_catalog([f"m{i}" for i in range(N + 1)])  # item N is never rated (cold)


def _held_out_checkerboard():
    """Checkerboard ratings without (0,0) [truth 5] and (1,0) [truth 1]."""
    r = checkerboard(N, N)
    keep = ~(((r.users == 0) | (r.users == 1)) & (r.items == 0))
    r = r.subset(keep)
    return make_ratings(zip(r.users, r.items, r.values, r.timestamps), N + 1)


def _watch_blocks():
    """Implicit checkerboard: even users watched (5 stars) even items, odd users odd
    items. User 0 has not seen item 6: it must be user 0's top recommendation."""
    rows = [(u, i, 5.0) for u in range(N) for i in range(N)
            if u % 2 == i % 2 and (u, i) != (0, 6)]
    return make_ratings(rows, N + 1)


@pytest.fixture(scope="module")
def mf():
    return BiasedMF(factors=4, reg=0.05, reg_bias=0.05, n_iter=30).fit(_held_out_checkerboard(), CAT)


@pytest.fixture(scope="module")
def rank():
    return RankingMF(factors=4, reg=0.05, n_iter=15).fit(_watch_blocks(), CAT)


def test_mf_predicts_held_out_cells_on_correct_side(mf):
    p = mf.predict(np.array([0, 1]), np.array([0, 0]))
    assert p[0] > 4.0 and p[1] < 2.0


def test_mf_fold_in_follows_taste(mf):
    items = np.array([2, 3, 4, 5])
    s = mf.score_profile(items, np.array([5.0, 1.0, 5.0, 1.0]))  # an even-taste user
    assert s[[0, 6]].min() > s[[1, 7]].max()


def test_mf_unknown_user_and_cold_item(mf):
    mu = mf.mu
    assert mf.predict(np.array([99]), np.array([2]))[0] == pytest.approx(
        np.clip(mu + mf.item_bias[2], 1, 5))
    assert np.all(mf.item_factors[N] == 0) and mf.item_bias[N] == 0
    assert mf.predict(np.array([0]), np.array([N]))[0] == pytest.approx(mu + mf.user_bias[0])
    with pytest.raises(UnknownUser):
        mf.recommend(99)


def test_mf_similar_items_share_parity(mf):
    items, _ = mf.similar_items(2, k=3)
    assert all(i % 2 == 0 for i in items.tolist())


def test_rank_model_recommends_the_missing_block_item(rank):
    r = _watch_blocks()
    seen, _ = r.user_items(0)
    items, _ = rank.recommend(0, k=1, exclude=seen)
    assert items.tolist() == [6]


def test_rank_fold_in_and_empty_profile(rank):
    s = rank.score_profile(np.array([1, 3, 5]), np.array([5.0, 4.0, 5.0]))
    assert np.argmax(np.where(np.isin(np.arange(N + 1), [1, 3, 5]), -np.inf, s)) == 7
    empty = rank.score_profile(np.array([], int), np.array([]))
    assert empty.shape == (N + 1,) and empty[N] == 0.0  # cold item: no popularity


@pytest.mark.parametrize("cls,fixture", [(BiasedMF, "mf"), (RankingMF, "rank")])
def test_save_load_round_trip(cls, fixture, request, tmp_path):
    model = request.getfixturevalue(fixture)
    again = cls.load(model.save(tmp_path / "m.npz"))
    users = np.arange(N)
    np.testing.assert_array_equal(again.score_users(users), model.score_users(users))
    prof = (np.array([1, 2]), np.array([4.0, 2.0]))
    np.testing.assert_array_equal(again.score_profile(*prof), model.score_profile(*prof))


def test_solve_rows_matches_direct_solves():
    rng = np.random.default_rng(0)
    n_rows, n_cols, k = 40, 30, 5
    dense = rng.random((n_rows, n_cols)) < 0.3
    dense[3] = False  # an empty row
    indptr = np.r_[0, np.cumsum(dense.sum(1))].astype(np.int64)
    indices = np.nonzero(dense)[1].astype(np.int32)
    w, b = rng.random(len(indices)) + 0.5, rng.normal(size=len(indices))
    Y = rng.normal(size=(n_cols, k))
    reg = rng.random(n_rows) + 0.1
    G0 = 0.1 * Y.T @ Y
    X = solve_rows(indptr, indices, w, b, Y, reg, G0=G0)
    for r in range(n_rows):
        sl = slice(indptr[r], indptr[r + 1])
        Yr = Y[indices[sl]]
        A = G0 + (Yr * w[sl, None]).T @ Yr + reg[r] * np.eye(k)
        expect = np.linalg.solve(A, Yr.T @ b[sl]) if indptr[r + 1] > indptr[r] else np.zeros(k)
        np.testing.assert_allclose(X[r], expect, rtol=1e-6, atol=1e-9)


def test_ease_completes_the_block():
    r = _watch_blocks()
    B = fit_ease(r.csr(), 1.0)
    assert np.all(np.diag(B) == 0)
    s = np.asarray(r.csr()[0] @ B).ravel()
    s[r.user_items(0)[0]] = -np.inf
    assert int(np.argmax(s)) == 6
