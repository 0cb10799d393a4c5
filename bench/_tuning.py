"""The one tuning rule of the bench scripts, for chatrec's models and the peers alike.

Every tuned row is chosen by `models.solvers.tuning.choose` over at most BUDGET candidate
settings, each scored on the SAME inner validation split of the training part (a
random 80/20 holdout for rating prediction, the per-user time split again for top-N);
the test split is never seen. The chosen setting is then refitted on the whole
training part.
"""
from __future__ import annotations

import sys
import time

from models.solvers.tuning import choose

#: candidate settings per tuned model (the same for chatrec's models and the peers)
BUDGET = 12


def tune(label: str, candidates: list[dict], score, defaults: dict, higher: bool = True
         ) -> tuple[dict, float]:
    """(best setting, search seconds); prints the validation table to stderr."""
    if len(candidates) > BUDGET:
        raise ValueError(f"{label}: {len(candidates)} candidates exceed the budget {BUDGET}")
    t0 = time.perf_counter()
    sign = 1.0 if higher else -1.0
    choice = choose(candidates, lambda p: sign * score(p), defaults, label)
    secs = time.perf_counter() - t0
    for params, value in choice.table:
        print(f"# {label} validation {sign * value:.4f} {params}", file=sys.stderr)
    print(f"# {label} chose {choice.params} in {secs:.1f} s", file=sys.stderr, flush=True)
    return choice.params, secs
