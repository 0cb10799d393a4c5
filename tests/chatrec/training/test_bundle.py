"""Bundle.route: the model behind each route, or a typed error when there is none."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from chatrec.errors import exit_code, http_status
from models.errors import NotFitted
from tests.chatrec.fakes import tiny_bundle


def test_route_returns_the_model_named_by_the_routes():
    b = tiny_bundle()
    assert b.route("popular") is b.models["popularity"]
    assert b.route("similar") is b.models[b.routes["similar"]]


def test_a_route_without_a_trained_model_is_a_typed_error():
    b = tiny_bundle()
    models = {n: m for n, m in b.models.items() if n != "popularity"}
    broken = dataclasses.replace(b, models=models)
    with pytest.raises(NotFitted, match="'popular' route") as e:
        broken.route("popular")
    assert (exit_code(e.value), http_status(e.value)) == (3, 503)


def test_diversify_without_a_weight_is_the_head_of_the_list():
    b = tiny_bundle()
    items, scores = b.diversify("recommend", np.array([3, 1, 2]), np.array([3.0, 2.0, 1.0]), 2)
    assert items.tolist() == [3, 1] and scores.tolist() == [3.0, 2.0]


def test_diversify_re_ranks_with_the_similar_routes_vectors():
    """Vectors where 0 and 1 are near-duplicates: with a weight, 2 replaces 1."""
    class Vectors:
        def item_vectors(self, items):
            table = np.array([[1.0, 0.0], [0.99, 0.1], [0.0, 1.0], [0.5, 0.5]])
            return table[np.asarray(items)]
    b = tiny_bundle()
    b = dataclasses.replace(b, models={**b.models, "vec": Vectors()},
                            routes={**b.routes, "similar": "vec"},
                            diversity={"recommend": 0.5, "popular": 0.5})
    cands, scores = np.array([0, 1, 2]), np.array([1.0, 0.9, 0.8])
    items, got = b.diversify("recommend", cands, scores, 2)
    assert items.tolist() == [0, 2] and got.tolist() == [1.0, 0.8]
    # the popular route keeps score order among the picked items
    items, _ = b.diversify("popular", np.array([2, 0, 1]), np.array([1.0, 0.9, 0.8]), 2)
    assert items.tolist() == [2, 0]


def test_lazy_models_load_on_first_use_only():
    from chatrec.training.bundle import LazyModels
    calls = []
    models = LazyModels({"a": "model-a"})
    models.defer("b", lambda: calls.append("b") or "model-b")
    assert set(models) == {"a", "b"} and len(models) == 2 and "b" in models
    assert calls == []                     # listing and membership do not load
    assert models["b"] == "model-b" and models.get("b") == "model-b"
    assert calls == ["b"]                  # loaded once
    assert models.get("c") is None and "c" not in models


def test_item_index_is_the_catalogs_and_remembers_only_what_it_found():
    from models.errors import UnknownItem
    b = tiny_bundle()
    first = b.catalog.item_ids[3].item()
    assert b.item_index(first) == b.item_index(str(first)) == 3
    assert b.item_index(first) == 3           # from the memo now
    with pytest.raises(UnknownItem):
        b.item_index("no such film")
    assert all(isinstance(i, int) for i in b._found.values()) and len(b._found) == 2
