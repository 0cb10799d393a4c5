"""Dataset access for bench scripts (not product code).

Uses `chatrec.data.datasets.load(name)` when it exists; otherwise reads the recbole copy of
ML-100K from $CHATREC_ML100K_DIR (default /tmp/rb/recbole/dataset_example/ml-100k), the
tab-separated `ml-100k.inter` / `ml-100k.item` files with typed headers.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from models.data import Catalog, Ratings

RECBOLE_DIR = Path(os.environ.get("CHATREC_ML100K_DIR", "/tmp/rb/recbole/dataset_example/ml-100k"))


def load(name: str = "ml-100k") -> tuple[Catalog, Ratings]:
    try:
        from chatrec.data import datasets  # the product loader, once it exists
        return datasets.load(name)
    except (ImportError, AttributeError):
        if name != "ml-100k":
            raise
    return _load_recbole(RECBOLE_DIR)


def _load_recbole(d: Path) -> tuple[Catalog, Ratings]:
    items = pd.read_csv(d / "ml-100k.item", sep="\t", dtype=str, keep_default_na=False)
    items.columns = [c.split(":")[0] for c in items.columns]
    ids = items["item_id"].astype(int).to_numpy()
    order = np.argsort(ids)
    items = items.iloc[order]
    years = pd.to_numeric(items["release_year"], errors="coerce").fillna(0).astype(np.int32)
    cat = Catalog(
        item_ids=ids[order],
        titles=items["movie_title"].to_numpy(dtype=object),
        years=years.to_numpy(),
        genres=tuple(tuple(g.split()) for g in items["class"]),
        name="ml-100k",
    )
    inter = pd.read_csv(d / "ml-100k.inter", sep="\t")
    inter.columns = [c.split(":")[0] for c in inter.columns]
    uids, uidx = np.unique(inter["user_id"].to_numpy(), return_inverse=True)
    iidx = np.searchsorted(cat.item_ids, inter["item_id"].to_numpy())
    r = Ratings(
        users=uidx.astype(np.int32), items=iidx.astype(np.int32),
        values=inter["rating"].to_numpy(np.float32),
        timestamps=inter["timestamp"].to_numpy().astype(np.int64),
        user_ids=uids, n_items=len(cat), name="ml-100k",
    )
    return cat, r
