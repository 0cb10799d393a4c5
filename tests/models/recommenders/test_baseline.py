"""Baseline μ + b_u + b_i: exact recovery, cold cases, fold-in, persistence."""
import numpy as np
import pytest

from models.errors import UnknownUser
from models.recommenders.baseline import Baseline
from tests.factories import make_catalog, make_ratings

# ratings = 3 + user offset + item offset exactly, cell (0, 0) held out
U_OFF, I_OFF = [1.0, 0.0, -1.0, 0.5], [0.5, -0.5, 0.0, 1.0, -1.0]


def _data():
    rows = [(u, i, 3 + U_OFF[u] + I_OFF[i]) for u in range(4) for i in range(5)
            if (u, i) != (0, 0)]
    return make_catalog([f"m{i}" for i in range(6)]), make_ratings(rows, 6)  # item 5: cold


@pytest.fixture(scope="module")
def model():
    cat, r = _data()
    return Baseline(reg_u=1e-4, reg_i=1e-4, n_iter=200).fit(r, cat)


def test_recovers_held_out_cell(model):
    # truth 3 + 1 + 0.5 = 4.5; biases are identified up to the held-out cell's data
    assert model.predict(np.array([0]), np.array([0]))[0] == pytest.approx(4.5, abs=0.05)


def test_ranks_by_item_bias(model):
    items, _ = model.recommend(1, k=3)
    assert items.tolist()[:2] == [3, 0]  # item offsets 1.0 and 0.5


def test_unknown_user_and_cold_item(model):
    mu = model.mu
    # unknown user (index out of range) gets μ + b_i; the cold item gets μ + b_u
    assert model.predict(np.array([99]), np.array([3]))[0] == pytest.approx(mu + model.item_bias[3])
    assert model.item_bias[5] == 0.0
    assert model.predict(np.array([0]), np.array([5]))[0] == pytest.approx(mu + model.user_bias[0])
    with pytest.raises(UnknownUser):
        model.recommend(99)


def test_fold_in_high_rater_scores_higher(model):
    hi = model.score_profile(np.array([1, 2]), np.array([5.0, 5.0]))
    lo = model.score_profile(np.array([1, 2]), np.array([1.0, 1.0]))
    assert np.all(hi > lo)
    assert np.argmax(hi) == 3


def test_save_load_round_trip(model, tmp_path):
    again = Baseline.load(model.save(tmp_path / "b.npz"))
    users = np.arange(4)
    np.testing.assert_array_equal(again.score_users(users), model.score_users(users))
    assert again.reg_u == model.reg_u
