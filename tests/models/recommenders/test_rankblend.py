"""rank-blend: EASE on recency-weighted histories + implicit MF, tuned on validation."""
import logging

import numpy as np
import pytest

from models.recommenders.rankblend import RankBlend, recency_age, recency_weights
from tests.factories import make_catalog, make_ratings

N_ITEMS = 24
CAT = make_catalog([f"m{i}" for i in range(N_ITEMS)])
GROUPS = [range(g * 6, g * 6 + 6) for g in range(4)]  # four tastes of six films


def taste(u):
    """User u's (earlier, later) taste groups: every ordered pair of two groups."""
    pairs = [(a, b) for a in range(4) for b in range(4) if a != b]
    return pairs[u % len(pairs)]


def two_phase(n_users=72, seed=0):
    """Every user first rated 4 films of one taste, then (later) 3 of another: what
    they rate next follows the later taste."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        first, later = taste(u)
        for t, i in enumerate(rng.choice(GROUPS[first], 4, replace=False)):
            rows.append((u, i, 5.0, 1000 * u + t))
        for t, i in enumerate(rng.choice(GROUPS[later], 3, replace=False)):
            rows.append((u, i, 5.0, 1000 * u + 100 + t))
    return make_ratings(rows, N_ITEMS)


def test_recency_weights_favour_the_latest_ratings():
    r = make_ratings([(0, 0, 5, 30), (0, 1, 5, 10), (0, 2, 5, 20), (1, 0, 3, 5)], 3)
    w = recency_weights(recency_age(r), tau=1.0, boost=2.0)
    np.testing.assert_allclose(w, [3.0, 1 + 2 * np.exp(-2), 1 + 2 * np.exp(-1), 3.0])


def test_recent_taste_wins_over_the_larger_old_one():
    """Users 0-71 have one taste each; user 72 rated 5 films of taste 0 long ago and 2
    of taste 1 lately. Without recency the larger taste wins; with it, the recent one."""
    rows = [(u, i, 5.0, 0) for u in range(72) for i in GROUPS[u % 4]]
    rows += [(72, i, 5.0, t) for t, i in enumerate([0, 1, 2, 3, 4])]
    rows += [(72, i, 5.0, 100 + t) for t, i in enumerate([6, 7])]
    data = make_ratings(rows, N_ITEMS)
    seen = np.array([0, 1, 2, 3, 4, 6, 7])
    plain = RankBlend(tune=False, recency_boost=0.0, ials_weight=0.0, ease_reg=10.0)
    recent = RankBlend(tune=False, recency_boost=10.0, recency_tau=2.0, ials_weight=0.0,
                       ease_reg=10.0)
    assert plain.fit(data, CAT).recommend(72, 1, exclude=seen)[0].tolist() == [5]
    assert set(recent.fit(data, CAT).recommend(72, 4, exclude=seen)[0].tolist()) == {8, 9, 10, 11}


def test_tuned_settings_come_from_the_grid_and_are_kept(tmp_path):
    m = RankBlend().fit(two_phase(), CAT)
    chosen = m.describe()
    assert chosen["fallback"] is None and np.isfinite(chosen["validation_score"])
    assert m.ease_reg in RankBlend.EASE_REGS
    assert (m.recency_tau, m.recency_boost) in RankBlend.RECENCY
    back = RankBlend.load(m.save(tmp_path / "rb.npz"))
    assert back.describe() == chosen and back.ease_reg == m.ease_reg
    np.testing.assert_allclose(back.score_users(np.arange(4)), m.score_users(np.arange(4)))


def test_too_small_to_tune_keeps_defaults_with_a_warning(caplog):
    """A user with one rating, an item nobody rated: no crash, no NaN, a warning."""
    tiny = make_ratings([(0, 0, 5, 1), (1, 0, 4, 2), (1, 1, 2, 3), (2, 2, 5, 4)], 4)
    with caplog.at_level(logging.WARNING, logger="models.solvers.tuning"):
        m = RankBlend().fit(tiny, make_catalog(["a", "b", "c", "d"]))
    assert "defaults" in caplog.text and m.describe()["fallback"]
    assert m.ease_reg == RankBlend().ease_reg
    assert np.isfinite(m.score_users(np.arange(3))).all()
    assert np.isfinite(m.score_profile(np.array([0, 3]), np.array([5.0, 1.0]))).all()
    assert np.isfinite(m.score_profile(np.array([], int), np.array([]))).all()
