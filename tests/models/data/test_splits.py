"""The time split on a hand-made case and k-fold partitioning."""
import numpy as np

from models.data.splits import kfold, time_split
from tests.factories import make_ratings


def _pairs(r):
    return sorted(zip(r.users.tolist(), r.items.tolist()))


def test_time_split_hand_made():
    rows = [  # user 0: five ratings, a timestamp tie at 3 broken by item index
        (0, 4, 5, 5), (0, 1, 4, 1), (0, 3, 3, 3), (0, 2, 2, 3), (0, 0, 1, 2),
        (1, 0, 5, 10), (1, 1, 4, 20),  # user 1: floor(1.6) = 1 train
        (2, 3, 4, 7),                  # user 2: floor(0.8) = 0 train
    ]
    train, test = time_split(make_ratings(rows, 5))
    # user 0 order: item1(t1), item0(t2), item2(t3), item3(t3), item4(t5)
    assert _pairs(train) == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    assert _pairs(test) == [(0, 4), (1, 1), (2, 3)]


def test_time_split_tie_uses_item_index():
    train, test = time_split(make_ratings([(0, 2, 5, 1), (0, 1, 5, 1)], 3), 0.5)
    assert _pairs(train) == [(0, 1)] and _pairs(test) == [(0, 2)]


def test_kfold_partitions_every_rating_once():
    rows = [(u, i, 1 + (u + i) % 5) for u in range(6) for i in range(7)]
    r = make_ratings(rows, 7)
    seen = []
    for train, test in kfold(r, 5, seed=1):
        assert len(train) + len(test) == len(r)
        assert not set(_pairs(train)) & set(_pairs(test))
        seen += _pairs(test)
    assert sorted(seen) == _pairs(r)
    first = [_pairs(t) for _, t in kfold(r, 5, seed=1)]
    assert first == [_pairs(t) for _, t in kfold(r, 5, seed=1)]  # deterministic per seed
