"""Fit every registered model, save artifacts, and reload them when still valid.

Artifacts live in `chatrec.data.home.artifacts_dir(dataset)`: one `NAME.npz` per model
(written by `Recommender.save`) and `manifest.json`, which records what the
artifacts were built from. A model's artifact is reused only when all of these match:

- the data fingerprint: a sha256 of the loaded ratings and catalog themselves, so any
  change to the data (a re-fetch, an edited file) retrains everything;
- the model's signature: class, default hyperparameters and a hash of its source files,
  so changing a model's code or defaults retrains that model (and only that one);
  chatrec/training/signatures.py checks it without importing the model where it can.

Reused models load on first use (`LazyModels`): a start reads no artifact and imports
no model module until a request's route needs that model.

A missing or corrupt artifact retrains that model with a logged warning instead of
failing. Models whose module does not exist yet (a colleague's model not yet written)
are skipped with a note in the manifest and picked up automatically when they land.
"""
from __future__ import annotations

import functools
import json
import logging
import platform
import time
from pathlib import Path
from typing import Iterable

import numpy as np

from chatrec import __version__
from chatrec.data.home import active_dataset, artifacts_dir, write_json_atomic
from chatrec.training import budget
from chatrec.training.bundle import DEFAULT_ROUTES, Bundle, LazyModels, choose_routes, \
    route_options
from chatrec.training.diversity import diversity_weights
from chatrec.training.signatures import data_fingerprint, registry_signature, \
    unchanged_without_import
from models.base import Recommender
from models.cost import DataShape
from models.data import Catalog, Ratings
from models.errors import ArtifactError
from models.progress import Progress, silent
from models.registry import MODELS, model_class

log = logging.getLogger("chatrec.training.trainer")

MANIFEST = "manifest.json"
FORMAT = 1



def available_models(names: Iterable[str] | None = None) -> tuple[dict[str, type], dict[str, str]]:
    """(name -> class) of registry models that import, and (name -> reason) for the rest."""
    ok, missing = {}, {}
    for name in names or MODELS:
        try:
            ok[name] = model_class(name)
        except (ImportError, AttributeError) as e:
            missing[name] = f"not available yet ({MODELS.get(name, '?')}: {e})"
    return ok, missing


def _versions() -> dict:
    # package metadata, not `import sklearn`: that import alone costs ~1 s per start
    from importlib.metadata import version
    return {"chatrec": __version__, "numpy": np.__version__, "scipy": version("scipy"),
            "scikit-learn": version("scikit-learn"), "python": platform.python_version()}


# ---- manifest ----------------------------------------------------------------------
def read_manifest(directory: Path) -> dict | None:
    try:
        m = json.loads((directory / MANIFEST).read_text())
        return m if isinstance(m, dict) and m.get("format") == FORMAT else None
    except (OSError, ValueError):
        return None


# ---- training and loading ----------------------------------------------------------
def _load_data(dataset: str) -> tuple[Catalog, Ratings]:
    """The dataset via chatrec.data.datasets (which fetches it on first use)."""
    from chatrec.data import datasets
    return datasets.load(dataset)


def fit_one(name: str, cls: type[Recommender], catalog: Catalog, ratings: Ratings,
            directory: Path, estimate: float | None = None) -> tuple[Recommender, dict]:
    """Fit, save and describe one model (`estimate`: the seconds it was expected to take)."""
    t0 = time.perf_counter()
    model = cls().fit(ratings, catalog)
    seconds = time.perf_counter() - t0
    path = model.save(directory / f"{name}.npz")
    entry = {**registry_signature(name, cls), "file": path.name,
             "fit_seconds": round(seconds, 4), "bytes": path.stat().st_size}
    if estimate is not None:
        entry["estimated_seconds"] = round(estimate, 1)
    describe = getattr(model, "describe", None)
    if callable(describe):
        entry["learned"] = describe()
    return model, entry


def train_all(dataset: str | None = None, progress: Progress | None = None, *,
              models: Iterable[str] | None = None, force: bool = True,
              data: tuple[Catalog, Ratings] | None = None) -> Bundle:
    """Fit every available registry model (or `models`), save artifacts and manifest.

    force=False reuses artifacts that are still valid (what `load_or_train` does);
    data=(catalog, ratings) skips chatrec.data.datasets (tests, benchmarks).
    Returns the Bundle with routes chosen among what exists.
    """
    return train_report(dataset, progress, models=models, force=force, data=data)[0]


def train_report(dataset: str | None = None, progress: Progress | None = None, *,
                 models: Iterable[str] | None = None, force: bool = True,
                 data: tuple[Catalog, Ratings] | None = None,
                 fallbacks: bool = False) -> tuple[Bundle, dict]:
    """`train_all`, plus a report: the manifest with each model's "status"
    ("trained", "up to date") and the artifacts directory. fallbacks: a route none of
    whose models is there after `models` gets the first of its fallbacks that loads
    or trains (`ROUTE_FALLBACKS`; what a start needs, chatrec/training/start.py).

    A model whose estimated fit time (chatrec/training/budget.py) is above the limit
    is not started: it is reported under "skipped" with the estimate."""
    dataset = dataset or active_dataset()
    progress = progress or silent
    catalog, ratings = data if data is not None else _load_data(dataset)
    directory = artifacts_dir(dataset)
    fingerprint = data_fingerprint(catalog, ratings)
    wanted = list(models) if models is not None else list(MODELS)
    old = read_manifest(directory) or {}
    same_data = old.get("fingerprint") == fingerprint
    entries = dict(old.get("models", {})) if same_data else {}
    fitted = LazyModels()
    failed: dict[str, str] = {}
    missing: dict[str, str] = {}
    status: dict[str, str] = {}
    total = len(wanted)
    shape = functools.cache(lambda: DataShape.of(ratings))  # only when something is fitted
    limit = budget.limit_seconds()

    def reuse(name: str, entry: dict) -> None:  # loaded when a request first needs it
        entries[name], status[name] = entry, "up to date"
        fitted.defer(name, functools.partial(_load_or_refit, name, entry["file"],
                                             directory, catalog, ratings))

    def fit_or_reuse(done: int, name: str) -> None:
        if not force and (entry := _reusable(name, entries.get(name), directory)):
            reuse(name, entry)
            progress(done + 1, total, f"{name} up to date")
            return
        classes, why = available_models([name])
        if name not in classes:
            missing.update(why)
            log.warning("skipping model %s: %s", name, why[name])
            return
        seconds = budget.estimate(classes[name], shape())
        if refused := budget.refusal(name, seconds, shape(), limit):
            missing[name] = refused
            log.warning("not fitting %s: %s", name, refused)
            return
        progress(done, total, f"fitting {name} ({budget.about(seconds)})")
        try:
            fitted[name], entries[name] = fit_one(name, classes[name], catalog, ratings,
                                                  directory, seconds)
            status[name] = "trained"
        except Exception as e:  # noqa: BLE001 - one broken model must not sink the rest
            log.warning("model %s failed to train: %s: %s", name, type(e).__name__, e)
            failed[name] = f"{type(e).__name__}: {e}"
            entries.pop(name, None)
        progress(done + 1, total, f"{name} done")

    for done, name in enumerate(wanted):
        fit_or_reuse(done, name)

    # models not asked for this time but still valid stay in the bundle and manifest
    for name, entry in list(entries.items()):
        if name in fitted or name in failed or models is None:
            continue
        if entry := _reusable(name, entry, directory):
            reuse(name, entry)
    for options in route_options().values() if fallbacks else ():
        for name in options:  # the first model that is there, loads or trains serves it
            if name not in fitted and name not in failed and name not in missing:
                total += 1
                fit_or_reuse(total - 1, name)
            if name in fitted:
                break
    entries = {n: e for n, e in entries.items() if n in fitted}
    routes = choose_routes(fitted)
    previous = old.get("diversity", {}) if same_data else {}
    diversity = diversity_weights(fitted, routes, status, previous, catalog, ratings, progress)
    # the library versions that built the artifacts: kept while nothing is refitted
    # (reading package metadata also costs ~15 ms of every start)
    versions = old.get("versions") if same_data and "trained" not in status.values() \
        else None
    versions = versions or _versions()
    manifest = {
        "format": FORMAT, "dataset": dataset, "fingerprint": fingerprint,
        "dataset_fingerprint": _dataset_fingerprint(dataset) if data is None else None,
        "ratings": len(ratings), "users": ratings.n_users, "items": len(catalog),
        "versions": versions, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "models": entries, "skipped": missing, "failed": failed, "routes": routes,
        "diversity": diversity,
    }
    # a start that reused every artifact changes nothing but the timestamp: leave the
    # file alone (N serve workers would otherwise all rewrite it at once)
    if {**old, "created": None} != {**manifest, "created": None}:
        write_json_atomic(directory / MANIFEST, manifest)
    report = {**manifest, "artifacts": str(directory),
              "models": {n: {**e, "status": status.get(n, "up to date")}
                         for n, e in entries.items()}}
    weights = {r: float(d.get("weight", 0.0)) for r, d in diversity.items()}
    noun = _item_noun(dataset) if data is None else "films"
    return Bundle(dataset, catalog, ratings, fitted, routes, weights, noun), report


def _item_noun(dataset: str) -> str:
    """What the dataset calls its items ("films", "books"; chatrec/data/registry.py)."""
    from chatrec.data.datasets import read_manifest
    from chatrec.data.registry import item_noun
    return item_noun(read_manifest(dataset))


def _dataset_fingerprint(dataset: str):
    """The datasets module's own fingerprint, recorded for information only."""
    try:
        from chatrec.data import datasets
        return datasets.dataset_fingerprint(dataset)
    except Exception:  # noqa: BLE001 - optional metadata
        return None


def _reusable(name: str, entry: dict | None, directory: Path) -> dict | None:
    """The manifest entry when the artifact of `name` exists and matches the code (see
    chatrec/training/signatures.py; refreshed when checking it needed the import), else None."""
    if not entry or not (directory / entry.get("file", "")).is_file():
        return None
    if unchanged_without_import(name, entry):
        return entry
    try:
        sig = registry_signature(name, model_class(name))
    except (ImportError, AttributeError):
        return None  # the module is gone: reported as skipped by the caller
    if any(entry.get(k) != sig[k] for k in ("class", "params", "code")):
        log.info("artifact %s is stale (code or hyperparameters changed); retraining", name)
        return None
    return {**entry, **sig}


def _load_or_refit(name: str, file: str, directory: Path, catalog: Catalog,
                   ratings: Ratings) -> Recommender:
    """A reused model, loaded when first used (LazyModels): a start reads no artifact
    and imports no model module until a request's route needs it. An unreadable
    artifact (corrupt, NaN, arrays inconsistent with the model's layout or with the
    data's sizes) is refitted and saved again, with a warning."""
    cls = model_class(name)
    try:
        model = cls.load(directory / file)   # checks the model's layout (models/layout.py)
        if (model.n_users, model.n_items) != (ratings.n_users, len(catalog)):
            raise ArtifactError(f"it was fitted on {model.n_users} users x {model.n_items} "
                                f"items, the data has {ratings.n_users} x {len(catalog)}")
        return model
    except ArtifactError as e:
        log.warning("artifact %s is unreadable (%s); retraining it", name, e)
    try:
        return fit_one(name, cls, catalog, ratings, directory)[0]
    except Exception as e:  # noqa: BLE001 - reported as the artifact problem it is
        raise ArtifactError(f"artifact {name} is unreadable and retraining it failed: "
                            f"{type(e).__name__}: {e}") from e


def load_or_train(dataset: str | None = None, progress: Progress | None = None,
                  data: tuple[Catalog, Ratings] | None = None, *, routes_only: bool = False,
                  extra: Iterable[str] = ()) -> Bundle:
    """The bundle for `dataset`: saved artifacts when they match the data and the code,
    otherwise (first run, stale or corrupt artifacts) train what is needed and save it.

    routes_only (a start: `chatrec ask`, `chat`, `serve`): train only the missing
    models the routes use (DEFAULT_ROUTES, a fallback when one cannot be had, and
    `extra`: an A/B arm); every other model is used when its artifact is valid and is
    otherwise left to `chatrec train` (user-knn or blend at ML-25M size take minutes)."""
    if not routes_only:
        return train_all(dataset, progress, force=False, data=data)
    # an arm that names no registry model is the experiments' error to report
    names = list(dict.fromkeys([*DEFAULT_ROUTES.values(), *(e for e in extra if e in MODELS)]))
    return train_report(dataset, progress, models=names, force=False, data=data,
                        fallbacks=True)[0]
