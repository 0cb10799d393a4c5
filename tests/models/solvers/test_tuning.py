"""Settings chosen on an inner validation split of the training data only."""
import logging

import numpy as np
import pytest

from models.data.splits import time_split
from models.eval.protocols import evaluate_split, topn_metrics
from models.solvers.tuning import (
    Choice,
    RankingValidation,
    TooSmallToTune,
    choose,
    grid,
    inner_split,
)
from tests.factories import make_catalog, make_ratings
from tests.models.recommenders.test_blend import low_rank


def test_grid_is_every_combination_in_order():
    assert grid(a=[1, 2], b=["x"]) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_choose_takes_the_best_finite_score_first_of_ties():
    pick = choose(grid(w=[0, 1, 2, 3]), lambda p: {0: 0.1, 1: 0.5, 2: 0.5, 3: np.nan}[p["w"]],
                  {"w": 0})
    assert pick.params == {"w": 1} and pick.score == 0.5 and pick.fallback is None


def test_choose_falls_back_to_defaults_with_a_warning(caplog):
    def too_small(_):
        raise TooSmallToTune("one user")
    with caplog.at_level(logging.WARNING, logger="models.solvers.tuning"):
        pick = choose(grid(w=[1, 2]), too_small, {"w": 7}, "demo")
    assert pick == Choice({"w": 7}, fallback="one user")
    assert "demo" in caplog.text and "defaults" in caplog.text
    nan = choose(grid(w=[1]), lambda p: float("nan"), {"w": 7})
    assert nan.params == {"w": 7} and nan.fallback


def test_inner_split_refuses_tiny_data():
    tiny = make_ratings([(0, 0, 5.0, 1), (1, 1, 4.0, 2), (1, 0, 5.0, 3)], 2)
    with pytest.raises(TooSmallToTune):
        inner_split(tiny, "time")
    with pytest.raises(TooSmallToTune):
        inner_split(tiny, "random")


def test_ranking_validation_matches_the_protocol(ml100k_small):
    """The vectorized NDCG used for tuning equals models.eval.protocols' NDCG."""
    train, test = time_split(ml100k_small)

    class Fixed:  # deterministic scores with ties
        def score_users(self, users):
            rng = np.random.default_rng(0)
            return np.round(rng.random((len(users), train.n_items)), 1)

    check = RankingValidation(train, test)
    scores = Fixed().score_users(check.users)
    want = topn_metrics(_Rows(check.users, scores), train, test)[0]["ndcg@10"]
    assert check.ndcg(scores) == pytest.approx(want, abs=1e-12)


class _Rows:
    """score_users over a fixed (users -> row) table."""

    def __init__(self, users, scores):
        self.row = {int(u): s for u, s in zip(users, scores)}

    def score_users(self, users):
        return np.stack([self.row[int(u)] for u in users])


@pytest.fixture(scope="module")
def ml100k_small():
    """40 users x 30 items with timestamps: enough for a time split with relevant items."""
    rng = np.random.default_rng(1)
    rows = [(u, i, float(rng.integers(1, 6)), int(rng.integers(0, 10**6)))
            for u in range(40) for i in rng.choice(30, 12, replace=False)]
    return make_ratings(rows, 30)


@pytest.mark.parametrize("name", ["rank-blend", "blend"])
def test_the_test_split_cannot_change_a_chosen_setting(name):
    """Same training part, two very different test parts: the same choice. (Models
    tune inside `fit`, which only ever receives the training part.)"""
    data = low_rank()
    train, test = time_split(data)
    flipped = make_ratings(zip(test.users, (test.items + 7) % data.n_items, 6 - test.values,
                               test.timestamps), data.n_items)
    cat = make_catalog([f"m{i}" for i in range(data.n_items)])
    kept = [{}, {}]
    for store, t in zip(kept, (test, flipped)):
        evaluate_split([name], train, t, cat, keep_models=store)
    first, second = kept[0][name].describe(), kept[1][name].describe()
    assert first == second and not first.get("fallback")
