"""Normalised columns -> `Catalog` and `Ratings`: the one place external ids become
dense indices, duplicates are resolved and orphan ratings are dropped.

Format-specific loaders (models/data/loaders.py) parse files into plain arrays and hand
them here, so every format gets the same rules:

- items keep the order of the items file; a repeated item id is an error;
- users are indexed in the order of their sorted external ids;
- a repeated (user, item) pair keeps the latest rating (by timestamp, then file order);
- a rating whose item is not in the items file is dropped and counted. Dropping, not
  failing, is deliberate: real exports (Book-Crossing, scraped catalogs) routinely
  rate items their catalog lacks, and one missing title should not make the other
  million ratings unusable. The count is logged and kept in the `LoadReport`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.data import Catalog, Ratings
from models.errors import DataError

log = logging.getLogger("models.data.loaders")


@dataclass
class LoadReport:
    """What a loader had to fix on the way in; `chatrec data info` prints it."""

    layout: str = ""
    files: list[str] = field(default_factory=list)
    duplicates_dropped: int = 0
    unknown_items_dropped: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "layout": self.layout, "files": list(self.files),
            "duplicates_dropped": self.duplicates_dropped,
            "unknown_items_dropped": self.unknown_items_dropped, "notes": list(self.notes),
        }


def build_catalog(
    path: Path,
    lines: np.ndarray,
    item_ids: np.ndarray,
    titles: np.ndarray,
    years: np.ndarray,
    genres: list[tuple[str, ...]] | tuple[tuple[str, ...], ...],
    links: tuple[tuple[str, ...], ...] | None = None,
    name: str = "catalog",
) -> Catalog:
    """A Catalog in file order. `lines` are the file's line numbers, for errors."""
    dup = pd.Index(item_ids).duplicated()
    if dup.any():
        at = int(np.flatnonzero(dup)[0])
        raise DataError(f"{path}, line {int(lines[at])}: item id {_plain(item_ids[at])!r} appears twice")
    return Catalog(
        item_ids=np.asarray(item_ids),
        titles=np.asarray(titles, dtype=object),
        years=np.asarray(years, dtype=np.int32),
        genres=tuple(tuple(g) for g in genres),
        links=links,
        name=name,
    )


def build_ratings(
    path: Path,
    lines: np.ndarray,
    user_ids: np.ndarray,
    item_ids: np.ndarray,
    values: np.ndarray,
    timestamps: np.ndarray | None,
    catalog: Catalog,
    scale: tuple[float, float],
    name: str = "ratings",
    report: LoadReport | None = None,
) -> Ratings:
    """Ratings in file order (after dropping), indexed against `catalog`.

    All arguments are per-rating arrays from the ratings file at `path`.
    """
    report = report if report is not None else LoadReport()
    n = len(values)
    ts = np.zeros(n, dtype=np.int64) if timestamps is None else np.asarray(timestamps).astype(np.int64)
    items = _catalog_indexer(catalog).get_indexer(pd.Index(item_ids))

    unknown = items < 0
    if unknown.any():
        count = int(unknown.sum())
        first = int(np.flatnonzero(unknown)[0])
        msg = (
            f"{path}: dropped {count} rating(s) of items missing from the items file "
            f"(first: item {_plain(item_ids[first])!r} on line {int(lines[first])})"
        )
        log.warning(msg)
        report.unknown_items_dropped += count
        report.notes.append(msg)
        keep = ~unknown
        user_ids, items, values, ts, lines = user_ids[keep], items[keep], values[keep], ts[keep], lines[keep]
        if len(items) == 0:
            raise DataError(f"{path}: none of the ratings refer to an item in the items file")

    users_sorted, users = np.unique(np.asarray(user_ids), return_inverse=True)
    users = users.astype(np.int64)
    keep = _latest_per_pair(users, items.astype(np.int64), ts, catalog_size=len(catalog))
    dropped = len(keep) - int(keep.sum())
    if dropped:
        msg = f"{path}: dropped {dropped} duplicate (user, item) rating(s), keeping the latest"
        log.warning(msg)
        report.duplicates_dropped += dropped
        report.notes.append(msg)
        users, items, values, ts = users[keep], items[keep], values[keep], ts[keep]
        # A user whose every row was a duplicate still has their latest row, so the
        # user index space does not shrink; no re-indexing needed.
    return Ratings(
        users=users.astype(np.int32),
        items=items.astype(np.int32),
        values=np.asarray(values, dtype=np.float32),
        timestamps=ts,
        user_ids=users_sorted,
        n_items=len(catalog),
        scale=(float(scale[0]), float(scale[1])),
        name=name,
    )


def _plain(x):
    """numpy scalars print as np.int64(1); messages want 1."""
    return x.item() if hasattr(x, "item") else x


def _catalog_indexer(catalog: Catalog) -> pd.Index:
    """An index over the catalog's ids whose lookups tolerate int vs str ids."""
    return pd.Index(catalog.item_ids)


def _latest_per_pair(users: np.ndarray, items: np.ndarray, ts: np.ndarray, catalog_size: int) -> np.ndarray:
    """Boolean mask keeping, per (user, item), the row with the greatest timestamp,
    ties going to the later row in the file. Vectorised: one lexsort."""
    n = len(users)
    pair = users * max(1, catalog_size) + items
    sorted_pairs = np.sort(pair)
    if n < 2 or (sorted_pairs[1:] != sorted_pairs[:-1]).all():
        return np.ones(n, dtype=bool)  # the common case: no duplicates, skip the lexsort
    pos = np.arange(n)
    order = np.lexsort((pos, ts, pair))  # by pair, then timestamp, then file position
    last = np.ones(n, dtype=bool)
    last[:-1] = pair[order][1:] != pair[order][:-1]  # last row of each pair group wins
    keep = np.zeros(n, dtype=bool)
    keep[order[last]] = True
    return keep


def parse_genres(values: pd.Series, sep: str, none_token: str | None = None) -> list[tuple[str, ...]]:
    """'Animation|Children's|Comedy' -> ('Animation', "Children's", 'Comedy').

    none_token (ml-latest's '(no genres listed)') and empty strings give ().
    One split per item, not per rating, so a plain comprehension is fine.
    """
    out = []
    for text in values.tolist():
        parts = tuple(g for g in (p.strip() for p in text.split(sep)) if g and g != none_token)
        out.append(parts)
    return out
