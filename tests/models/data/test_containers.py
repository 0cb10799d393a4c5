"""Id lookups and per-user slices of the containers: the fast paths (binary search over
sorted integer ids, slices of ratings stored by user) answer as the general ones do."""
import numpy as np
import pytest

from models.data.containers import IdIndex, _key
from models.errors import UnknownUser
from tests.factories import make_ratings


@pytest.mark.parametrize("ids", [np.array([3, 7, 42, 1000]), np.array([7, 3, 42, 1000]),
                                 np.array(["3", "7", "42", "1000"], dtype=object)])
@pytest.mark.parametrize("asked", [42, "42", " 42 ", np.int64(42), "042", 42.0, "x", 5,
                                   10**30, "-0", True, 3])
def test_every_lookup_agrees_with_the_plain_dict(ids, asked):
    expected = {_key(x): i for i, x in enumerate(ids.tolist())}.get(_key(asked))
    index = IdIndex(ids)
    assert index.find(asked) == expected
    assert index.sorted_ints == (ids.dtype.kind in "iu" and list(ids) == sorted(ids))


def test_user_items_by_slice_equal_the_matrix_rows():
    rows = [(u, i, 1 + (u * 7 + i) % 5, 0) for u in range(6) for i in (9, 2, 5, 0) if u != 3]
    by_user = make_ratings(rows, 10)                 # stored by user (items unordered)
    shuffled = by_user.subset(np.random.default_rng(0).permutation(len(by_user)))
    assert by_user.user_items(0)[0].tolist() == [0, 2, 5, 9]
    for u in range(6):
        for a, b in zip(by_user.user_items(u), shuffled.user_items(u)):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
    assert "csr" not in by_user._cache and "csr" in shuffled._cache
    assert by_user.user_items(3)[0].size == 0
    with pytest.raises(UnknownUser):
        by_user.index_of(99)


def test_counts_and_means_are_computed_once_and_callers_get_copies():
    r = make_ratings([(0, 1, 4.0), (1, 1, 2.0), (1, 0, 5.0)], 3)
    counts = r.item_counts()
    counts[0] = 99
    assert r.item_counts().tolist() == [1, 2, 0]
    assert r.item_means().tolist() == [5.0, 3.0, 0.0]


@pytest.mark.parametrize("ids", [np.array([3, 7, 42, 100]), np.array(["3", "7", "42", "x"])])
def test_ids_found_again_answer_as_the_first_time(ids):
    """find() remembers ids it found, keyed by type too: asking twice never turns a
    miss into a hit (42.0 is no id, '042' is not 42) nor changes an answer."""
    index = IdIndex(ids)
    asks = [42, "42", np.int64(42), 42.0, "042", " 42 ", 7, "7", 8, [42], None, float("nan")]
    first = [index.find(x) for x in asks]
    assert [index.find(x) for x in asks] == first
    assert first[:3] == [2, 2, 2] and first[4] is None and first[8] is None
    assert first[9] is None
