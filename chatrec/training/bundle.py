"""A trained bundle: the dataset plus every fitted model and which one serves each route.

Built or loaded by `chatrec.training.trainer.load_or_train`; used read-only by dispatch."""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from models.base import Recommender
from models.data import Catalog, Ratings
from models.errors import NotFitted

#: route -> model name used when the bundle does not say otherwise
DEFAULT_ROUTES = {"recommend": "rank-blend", "similar": "hybrid", "popular": "popularity"}
#: preference order when a route's default model is unavailable
ROUTE_FALLBACKS = {
    "recommend": ("rank-blend", "mf-rank", "item-knn", "user-knn", "mf", "popularity"),
    "similar": ("hybrid", "content", "item-knn"),
    "popular": ("popularity",),
}
#: routes whose lists pass the diversity stage -> keep_order (MMR picks the set; a
#: "top-rated" list stays in score order so it agrees with the averages it shows)
DIVERSIFIED = {"recommend": False, "popular": True}


def route_options() -> dict[str, tuple[str, ...]]:
    """route -> its models in preference order: DEFAULT_ROUTES, then ROUTE_FALLBACKS."""
    return {route: tuple(dict.fromkeys((default,) + ROUTE_FALLBACKS.get(route, ())))
            for route, default in DEFAULT_ROUTES.items()}


def choose_routes(models: dict) -> dict[str, str]:
    """DEFAULT_ROUTES where the model exists, else the first available fallback."""
    routes = {}
    for route, options in route_options().items():
        pick = next((n for n in options if n in models), None)
        if pick is not None:
            routes[route] = pick
    return routes


class LazyModels(Mapping):
    """name -> fitted model, where some models are loaded from their artifact on first
    access: a request needs its route's model, not all ten (each load imports the
    model's module and scipy.sparse, reads the file and rebuilds sparse indexes)."""

    def __init__(self, models: dict[str, Recommender] | None = None):
        self._models: dict[str, Recommender] = dict(models or {})
        self._loaders: dict[str, Callable[[], Recommender]] = {}
        self._lock = threading.RLock()  # the HTTP app's thread pool may ask at once

    def __setitem__(self, name: str, model: Recommender) -> None:
        self._loaders.pop(name, None)
        self._models[name] = model

    def defer(self, name: str, load: Callable[[], Recommender]) -> None:
        """Register `name`, loaded by `load()` when first used (ArtifactError then)."""
        self._models.pop(name, None)
        self._loaders[name] = load

    def __getitem__(self, name: str) -> Recommender:
        if name not in self._models and name in self._loaders:
            with self._lock:
                if name not in self._models:  # another thread may have loaded it
                    self._models[name] = self._loaders[name]()
                    del self._loaders[name]
        return self._models[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._models, *self._loaders])

    def __len__(self) -> int:
        return len(self._models) + len(self._loaders)

    def __contains__(self, name: object) -> bool:
        return name in self._models or name in self._loaders


@dataclass
class Bundle:
    dataset: str
    catalog: Catalog
    ratings: Ratings
    models: Mapping[str, Recommender]
    routes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ROUTES))
    #: route -> diversity re-rank weight chosen at training (0 or absent: no re-rank)
    diversity: dict[str, float] = field(default_factory=dict)
    #: what replies call the items: "films", or the dataset's own noun ("books")
    noun: str = "films"
    #: the diversity stage's cosines, built once per similar-route model (item_cosines.py)
    _cosines: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    #: (type, item id) -> catalog index, for ids found before (`item_index`)
    _found: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def route(self, name: str, overrides: dict[str, str] | None = None) -> Recommender:
        """The model serving route `name` ('recommend', 'similar', 'popular');
        `overrides` ({route: model}, an A/B arm) wins over the bundle's routes.

        Raises NotFitted when no trained model serves it (its training failed)."""
        chosen = (overrides or {}).get(name) or self.routes.get(name, "")
        model = self.models.get(chosen)
        if model is None:
            raise NotFitted(f"no trained model serves the {name!r} route; run "
                            "'chatrec train' and check its report for failures")
        return model

    def item_index(self, item_id) -> int:
        """catalog.index_of(item_id), remembered: a turn maps every film its session
        rated, saw and was shown (a searchsorted and a str() each, ~10 us). Keyed by type
        too (42.0 == 42 but is no id); only ids found are kept: at most 2 per item."""
        key = (type(item_id), item_id)
        i = self._found.get(key)
        if i is None:
            i = self.catalog.index_of(item_id)   # UnknownItem for an id it does not have
            if len(self._found) < 2 * len(self.catalog) + 64:
                self._found[key] = i
        return i

    def diversify(self, route: str, candidates: np.ndarray, scores: np.ndarray, k: int
                  ) -> tuple[np.ndarray, np.ndarray]:
        """The k items to show out of a longer best-first candidate list (fetch
        `models.diversity.pool_size(k)` of them), after the route's diversity stage
        (MMR on the similar route's item vectors); (items, their scores)."""
        from models.diversity import mmr_order, relevance
        candidates, scores = np.asarray(candidates), np.asarray(scores)
        weight = self.diversity.get(route, 0.0)
        model = self.models.get(self.routes.get("similar", ""))
        k = min(int(k), len(candidates))
        if weight <= 0 or not hasattr(model, "item_vectors") or k <= 1:
            return candidates[:k], scores[:k]
        # models.diversity.rerank, with the cosines from rows built once per model
        picks = mmr_order(relevance(scores), self._item_cosines(model)(candidates), k, weight)
        if DIVERSIFIED.get(route, False):
            picks = np.sort(picks)
        return candidates[picks], scores[picks]

    def _item_cosines(self, model):
        from chatrec.training.item_cosines import ItemCosines
        cached = self._cosines.get(id(model))
        if cached is None or cached.model is not model:
            cached = self._cosines[id(model)] = ItemCosines(model)
        return cached
