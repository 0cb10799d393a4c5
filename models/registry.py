"""Model names (as used on the CLI) -> classes, imported lazily."""
from __future__ import annotations

import importlib

from models.base import Recommender
from models.errors import ModelsError

# CLI name -> "module:Class"
MODELS: dict[str, str] = {
    "baseline": "models.recommenders.baseline:Baseline",
    "popularity": "models.recommenders.popularity:Popularity",
    "content": "models.recommenders.content:ContentModel",
    "mf": "models.recommenders.factorization:BiasedMF",
    "mf-rank": "models.recommenders.factorization:RankingMF",
    "rank-blend": "models.recommenders.rankblend:RankBlend",
    "item-knn": "models.recommenders.knn:ItemKNN",
    "user-knn": "models.recommenders.userknn:UserKNN",
    "hybrid": "models.recommenders.hybrid:HybridSimilar",
    "blend": "models.recommenders.blend:RatingBlend",
}


def model_class(name: str) -> type[Recommender]:
    try:
        target = MODELS[name]
    except KeyError:
        raise ModelsError(f"unknown model {name!r}; choose from {', '.join(MODELS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)
