"""What a saved model artifact must match to be reused, checked without importing the
model where possible.

A model's signature is its class, its default hyperparameters and a digest ("code") of
its source files: its own module and every `models.*` module it uses, transitively, so a
change in a shared solver (models/solvers/als.py) also retrains the models using it.

The manifest entry also records those module names ("sources") and the registry entry
the model was built from ("registry"). `unchanged_without_import` re-hashes the listed
files and compares: a start can then reuse every artifact without importing any model
module (they import scipy.sparse, ~0.1 s of a 0.3 s start), and a request imports only
the models its route uses. The defaults need no check of their own on that path: they
are written in the digested files. An entry without "sources" (an older manifest, or
one written by the Spark engine) is checked by importing the class, and then recorded
with them.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from models.base import Recommender
from models.data import Catalog, Ratings
from models.registry import MODELS


#: models.* modules a model uses that cannot change what it learns (the estimate of
#: its fit time, its progress reports): editing them keeps every artifact
NOT_LEARNING = frozenset({"models.cost", "models.progress"})


def model_signature(cls: type[Recommender]) -> dict:
    """What must match for a saved artifact of `cls` to be reused."""
    obj = cls()
    params = {p: getattr(obj, p) for p in cls._params}
    try:
        sources = _model_sources(sys.modules[cls.__module__])
        code = _digest(sources.values())
    except (OSError, TypeError, KeyError):
        sources, code = {}, "unknown"
    return {"class": f"{cls.__module__}:{cls.__qualname__}",
            "params": json.loads(json.dumps(params, default=str)), "code": code,
            "sources": sorted(sources)}


def registry_signature(name: str, cls: type[Recommender]) -> dict:
    """`model_signature` plus the registry entry `name` was built from."""
    return {**model_signature(cls), "registry": MODELS.get(name)}


def unchanged_without_import(name: str, entry: dict) -> bool:
    """Whether the artifact of registry model `name` still matches the code, told from
    its manifest entry and the source files alone (no model module is imported)."""
    sources = entry.get("sources")
    if not sources or entry.get("registry") != MODELS.get(name) or entry.get("code") in (
            None, "unknown"):
        return False
    try:
        return sources_digest(sources) == entry["code"]
    except (OSError, ImportError, ValueError):
        return False  # a listed module moved or vanished: check by importing


def sources_digest(modules) -> str:
    """Digest of the source files of the modules named, found without running them.
    Raises OSError or ImportError when one cannot be read."""
    return _digest(_module_file(m) for m in sorted(modules))


def _digest(files) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(_file_digest(f, f.stat().st_mtime_ns))
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=256)
def _file_digest(path: Path, mtime_ns: int) -> bytes:
    """sha256 of a source file, read once per process (per modification time)."""
    return hashlib.sha256(path.read_bytes()).digest()


def _module_file(name: str) -> Path:
    """The source file of module `name`, found without running the module."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        raise ImportError(f"no module {name}")
    return Path(spec.origin)


def _model_sources(module: ModuleType) -> dict[str, Path]:
    """{module name: source file} of `module` and every `models.*` module it uses,
    transitively, sorted by name (the order the digest reads them in)."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        mod = todo.pop()
        if mod.__name__ in seen or not mod.__name__.startswith("models") or \
                mod.__name__ in NOT_LEARNING:
            continue
        seen[mod.__name__] = Path(inspect.getsourcefile(mod))
        for value in vars(mod).values():
            dep = value if isinstance(value, ModuleType) else sys.modules.get(
                getattr(value, "__module__", None) or "")
            if dep is not None and dep.__name__ not in seen:
                todo.append(dep)
    return {k: seen[k] for k in sorted(seen)}


def data_fingerprint(catalog: Catalog, ratings: Ratings) -> str:
    """What the data was: sha256 over the ratings arrays and the catalog (ids, titles,
    years, genres, links). Any change to the data retrains every model."""
    h = hashlib.sha256()
    for a in (ratings.users, ratings.items, ratings.values, ratings.timestamps):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update("\x1f".join(map(str, ratings.user_ids.tolist())).encode())
    h.update("\x1f".join(map(str, catalog.item_ids.tolist())).encode())
    h.update("\x1f".join(map(str, catalog.titles.tolist())).encode())
    h.update(np.ascontiguousarray(catalog.years).tobytes())
    h.update(repr(catalog.genres).encode())
    h.update(repr(catalog.links).encode())
    h.update(repr(ratings.scale).encode())
    return h.hexdigest()
