"""Whether a model can be fitted at a dataset's size, said before the fit starts.

Every model estimates its fit time from the data's shape (`Recommender.fit_seconds`,
models/cost.py: users, items, ratings, and the multiply-adds of its neighbour products).
The trainer shows the estimate on its progress line ("fitting hybrid (about 2 min)"),
and does not start a fit estimated above the limit: the model is reported as not
trained, with the estimate, the data's size and the setting that allows it, instead of
running silently for a quarter of an hour. The limit is `CHATREC_FIT_LIMIT_MINUTES`
(default 30; the estimates are for a free core, so a loaded machine takes longer).
"""
from __future__ import annotations

import os

from chatrec.errors import UsageError
from models.base import Recommender
from models.cost import DataShape

LIMIT_SETTING = "CHATREC_FIT_LIMIT_MINUTES"
DEFAULT_LIMIT_MINUTES = 30.0


def limit_seconds(env=os.environ) -> float:
    """The longest fit the trainer starts, in seconds (`LIMIT_SETTING`)."""
    raw = (env.get(LIMIT_SETTING) or "").strip()
    if not raw:
        return DEFAULT_LIMIT_MINUTES * 60
    try:
        minutes = float(raw)
    except ValueError:
        minutes = -1.0
    if not minutes > 0:
        raise UsageError(f"{LIMIT_SETTING}={raw!r}: give a positive number of minutes")
    return minutes * 60


def estimate(cls: type[Recommender], shape: DataShape) -> float:
    """Seconds the fit of `cls` should take on one free core (0 when unknown)."""
    try:
        return max(0.0, float(cls.fit_seconds(shape)))
    except Exception:  # noqa: BLE001 - an estimate must never stop a fit
        return 0.0


def refusal(name: str, seconds: float, shape: DataShape, limit: float) -> str | None:
    """Why `name` is not fitted (its estimate is above `limit`), or None."""
    if seconds <= limit:
        return None
    return (f"would take {about(seconds)} on {shape.describe()}, more than the "
            f"{about(limit)} limit; not started (raise {LIMIT_SETTING} to fit it anyway)")


def about(seconds: float) -> str:
    """'about 40 s', 'about 3 min', 'about 2.5 h'."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"
