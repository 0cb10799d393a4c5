"""Item- and user-based k-NN on a checkerboard with known answers."""
import numpy as np
import pytest

from models.errors import PredictionImpossible, UnknownUser
from models.recommenders.knn import ItemKNN, top_neighbours
from models.recommenders.userknn import UserKNN
from tests.factories import checkerboard, make_catalog, make_ratings

N = 8


def held_out():
    """Checkerboard minus user 0's ratings of items 0 (liked group) and 1 (disliked)."""
    full = checkerboard(N, N)
    keep = ~((full.users == 0) & np.isin(full.items, [0, 1]))
    return full.subset(keep), make_catalog([f"m{i}" for i in range(N)])


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_predicts_the_held_out_ratings(cls):
    r, cat = held_out()
    m = cls(k=4, damping=1.0).fit(r, cat)
    pred = m.predict(np.array([0, 0]), np.array([0, 1]))
    assert pred[0] > 4.0 and pred[1] < 2.0
    assert np.all((pred >= 1) & (pred <= 5))


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_ranks_the_liked_group_first(cls):
    r, cat = held_out()
    m = cls(k=4, damping=1.0).fit(r, cat)
    rated = r.user_items(0)[0]
    idx, _ = m.recommend(0, 2, exclude=rated)
    assert idx[0] == 0  # the held-out even item beats the held-out odd item


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_neighbour_lists_are_sparse_and_bounded(cls):
    r, cat = held_out()
    m = cls(k=3, damping=1.0).fit(r, cat)
    per_row = np.diff(m.sim.indptr)
    assert per_row.max() <= 3 and m.sim.diagonal().sum() == 0
    assert (m.sim.data > 0).all()


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_unknown_user_and_empty_profile(cls):
    r, cat = held_out()
    m = cls(k=4).fit(r, cat)
    with pytest.raises(UnknownUser):
        m.recommend(N + 5, 3)
    with pytest.raises(PredictionImpossible):
        m.score_profile(np.array([], int), np.array([]))


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_fold_in_profile(cls):
    r, cat = held_out()
    m = cls(k=4, damping=1.0).fit(r, cat)
    # a newcomer who loves items 2 and 4 and hates 3: even items should come first
    scores = m.score_profile(np.array([2, 3, 4]), np.array([5.0, 1.0, 5.0]))
    idx, _ = m.recommend(profile=(np.array([2, 3, 4]), np.array([5.0, 1.0, 5.0])), k=2,
                         exclude=np.array([2, 3, 4]))
    assert set(idx.tolist()) <= {0, 6} and scores.shape == (N,)


def test_item_knn_fold_in_predictions_and_similarity():
    r, cat = held_out()
    m = ItemKNN(k=4, damping=1.0).fit(r, cat)
    pred = m.predict_profile(np.array([2, 3]), np.array([5.0, 1.0]))
    assert pred[4] > 4 and pred[5] < 2
    sim = m.item_similarity(0)
    assert sim[0] == 0 and (sim[[2, 4, 6]] > 0).all() and (sim[[1, 3, 5, 7]] == 0).all()


@pytest.mark.parametrize("cls", [ItemKNN, UserKNN])
def test_save_load_round_trip(cls, tmp_path):
    r, cat = held_out()
    m = cls(k=3, damping=2.0).fit(r, cat)
    back = cls.load(m.save(tmp_path / "knn.npz"))
    assert (back.k, back.damping) == (3, 2.0)
    users = np.arange(r.n_users)
    np.testing.assert_array_equal(back.score_users(users), m.score_users(users))
    np.testing.assert_array_equal(back.predict(users, users % N), m.predict(users, users % N))


def test_top_neighbours_matches_dense_reference():
    rng = np.random.default_rng(0)
    import scipy.sparse as sp
    v = sp.random(50, 30, density=0.2, random_state=1, format="csr", dtype=np.float64)
    v.data -= 0.5
    s = top_neighbours(v, 5).toarray()
    dense = (v @ v.T).toarray()
    np.fill_diagonal(dense, 0)
    for i in range(50):
        kth = np.sort(dense[i])[::-1][4]
        kept = np.flatnonzero(s[i])
        assert len(kept) <= 5 and (dense[i, kept] >= kth - 1e-12).all()
        np.testing.assert_allclose(s[i, kept], dense[i, kept], rtol=1e-5)


def test_cold_item_falls_back_to_its_prior():
    rows = [(0, 0, 5), (1, 0, 4), (0, 1, 2)]
    r = make_ratings(rows, 3)  # item 2 has no ratings
    m = ItemKNN().fit(r, make_catalog(["a", "b", "c"]))
    mu = np.mean([5, 4, 2])
    assert m.predict(np.array([0]), np.array([2]))[0] == pytest.approx(mu)


def test_user_neighbours_found_at_scoring_time_are_the_precomputed_ones(monkeypatch, tmp_path):
    """Above userknn.PRECOMPUTE_WORK the graph is searched per scored user: the same
    neighbours, so the same scores and predictions, and it survives save/load."""
    from models.recommenders import userknn
    rng = np.random.default_rng(3)
    rows = {(int(u), int(i)): float(rng.integers(1, 6)) for u, i in rng.integers(0, 30, (400, 2))}
    r = make_ratings([(u, i, v) for (u, i), v in rows.items()], 30)
    cat = make_catalog([f"m{i}" for i in range(30)])
    full = UserKNN(k=5).fit(r, cat)
    monkeypatch.setattr(userknn, "PRECOMPUTE_WORK", 0)
    lazy = UserKNN(k=5).fit(r, cat)
    assert full.precomputed and not lazy.precomputed and lazy.sim.nnz == 0
    users = np.arange(r.n_users)
    np.testing.assert_allclose(lazy.neighbours(users).toarray(), full.sim.toarray(), rtol=1e-6)
    np.testing.assert_allclose(lazy.score_users(users), full.score_users(users), rtol=1e-5)
    np.testing.assert_allclose(lazy.predict(r.users, r.items), full.predict(r.users, r.items))
    back = UserKNN.load(lazy.save(tmp_path / "u.npz"))
    assert not back.precomputed
    np.testing.assert_allclose(back.score_users(users[:3]), full.score_users(users[:3]), rtol=1e-5)
