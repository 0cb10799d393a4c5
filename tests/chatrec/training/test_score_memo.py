"""An asker's scores are computed once per model and asker, read-only, bounded."""
from __future__ import annotations

import numpy as np
import pytest

from chatrec.training.score_memo import ScoreMemo, profile_key


class Model:
    def __init__(self, base: float) -> None:
        self.base, self.calls = base, 0

    def score(self, u: int) -> np.ndarray:
        self.calls += 1
        return np.arange(5, dtype=np.float32) + self.base + u


def test_the_same_asker_is_scored_once_and_gets_the_same_numbers_read_only():
    memo, m = ScoreMemo(5), Model(0.0)
    first = memo(m, 3, lambda: m.score(3))
    again = memo(m, 3, lambda: m.score(3))
    assert m.calls == 1 and again is first
    assert first.dtype == np.float64 and first.tolist() == [3, 4, 5, 6, 7]
    with pytest.raises(ValueError):
        first[0] = 1.0                    # shared: nobody may change it


def test_models_and_askers_are_kept_apart_and_failures_are_not_remembered():
    memo, a, b = ScoreMemo(5), Model(0.0), Model(10.0)
    assert memo(a, 1, lambda: a.score(1))[0] == 1 and memo(b, 1, lambda: b.score(1))[0] == 11
    assert memo(a, 2, lambda: a.score(2))[0] == 2
    key1 = profile_key(np.array([1, 2]), np.array([5.0, 4.0]))
    key2 = profile_key(np.array([1, 2]), np.array([5.0, 3.0]))
    assert key1 != key2 and key1 == profile_key([1, 2], [5, 4])

    def fail():
        raise RuntimeError("no")
    with pytest.raises(RuntimeError):
        memo(a, 9, fail)
    assert memo(a, 9, lambda: a.score(9))[0] == 9


def test_memory_is_bounded_oldest_first():
    memo, m = ScoreMemo(1000, max_bytes=8 * 1000 * 4), Model(0.0)
    assert memo.size == 4
    for u in range(6):
        memo(m, u, lambda u=u: m.score(u))
    calls = m.calls
    memo(m, 5, lambda: m.score(5))        # recent: kept
    assert m.calls == calls
    memo(m, 0, lambda: m.score(0))        # the oldest: computed again
    assert m.calls == calls + 1
