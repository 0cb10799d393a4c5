"""models.ranking.top_k: the one top-k routine every model and chat list uses."""
from __future__ import annotations

import numpy as np

from models.ranking import top_k


def test_non_finite_scores_are_never_returned_and_ties_go_to_the_lower_index():
    s = np.array([0.5, np.nan, 0.9, -np.inf, 0.5, np.inf, 0.1])
    idx, vals = top_k(s, 10)
    assert idx.tolist() == [2, 0, 4, 6] and vals.tolist() == [0.9, 0.5, 0.5, 0.1]
    assert top_k(s, 2)[0].tolist() == [2, 0]
    assert np.isnan(s[1])                            # the caller's scores are untouched


def test_excluded_and_disallowed_items_are_skipped():
    s = np.arange(10, dtype=float)
    allowed = s % 2 == 0
    assert top_k(s, 3, exclude=np.array([8]), allowed=allowed)[0].tolist() == [6, 4, 2]
    assert top_k(s, 2, exclude=s > 7)[0].tolist() == [7, 6]
    assert top_k(np.full(4, np.nan), 3)[0].tolist() == []
    assert top_k(s, 0)[0].tolist() == []
