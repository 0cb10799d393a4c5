"""TF-IDF content model: similarity from genres, titles, decades and KG links."""
import numpy as np
import pytest

from models.errors import PredictionImpossible
from models.recommenders.content import ContentModel, item_features, profile_weights
from tests.factories import make_catalog, make_ratings

TITLES = ["Space Saga", "Space Saga Returns", "Love in Paris", "Paris Nights",
          "Haunted House", "Haunted Night", "Lonely Film"]
GENRES = [("Sci-Fi", "Adventure"), ("Sci-Fi", "Adventure"), ("Romance",), ("Romance", "Comedy"),
          ("Horror",), ("Horror", "Thriller"), ("Drama",)]
YEARS = [1977, 1980, 1995, 1996, 1981, 1999, 2001]


def catalog(links=None):
    return make_catalog(TITLES, YEARS, GENRES, links=links)


def ratings():
    # items 5 and 6 are cold (nobody rated them)
    rows = [(0, 0, 5), (0, 2, 1), (1, 2, 5), (1, 3, 4), (2, 4, 5), (2, 1, 2)]
    return make_ratings(rows, len(TITLES))


def test_same_genres_and_title_words_rank_first():
    m = ContentModel().fit(ratings(), catalog())
    idx, _ = m.similar_items(0, 2)
    assert idx[0] == 1  # same genres, shared title words
    assert m.similar_items(2, 1)[0][0] == 3  # Romance + "Paris"


def test_cold_item_has_similarities():
    m = ContentModel().fit(ratings(), catalog())
    assert m.similar_items(5, 1)[0][0] == 4  # nobody rated item 5: content still works


def test_links_matter():
    links = [(), (), ("director:x", "actor:y"), (), (), ("director:x", "actor:y"), ()]
    without = ContentModel().fit(ratings(), catalog()).item_similarity(2)
    with_links = ContentModel().fit(ratings(), catalog(links)).item_similarity(2)
    assert with_links[5] > without[5] + 0.1
    assert with_links[3] < without[3]  # rows are renormalised: links share the weight


def test_rows_are_unit_norm_and_similarity_is_cosine():
    x = item_features(catalog())
    # item 6 shares no token with any other item: single-item tokens are dropped
    np.testing.assert_allclose(np.sqrt(x.multiply(x).sum(axis=1)).A.ravel(), [1] * 6 + [0],
                               atol=1e-6)
    m = ContentModel().fit(ratings(), catalog())
    assert m.item_similarity(3)[3] == pytest.approx(1.0, abs=1e-6)


def test_profile_cold_start_and_dislikes():
    m = ContentModel().fit(ratings(), catalog())
    liked = m.score_profile(np.array([4]), np.array([5.0]))
    assert np.argsort(-liked)[1] == 5  # after the seed itself: the other horror film
    disliked = m.score_profile(np.array([4]), np.array([1.0]))
    assert disliked[5] < 0  # a hated film pushes its look-alikes away
    with pytest.raises(PredictionImpossible):
        m.score_profile(np.array([], int), np.array([]))


def test_profile_weights_shrink_toward_neutral():
    assert profile_weights(np.array([5.0]), 3.0)[0] > 0
    w = profile_weights(np.array([2.0] * 50 + [3.0]), 3.0)
    assert w[-1] > 0  # a harsh rater's 3 is a like
    np.testing.assert_array_equal(profile_weights(np.array([3.0, 3.0]), 3.0), [1, 1])


def test_score_users_equals_profile_of_the_users_ratings():
    r = ratings()
    m = ContentModel().fit(r, catalog())
    items, values = r.user_items(1)
    np.testing.assert_allclose(m.score_users(np.array([1]))[0], m.score_profile(items, values),
                               rtol=1e-5, atol=1e-6)


def test_save_load_round_trip(tmp_path):
    m = ContentModel(weights={"title": 1.0}).fit(ratings(), catalog([("a:1",)] * 7))
    back = ContentModel.load(m.save(tmp_path / "c.npz"))
    assert back.weights == {"title": 1.0}
    np.testing.assert_array_equal(back.item_similarity(0), m.item_similarity(0))
    np.testing.assert_array_equal(back.score_users(np.arange(3)), m.score_users(np.arange(3)))


@pytest.mark.movielens
def test_star_wars_brings_its_sequels(ml100k):
    catalog_, ratings_ = ml100k
    m = ContentModel().fit(ratings_, catalog_)
    star_wars = catalog_.index_of(50)
    top, _ = m.similar_items(star_wars, 5)
    assert {catalog_.index_of(172), catalog_.index_of(181)} <= set(top.tolist())
