"""The diversity stage's weight per route, chosen when `chatrec train` runs.

For each route that re-ranks (`bundle.DIVERSIFIED`), `models.diversity.validation_weight`
refits the route's model (with the settings it chose, its own search switched off) and
the similar route's model on an inner time split of the ratings, and keeps the largest
MMR weight whose validation NDCG@10 stays within 1% of the unchanged lists'. The result
goes into the training manifest (`diversity`) and the Bundle (`Bundle.diversify`).
"""
from __future__ import annotations

import logging
import time

from chatrec.training.bundle import DIVERSIFIED
from models.base import Recommender
from models.data import Catalog, Ratings
from models.progress import Progress

log = logging.getLogger("chatrec.training.trainer")


def diversity_weights(fitted: dict, routes: dict, status: dict, previous: dict,
                      catalog: Catalog, ratings: Ratings, progress: Progress) -> dict:
    """Each diversified route's re-rank weight (models/diversity.py), chosen on an inner
    time split of the ratings; kept from the last manifest while the route's model and
    the similar route's model are unchanged. A failure means no re-rank, not no bundle."""
    from models.diversity import validation_weight
    similar = routes.get("similar")
    out = {}
    for route, keep_order in DIVERSIFIED.items():
        name = routes.get(route)
        old = previous.get(route) or {}
        unchanged = {status.get(name), status.get(similar)} == {"up to date"}
        if name is not None and old.get("model") == name and old.get("vectors") == similar \
                and unchanged:  # kept without loading either model
            out[route] = old
            continue
        if name is None or not hasattr(fitted.get(similar), "item_vectors"):
            continue
        progress(0, 1, f"choosing the {route} route's diversity weight")
        started = time.perf_counter()
        try:
            choice = validation_weight(lambda d: _same_settings(fitted[name]).fit(d, catalog),
                                       lambda d: _same_settings(fitted[similar]).fit(d, catalog),
                                       ratings, keep_order=keep_order)
        except Exception as e:  # noqa: BLE001 - an optional stage
            log.warning("diversity weight for %s failed (%s); no re-rank", route, e)
            choice = {"weight": 0.0, "fallback": f"{type(e).__name__}: {e}"}
        # how long the choice took (both refits on the sample of users included): the
        # scale benchmark reports it next to the fits (docs/benchmarks/scale.md)
        out[route] = {"model": name, "vectors": similar, **choice,
                      "seconds": round(time.perf_counter() - started, 1)}
    return out


def _same_settings(model: Recommender) -> Recommender:
    """An unfitted model with `model`'s hyperparameters, its own tuning switched off
    (the settings it chose are kept: no second search inside the inner split)."""
    params = {p: getattr(model, p) for p in type(model)._params}
    if "tune" in params:
        params["tune"] = False
    return type(model)(**params)
