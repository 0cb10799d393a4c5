"""A trained bundle: the dataset plus every fitted model and which one serves each route.

Built or loaded by `chatrec.training.load_or_train`; used read-only by dispatch."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.base import Recommender
from models.data import Catalog, Ratings
from models.errors import NotFitted

#: route -> model name used when the bundle does not say otherwise
DEFAULT_ROUTES = {"recommend": "mf-rank", "similar": "hybrid", "popular": "popularity"}


@dataclass
class Bundle:
    dataset: str
    catalog: Catalog
    ratings: Ratings
    models: dict[str, Recommender]
    routes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ROUTES))

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
