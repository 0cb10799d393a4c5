"""Metric functions against hand-computed cases."""
import math

import numpy as np
import pytest

from models.eval import metrics as M


def test_rmse_mae():
    assert M.rmse([1, 2], [2, 4]) == pytest.approx(math.sqrt(2.5))
    assert M.mae([1, 2], [2, 4]) == pytest.approx(1.5)


# ranked [1,2,3,4,5], relevant {2,5,9}: hits at ranks 2 and 5
RANKED, REL = [1, 2, 3, 4, 5], {2, 5, 9}


def test_precision_recall_hit():
    assert M.precision_at_k(RANKED, REL, 5) == pytest.approx(2 / 5)
    assert M.recall_at_k(RANKED, REL, 5) == pytest.approx(2 / 3)
    assert M.hit_rate_at_k(RANKED, REL, 5) == 1.0
    assert M.hit_rate_at_k(RANKED, REL, 1) == 0.0


def test_ndcg_hand_computed():
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert M.ndcg_at_k(RANKED, REL, 5) == pytest.approx(dcg / idcg)
    # IDCG over min(|rel|, k): one relevant item at rank 1 is perfect
    assert M.ndcg_at_k([7, 1], {7}, 10) == pytest.approx(1.0)
    assert M.ndcg_at_k([1, 2], set(), 10) == 0.0


def test_map_and_mrr():
    assert M.average_precision_at_k(RANKED, REL, 5) == pytest.approx((1 / 2 + 2 / 5) / 3)
    assert M.average_precision_at_k(RANKED, {9}, 5) == 0.0
    assert M.reciprocal_rank(RANKED, REL) == pytest.approx(1 / 2)
    assert M.reciprocal_rank(RANKED, {9}) == 0.0


def test_coverage_and_novelty():
    assert M.coverage([[0, 1], [1, 2]], 10) == pytest.approx(0.3)
    assert M.coverage([], 10) == 0.0
    pop = np.array([4, 2, 1, 0])
    # p = [1, 0.5]: self-information 0 and 1 bit
    assert M.novelty([[0, 1]], pop, 4) == pytest.approx(0.5)
    # an item nobody rated counts as rated by one user: -log2(1/4) = 2 bits
    assert M.novelty([[3]], pop, 4) == pytest.approx(2.0)
