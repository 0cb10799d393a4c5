"""Tiny in-memory datasets for tests with known answers."""
from __future__ import annotations

import numpy as np

from models.data import Catalog, Ratings


def make_catalog(titles, years=None, genres=None, links=None, item_ids=None) -> Catalog:
    n = len(titles)
    return Catalog(
        item_ids=np.asarray(item_ids if item_ids is not None else np.arange(1, n + 1)),
        titles=np.asarray(titles, dtype=object),
        years=np.asarray(years if years is not None else [0] * n, dtype=np.int32),
        genres=tuple(tuple(g) for g in (genres if genres is not None else [()] * n)),
        links=tuple(tuple(x) for x in links) if links is not None else None,
        name="tiny",
    )


def make_ratings(rows, n_items: int, user_ids=None) -> Ratings:
    """rows: iterable of (user_index, item_index, rating[, timestamp])."""
    rows = [tuple(r) + (0,) * (4 - len(r)) for r in rows]
    arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
    users = arr[:, 0].astype(np.int32)
    n_users = int(users.max()) + 1 if len(users) else 0
    return Ratings(
        users=users,
        items=arr[:, 1].astype(np.int32),
        values=arr[:, 2].astype(np.float32),
        timestamps=arr[:, 3].astype(np.int64),
        user_ids=np.asarray(user_ids if user_ids is not None else np.arange(1, n_users + 1)),
        n_items=n_items,
        name="tiny",
    )


def checkerboard(n_users: int = 8, n_items: int = 8) -> Ratings:
    """Two taste groups: even users love even items (5) and hate odd ones (1), odd
    users the reverse. One rating per group per item is held out by the caller."""
    rows = [
        (u, i, 5.0 if (u % 2) == (i % 2) else 1.0, u * n_items + i)
        for u in range(n_users) for i in range(n_items)
    ]
    return make_ratings(rows, n_items)
