"""A route model's scores for one asker, remembered for the asker's next list.

A conversation asks for picks, then `more`, then the same picks under a filter: each
list scored the whole catalog again for the same dataset user (a factor product and
a sparse x dense product, ~0.1-0.2 ms on ML-100K) or the same session profile (a
fold-in). The scores are a pure function of the model and the asker, so the last
few are kept, read-only, and keyed by the model object and the asker's user index or
profile. Memory is bounded by bytes, whatever the catalog's size.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

MEMO_BYTES = 32 * 1024 * 1024   # at most this much of remembered score vectors


class ScoreMemo:
    """memo(model, key, compute) -> compute()'s array, remembered under (model, key)."""

    def __init__(self, n_items: int, max_bytes: int = MEMO_BYTES) -> None:
        self.size = max(4, max_bytes // (8 * max(1, n_items)))
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()    # the HTTP app's threads share one dispatcher

    def __call__(self, model, key, compute: Callable[[], np.ndarray]) -> np.ndarray:
        full = (id(model), key)
        with self._lock:
            hit = self._kept.get(full)
            if hit is not None and hit[0] is model:
                self._kept.move_to_end(full)
                return hit[1]
        scores = np.array(compute(), dtype=np.float64)   # a copy we own
        scores.flags.writeable = False                   # shared from now on
        with self._lock:
            self._kept[full] = (model, scores)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return scores


def profile_key(items: np.ndarray, values: np.ndarray) -> tuple:
    """A session profile as a memo key: its items and values, in order."""
    return ("profile", np.asarray(items, np.int64).tobytes(),
            np.asarray(values, np.float64).tobytes())
