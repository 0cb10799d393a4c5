"""MMR re-ranking (models/diversity.py) on a fixture with known near-duplicates."""
import numpy as np
import pytest

from models.diversity import choose_weight, intra_list_diversity, pool_size, rerank

# items 0-2 are near-duplicates (three versions of one musical), 3 and 4 are different
VECTORS = np.array([[1.0, 0.0, 0.0], [0.99, 0.1, 0.0], [0.98, 0.0, 0.1],
                    [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
CANDIDATES = np.array([0, 1, 2, 3, 4])
SCORES = np.array([1.0, 0.95, 0.9, 0.8, 0.7])


def test_weight_zero_keeps_the_order():
    assert rerank(CANDIDATES, SCORES, VECTORS, 3, 0.0).tolist() == [0, 1, 2]


def test_near_duplicates_give_way_to_different_films():
    out = rerank(CANDIDATES, SCORES, VECTORS, 3, 0.5)
    assert out.tolist() == [0, 3, 4]          # one of the near-duplicates, then variety
    assert rerank(CANDIDATES, SCORES, VECTORS, 5, 0.5).tolist()[:3] == [0, 3, 4]


def test_a_small_weight_only_breaks_near_ties():
    out = rerank(CANDIDATES, np.array([1.0, 0.5, 0.45, 0.44, 0.1]), VECTORS, 3, 0.1)
    assert out.tolist() == [0, 3, 1]  # 3 moves ahead of the near-duplicates; weak 4 stays out


def test_works_on_candidate_subsets_and_sparse_rows():
    import scipy.sparse as sp
    cands = np.array([4, 0, 1])
    out = rerank(cands, np.array([1.0, 0.9, 0.89]), sp.csr_matrix(VECTORS[cands]), 3, 0.5)
    assert out.tolist() == [4, 0, 1] and len(rerank(cands[:1], [1.0], VECTORS[:1], 5, 0.5)) == 1


def test_intra_list_diversity_known_values():
    vec = lambda items: VECTORS[items]  # noqa: E731
    assert intra_list_diversity([np.array([3, 4])], vec) == pytest.approx(1.0)
    same = intra_list_diversity([np.array([0, 1, 2])], vec)
    assert 0 < same < 0.02
    assert intra_list_diversity([np.array([0, 1, 2]), np.array([3, 4, -1])], vec) == \
        pytest.approx((same + 1.0) / 2)


def test_choose_weight_is_the_largest_within_the_drop():
    ndcg = {0.0: 0.200, 0.05: 0.1995, 0.1: 0.1985, 0.15: 0.197, 0.2: 0.19, 0.3: 0.2,
            0.4: 0.1, 0.5: 0.1}
    pick = choose_weight(lambda w: ndcg[w], 0.01, weights=(0.0, 0.05, 0.1, 0.15, 0.2))
    assert pick["weight"] == 0.1 and pick["ndcg_plain"] == 0.2
    assert pool_size(10) == 30 and pool_size(20) == 60


def test_batched_mmr_matches_one_list_at_a_time_with_padding():
    from models.diversity import cosines, mmr_order, mmr_orders, relevance
    rng = np.random.default_rng(0)
    rel = np.full((3, 6), -np.inf)
    sim = np.zeros((3, 6, 6))
    lists = []
    for r, m in enumerate((6, 4, 1)):               # lists of 6, 4 and 1 candidates
        v = rng.random((m, 3))
        rel[r, :m], sim[r, :m, :m] = relevance(rng.random(m)), cosines(v)
        lists.append((rel[r, :m], sim[r, :m, :m]))
    batch = mmr_orders(rel, sim, 5, 0.4)
    for r, (one_rel, one_sim) in enumerate(lists):
        one = mmr_order(one_rel, one_sim, 5, 0.4)
        assert batch[r, :len(one)].tolist() == one.tolist()
        assert (batch[r, len(one):] == -1).all()


def test_one_list_mmr_picks_what_the_batched_loop_picks():
    """mmr_order has its own 1-D loop (a chat turn's list): on random lists with tied
    scores, empty (-inf) slots, zero vectors and every weight it must pick exactly what
    mmr_orders picks for the same list."""
    from models.diversity import mmr_order, mmr_orders
    rng = np.random.default_rng(1)
    for trial in range(600):
        p = int(rng.integers(1, 40))
        rel = rng.random(p)
        if trial % 3 == 0:
            rel = np.round(rel, 1)                   # ties go to the earlier slot
        rel[int(rng.integers(0, p + 1)):] = -np.inf  # no candidate in the rest
        v = rng.random((p, 4))
        v[rng.random(p) < 0.2] = 0                   # zero rows: cosine 0
        g = v @ v.T
        norm = np.sqrt(np.diag(g))
        norm[norm == 0] = 1
        sim = g / norm[:, None] / norm[None]
        k, w = int(rng.integers(1, 15)), float(rng.choice([0.0, 0.05, 0.2, 0.5, 1.0]))
        batch = mmr_orders(rel[None], sim[None], k, w)[0]
        assert mmr_order(rel, sim, k, w).tolist() == batch[batch >= 0].tolist()


def test_relevance_scales_to_unit_range_and_zeroes_non_finite():
    from models.diversity import relevance
    assert relevance(np.array([1.0, 3.0, 2.0])).tolist() == [0.0, 1.0, 0.5]
    assert relevance(np.array([2.0, 2.0])).tolist() == [1.0, 1.0]
    assert relevance(np.array([1.0, np.nan, 3.0, -np.inf])).tolist() == [0.0, 0.0, 1.0, 0.0]
    assert relevance(np.array([np.nan])).tolist() == [0.0]
    assert relevance(np.empty(0)).tolist() == []
