"""The similar-route hybrid: content alone for unrated seeds, blended otherwise."""
import numpy as np
import pytest

from models.errors import PredictionImpossible
from models.recommenders.content import ContentModel
from models.recommenders.hybrid import HybridSimilar
from tests.factories import checkerboard, make_catalog, make_ratings

N = 8


def data(extra_item=True):
    """Checkerboard over 8 items with identical content, plus an unrated item 8."""
    r = checkerboard(N, N)
    n = N + 1 if extra_item else N
    rr = make_ratings(np.c_[r.users, r.items, r.values, r.timestamps], n)
    genres = [("Drama",)] * N + [("Horror",)] * (n - N)
    return rr, make_catalog([f"film {i}" for i in range(n)], [1990] * n, genres)


def test_rated_seed_uses_collaborative_evidence():
    r, cat = data()
    m = HybridSimilar().fit(r, cat)
    idx, _ = m.similar_items(0, 3)
    assert set(idx.tolist()) == {2, 4, 6}  # same taste group; content cannot tell
    assert 0 < float(m.collab_alpha(m.counts[0])) < m.collab_weight


def test_unrated_seed_uses_content_alone():
    r, cat = data()
    m = HybridSimilar().fit(r, cat)
    assert m.counts[8] == 0 and float(m.collab_alpha(0)) == 0
    content = ContentModel().fit(r, cat).item_similarity(8)
    hybrid = m.item_similarity(8)
    ref = content / content[np.arange(len(content)) != 8].max()
    np.testing.assert_allclose(hybrid, ref, rtol=1e-5)


def test_profile_for_recommend():
    r, cat = data()
    m = HybridSimilar().fit(r, cat)
    idx, _ = m.recommend(profile=(np.array([1, 3]), np.array([5.0, 5.0])), k=3,
                         exclude=np.array([1, 3]))
    assert set(idx.tolist()) == {5, 7} | (set(idx.tolist()) - {5, 7}) and {5, 7} <= set(idx.tolist())
    with pytest.raises(PredictionImpossible):
        m.score_profile(np.array([], int), np.array([]))
    scores = m.score_users(np.array([0]))
    assert scores.shape == (1, N + 1) and scores[0, 2] > scores[0, 1]


def test_score_users_is_the_profile_of_the_users_ratings():
    r, cat = data()
    m = HybridSimilar().fit(r, cat)
    for u in (0, 3):
        items, values = r.user_items(u)
        np.testing.assert_allclose(m.score_users(np.array([u]))[0],
                                   m.score_profile(items, values), rtol=1e-5, atol=1e-6)


def test_save_load_round_trip(tmp_path):
    r, cat = data()
    m = HybridSimilar(collab_weight=0.5, support=5).fit(r, cat)
    back = HybridSimilar.load(m.save(tmp_path / "h.npz"))
    assert (back.collab_weight, back.support) == (0.5, 5)
    for seed in (0, 8):
        np.testing.assert_array_equal(back.item_similarity(seed), m.item_similarity(seed))
    np.testing.assert_array_equal(back.score_users(np.arange(8)), m.score_users(np.arange(8)))


@pytest.mark.movielens
def test_star_wars_brings_empire_and_jedi_first(ml100k):
    catalog, ratings = ml100k
    m = HybridSimilar().fit(ratings, catalog)
    top, _ = m.similar_items(catalog.index_of(50), 2)
    assert set(top.tolist()) == {catalog.index_of(172), catalog.index_of(181)}
