"""The similar route's "liked by the same people": the liked matrix's unit rows."""
from __future__ import annotations

import numpy as np

from chatrec.conversation.reasons import Reasons
from models.data import Catalog, Ratings


def _reasons(users, items, values, n_users=4, n_items=4) -> Reasons:
    catalog = Catalog(np.arange(1, n_items + 1), np.array([f"Film {i}" for i in range(n_items)],
                      dtype=object), np.full(n_items, 2000, np.int32),
                      tuple(() for _ in range(n_items)), None, "test")
    ratings = Ratings(np.asarray(users, np.int32), np.asarray(items, np.int32),
                      np.asarray(values, np.float32), np.zeros(len(users), np.int64),
                      np.arange(1, n_users + 1), n_items, (1.0, 5.0), "test")
    return Reasons(catalog, ratings, [f"Film {i}" for i in range(n_items)],
                   [[] for _ in range(n_items)], liked_at=4.0)


def test_like_rows_are_the_cosines_of_who_liked_each_film():
    # film 0 liked by users 0,1,2; film 1 by 1,2; film 2 rated but liked by nobody (2.0);
    # film 3 liked by user 3 only
    r = _reasons(users=[0, 1, 2, 1, 2, 0, 3, 3], items=[0, 0, 0, 1, 1, 2, 3, 2],
                 values=[5, 4, 4, 5, 4, 2, 5, 1])
    rows = r.like_rows
    assert rows.dtype == np.float32 and rows.shape == (4, 4)
    co = (rows @ rows.T).toarray()
    # |A & B| / sqrt(|A| |B|): 2 / sqrt(3 * 2) for films 0 and 1
    assert np.isclose(co[0, 1], 2 / np.sqrt(6), atol=1e-6)
    assert np.allclose(np.diag(co), [1, 1, 0, 1], atol=1e-6)   # a film nobody liked: 0
    assert co[0, 3] == 0 and co[1, 3] == 0


def test_a_pair_listed_twice_counts_as_one_entry_of_two():
    # the same (user, film) twice sums to one entry (as the sparse sum did before)
    r = _reasons(users=[0, 0, 1], items=[0, 0, 0], values=[5, 5, 4])
    row = r.like_rows[0].toarray().ravel()
    assert np.allclose(row[:2], np.array([2, 1]) / np.sqrt(5), atol=1e-6)
    assert np.isclose(np.linalg.norm(row), 1.0, atol=1e-6)


def test_a_seeds_remembered_co_like_row_gives_the_same_numbers_as_a_lists_own(monkeypatch):
    """co_liked reads a row computed once per seed; bit for bit what `_row_dots` gives
    for the list's films alone, and the same when the matrix is too big to keep rows."""
    import chatrec.conversation.reasons as module
    rng = np.random.default_rng(3)
    n_users, n_items = 40, 30
    users, items = rng.integers(0, n_users, 600), rng.integers(0, n_items, 600)
    r = _reasons(users, items, rng.integers(1, 6, 600), n_users, n_items)
    for seed in range(n_items):
        picks = rng.choice(n_items, 10, replace=False)
        want = module._row_dots(r.like_rows, picks, seed)
        assert np.array_equal(r.co_liked(seed, picks), want)
        assert np.array_equal(r.co_liked(seed, picks), want)   # remembered: the same
    monkeypatch.setattr(module, "CO_ROW_MAX_NNZ", 0)
    picks = np.array([3, 1, 2])
    assert np.array_equal(r.co_liked(0, picks), module._row_dots(r.like_rows, picks, 0))


def test_personal_reasons_name_the_closest_liked_film_ties_to_the_higher_rating():
    """All picks at once, as one loop per pick did: the liked film most similar to the
    pick, ties to the higher rating, then to the earlier; below the threshold, the
    rating evidence."""
    r = _reasons(users=[0, 1, 2, 3], items=[0, 1, 2, 3], values=[5, 4, 4, 5],
                 n_users=4, n_items=6)
    sim = np.array([[1.0, 0.3, 0.3, 0.1, 0.5, 0.0],
                    [0.3, 1.0, 0.3, 0.1, 0.5, 0.1],
                    [0.3, 0.3, 1.0, 0.1, 0.1, 0.1],
                    [0.1, 0.1, 0.1, 1.0, 0.5, 0.1],
                    [0.5, 0.5, 0.1, 0.5, 1.0, 0.1],
                    [0.0, 0.1, 0.1, 0.1, 0.1, 1.0]])
    liked, values = np.array([0, 1, 2, 3]), np.array([4.0, 4.0, 5.0, 4.0])
    got = r.personal([4, 5, 2], liked, values, lambda i: sim[i], threshold=0.25)
    # film 4: 0, 1 and 3 tie at 0.5 with the same rating: the earlier, film 0
    # film 5: nothing close enough; film 2: itself is liked (1.0)
    assert got[0] == "because you liked Film 0"
    assert got[1].startswith("people with your taste")
    assert got[2] == "because you liked Film 2"
    got = r.personal([0], liked, values, lambda i: np.array([0, .4, .4, 0, 0, 0.]), 0.25)
    assert got == ["because you liked Film 2"]        # the tie: the higher rating
    got = r.personal([0], liked, values, lambda i: np.array([np.nan, .4, .3, 0, 0, 0]), .25)
    assert got == ["because you liked Film 1"]        # NaN is never the closest
    assert r.personal([], liked, values, lambda i: sim[i], 0.25) == []
    assert r.personal([1], np.array([], int), np.array([]), lambda i: sim[i], 0.25)[0] \
        .endswith("rating")
