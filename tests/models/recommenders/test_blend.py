"""`blend`: the rating models blended with weights learned on a holdout of train."""
import logging

import numpy as np
import pytest

from models.recommenders.blend import RatingBlend
from models.recommenders.factorization import BiasedMF
from tests.factories import make_catalog, make_ratings

N_USERS, N_ITEMS = 60, 40
CAT = make_catalog([f"m{i}" for i in range(N_ITEMS)])


def low_rank(seed=0, per_user=20):
    """Ratings from user/item biases plus a rank-2 taste, rounded to 1..5."""
    rng = np.random.default_rng(seed)
    bu, bi = rng.normal(0, 0.5, N_USERS), rng.normal(0, 0.5, N_ITEMS)
    pu, qi = rng.normal(0, 0.8, (N_USERS, 2)), rng.normal(0, 0.8, (N_ITEMS, 2))
    rows = []
    for u in range(N_USERS):
        for i in rng.choice(N_ITEMS, per_user, replace=False):
            r = 3.5 + bu[u] + bi[i] + pu[u] @ qi[i] + rng.normal(0, 0.3)
            rows.append((u, i, float(np.clip(np.round(r), 1, 5)), u * 100 + int(i)))
    return make_ratings(rows, N_ITEMS)


@pytest.fixture(scope="module")
def blend():
    return RatingBlend().fit(low_rank(), CAT)


def test_weights_come_from_the_holdout_and_beat_mf_there(blend):
    v = blend.describe()
    assert v["ratings"] == len(low_rank()) // 5
    assert v["rmse"] <= v["rmse_mf"]


def test_predictions_stay_on_the_scale_and_are_finite(blend):
    users = np.array([0, 5, 59, -1, 0])
    items = np.array([0, 39, 3, 2, -1])  # -1: unknown user / item
    p = blend.predict(users, items)
    assert np.isfinite(p).all() and (p >= 1).all() and (p <= 5).all()


def test_save_load_round_trip(blend, tmp_path):
    back = RatingBlend.load(blend.save(tmp_path / "blend.npz"))
    u, i = np.arange(10), np.arange(10)
    np.testing.assert_allclose(back.predict(u, i), blend.predict(u, i))
    assert back.describe() == blend.describe()


def test_too_small_for_a_holdout_is_mf_alone_with_a_warning(caplog):
    tiny = make_ratings([(0, 0, 5, 1), (1, 0, 4, 2), (1, 1, 2, 3), (2, 2, 5, 4)], 4)
    cat = make_catalog(["a", "b", "c", "d"])
    with caplog.at_level(logging.WARNING, logger="models.solvers.tuning"):
        m = RatingBlend().fit(tiny, cat)
    assert "defaults" in caplog.text and m.describe()["fallback"]
    u, i = np.array([0, 1, 2, 0]), np.array([0, 1, 2, 3])  # item 3: nobody rated it
    np.testing.assert_allclose(m.predict(u, i), BiasedMF().fit(tiny, cat).predict(u, i))
    assert np.isfinite(m.score_users(np.arange(3))).all()


def test_score_users_is_predict_for_every_item(blend):
    users = np.array([0, 7, 59])
    want = np.stack([blend.predict(np.full(N_ITEMS, u), np.arange(N_ITEMS)) for u in users])
    np.testing.assert_allclose(blend.score_users(users), want, rtol=1e-5, atol=1e-5)
