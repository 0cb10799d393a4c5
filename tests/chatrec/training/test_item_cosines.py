"""ItemCosines: a list's cosines from rows built once, bit for bit the numbers the
per-list `cosines(model.item_vectors(items))` gives (so the diversity stage picks
exactly the same films), with and without the whole-catalog matrix."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from chatrec.training import item_cosines
from chatrec.training.item_cosines import ItemCosines
from models.diversity import cosines


class SparseVectors:
    """Sparse rows with shared columns, some empty (a film nobody rated)."""

    def __init__(self, n: int = 300, d: int = 80, seed: int = 0):
        rng = np.random.default_rng(seed)
        dense = rng.random((n, d)) * (rng.random((n, d)) < 0.1)
        dense[::17] = 0.0
        self.table, self.n_items, self.calls = sp.csr_matrix(dense), n, 0

    def item_vectors(self, items):
        self.calls += 1
        return sp.hstack([0.5 * self.table[np.asarray(items)],
                          0.8 * self.table[np.asarray(items)]], format="csr")


@pytest.mark.parametrize("full_max", [0, 10_000])
def test_cosines_are_the_per_list_ones_bit_for_bit(monkeypatch, full_max):
    monkeypatch.setattr(item_cosines, "FULL_MAX", full_max)
    model = SparseVectors()
    cached = ItemCosines(model)
    rng = np.random.default_rng(1)
    for _ in range(50):
        items = rng.choice(model.n_items, 30, replace=False)
        assert np.array_equal(cached(items), cosines(model.item_vectors(items)))
    assert (cached._full is not None) == (full_max > 0)


def test_rows_are_built_once_not_per_list():
    model = SparseVectors()
    cached = ItemCosines(model)
    for start in range(0, 100, 10):
        cached(np.arange(start, start + 10))
    assert model.calls == 1


def test_a_model_without_n_items_gets_per_list_cosines():
    class Dense:
        def item_vectors(self, items):
            return np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])[np.asarray(items)]
    got = ItemCosines(Dense())(np.array([0, 1, 2]))
    assert np.allclose(got, [[1, 0.6, 0], [0.6, 1, 0.8], [0, 0.8, 1]])
