"""The diversity stage's cosines between a list's candidates, from what a bundle
computes once instead of on every turn.

`models.diversity.rerank(candidates, scores, model.item_vectors(candidates), ...)`
builds the candidates' vector rows (a sparse hstack of content and collaborative rows)
and their Gram matrix on every list: ~0.7 ms of scipy overhead per turn on ML-100K,
most of a `popular` turn. Here the rows of every item are built once per model; a
catalog small enough (`FULL_MAX` items: ML-100K's 1,682 take 22 MB) also keeps the
whole cosine matrix, so a list's cosines are one fancy index. The numbers are the
ones `models.diversity.cosines(model.item_vectors(candidates))` gives, bit for bit:
each Gram entry is the same sparse dot product of the same two rows, and the norms
come from the same diagonal (tests/chatrec/training/test_item_cosines.py).
"""
from __future__ import annotations

import threading

import numpy as np

#: catalogs up to this many items keep the whole n x n cosine matrix (float64: 32 MB)
FULL_MAX = 2048


class ItemCosines:
    """cosines(items) -> the (n, n) cosine matrix of those items' `item_vectors`."""

    def __init__(self, model) -> None:
        self.model = model
        self._rows = None          # every item's vector row (CSR), built on first use;
        #                            False: not built (the model has no n_items)
        self._full: np.ndarray | None = None
        self._lock = threading.Lock()  # the HTTP app's threads may ask at once

    def _build(self) -> None:
        from models.diversity import cosines
        n = getattr(self.model, "n_items", None)
        if n is None:
            self._rows = False
            return
        rows = self.model.item_vectors(np.arange(n, dtype=np.int64)).tocsr()
        if n <= FULL_MAX:
            self._full = cosines(rows)
        self._rows = rows

    def __call__(self, items) -> np.ndarray:
        from models.diversity import cosines
        if self._rows is None:
            with self._lock:
                if self._rows is None:
                    self._build()
        items = np.asarray(items, dtype=np.int64)
        if self._rows is False:    # a model that cannot say how many items it has
            return cosines(self.model.item_vectors(items))
        if self._full is not None:
            return self._full[items[:, None], items]   # np.ix_, less overhead
        return cosines(self._rows[items])
