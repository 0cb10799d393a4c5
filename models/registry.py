"""Model names (as used on the CLI) -> classes, imported lazily."""
from __future__ import annotations

import importlib

from models.base import Recommender
from models.errors import ModelsError

# CLI name -> "module:Class"
MODELS: dict[str, str] = {
    "baseline": "models.baseline:Baseline",
    "popularity": "models.popularity:Popularity",
    "content": "models.content:ContentModel",
    "mf": "models.factorization:BiasedMF",
    "mf-rank": "models.factorization:RankingMF",
    "rank-blend": "models.rankblend:RankBlend",
    "item-knn": "models.knn:ItemKNN",
    "user-knn": "models.knn:UserKNN",
    "hybrid": "models.hybrid:HybridSimilar",
    "blend": "models.blend:RatingBlend",
}


def model_class(name: str) -> type[Recommender]:
    try:
        target = MODELS[name]
    except KeyError:
        raise ModelsError(f"unknown model {name!r}; choose from {', '.join(MODELS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)
