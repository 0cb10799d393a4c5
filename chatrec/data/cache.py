"""The parsed dataset as plain arrays beside the artifacts, so a start skips the CSV.

Parsing MovieLens through pandas costs a quarter of a second per start (and importing
pandas another tenth); the parsed `Catalog` and `Ratings` are only arrays, so they are
written once to `artifacts/DATASET/dataset.npz` (np.savez's layout, each array aligned;
no pickle) and read back as read-only memory maps (models/npz.py). The file records the dataset fingerprint
(chatrec.data.datasets.dataset_fingerprint: the fetched files' sha256, or a local file's
size and mtime); a different fingerprint, a missing or a broken file means "parse
again", never an error.

Strings (titles, string ids, genres, links) are stored as fixed-width unicode arrays;
per-item tuples (genres, links) as one flat array plus offsets.
"""
from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from models.data import Catalog, Ratings
from models.npz import load_arrays, save_arrays

log = logging.getLogger("chatrec.data.cache")
FILE = "dataset.npz"
FORMAT = 1
_NAMES = ("meta", "item_ids", "titles", "years", "genres", "genre_offsets", "links",
          "link_offsets", "users", "items", "values", "timestamps", "user_ids")


def source_key(manifest: dict, fingerprint: str) -> str:
    """What the cache must match: the dataset fingerprint, plus the size and modification
    time of a fetched dataset's own files (an edit in place re-parses)."""
    stats = []
    if manifest.get("kind") == "fetched":
        for p in sorted(Path(manifest["dir"]).iterdir()):
            if p.is_file() and p.name != "manifest.json":
                st = p.stat()
                stats.append([p.name, st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps([fingerprint, stats]).encode()).hexdigest()


def _flat(groups) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.cumsum([0] + [len(g) for g in groups], dtype=np.int64)
    flat = [x for g in groups for x in g]
    return np.array(flat if flat else [""], dtype=str)[:len(flat)], offsets


def _groups(flat: np.ndarray, offsets: np.ndarray) -> tuple[tuple[str, ...], ...]:
    values = flat.tolist()
    bounds = offsets.tolist()
    return tuple(tuple(values[a:b]) for a, b in zip(bounds, bounds[1:]))


def _ids(a: np.ndarray) -> np.ndarray:
    """Integer ids stay integers; anything else is stored as unicode."""
    return a if a.dtype.kind in "iu" else np.asarray(a, dtype=str)


def save(directory: Path, fingerprint: str, catalog: Catalog, ratings: Ratings) -> Path | None:
    """Write the cache (atomically); None, with a logged note, when it cannot."""
    genres, genre_offsets = _flat(catalog.genres)
    links, link_offsets = _flat(catalog.links or ())
    meta = {"format": FORMAT, "fingerprint": fingerprint, "catalog": catalog.name,
            "ratings": ratings.name, "n_items": ratings.n_items,
            "scale": list(ratings.scale), "has_links": catalog.links is not None,
            "object_item_ids": catalog.item_ids.dtype == object,
            "object_user_ids": ratings.user_ids.dtype == object}
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "item_ids": _ids(catalog.item_ids), "titles": np.asarray(catalog.titles, dtype=str),
        "years": catalog.years, "genres": genres, "genre_offsets": genre_offsets,
        "links": links, "link_offsets": link_offsets, "users": ratings.users,
        "items": ratings.items, "values": ratings.values, "timestamps": ratings.timestamps,
        "user_ids": _ids(ratings.user_ids),
    }
    path = Path(directory) / FILE
    tmp = path.with_name(f".{FILE}.tmp.npz")
    try:
        save_arrays(tmp, arrays)  # np.savez's layout, each array 64-byte aligned
        tmp.replace(path)
    except OSError as e:
        log.info("cannot cache the parsed dataset in %s: %s", directory, e)
        tmp.unlink(missing_ok=True)
        return None
    return path


def load(directory: Path, fingerprint: str) -> tuple[Catalog, Ratings] | None:
    """The cached (Catalog, Ratings) when the file matches `fingerprint`, else None."""
    path = Path(directory) / FILE
    if not path.is_file():
        return None
    try:
        a = load_arrays(path, _NAMES)
        meta = json.loads(bytes(a["meta"]).decode())
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        log.info("ignoring the unreadable dataset cache %s: %s", path, e)
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or \
            meta.get("fingerprint") != fingerprint:
        return None
    try:
        _check(a, meta)
        item_ids, user_ids = a["item_ids"], a["user_ids"]
        catalog = Catalog(
            item_ids=item_ids.astype(object) if meta["object_item_ids"] else item_ids,
            titles=a["titles"].astype(object), years=a["years"],
            genres=_groups(a["genres"], a["genre_offsets"]),
            links=_groups(a["links"], a["link_offsets"]) if meta["has_links"] else None,
            name=meta["catalog"])
        ratings = Ratings(a["users"], a["items"], a["values"], a["timestamps"],
                          user_ids.astype(object) if meta["object_user_ids"] else user_ids,
                          int(meta["n_items"]), tuple(meta["scale"]), meta["ratings"])
    except (ValueError, TypeError, KeyError) as e:
        # a valid checksum over inconsistent arrays (issue 18): parse the files again
        log.warning("ignoring the inconsistent dataset cache %s: %s", path, e)
        return None
    return catalog, ratings


def _check(a: dict, meta: dict) -> None:
    """ValueError unless the cached arrays fit together: one row per item and per
    rating, offsets that split the flat genre/link lists, indices within range."""
    n_items, n_users, n = len(a["item_ids"]), len(a["user_ids"]), len(a["users"])
    if meta["n_items"] != n_items or len(a["titles"]) != n_items or \
            len(a["years"]) != n_items:
        raise ValueError("the catalog arrays disagree on the number of items")
    for name in ("users", "items", "values", "timestamps"):
        if a[name].ndim != 1 or len(a[name]) != n:
            raise ValueError(f"{name} does not have one entry per rating")
    for name in ("users", "items", "years", "timestamps", "genre_offsets", "link_offsets"):
        if a[name].dtype.kind not in "iu":
            raise ValueError(f"{name} is not integers")
    if a["values"].dtype.kind != "f":
        raise ValueError("values are not numbers")
    for name in ("titles", "genres", "links", "item_ids", "user_ids"):
        kinds = "U" if name in ("titles", "genres", "links") else "Uiu"
        if a[name].dtype.kind not in kinds or a[name].ndim != 1:
            raise ValueError(f"{name} is not a list of {'text' if kinds == 'U' else 'ids'}")
    for name, size in (("users", n_users), ("items", n_items)):
        if n and (a[name].min() < 0 or a[name].max() >= size):
            raise ValueError(f"{name} holds indices outside [0, {size})")
    for flat, offsets in (("genres", "genre_offsets"), ("links", "link_offsets")):
        o = a[offsets]
        if flat == "links" and not meta["has_links"]:
            continue
        if o.ndim != 1 or len(o) != n_items + 1 or (len(o) and (o[0] != 0 or o[-1] != len(
                a[flat]))) or np.any(np.diff(o) < 0):
            raise ValueError(f"{offsets} does not split {flat} into one group per item")
