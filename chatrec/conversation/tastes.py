"""Cold start that holds up (issue 17, item 10): what a conversation has said it likes
before any rating, and the first lists that lean on it.

`heard(tastes, query)` keeps, per session, the genres heard so far — named or said as a
mood through the genre table ("something funny" is Comedy) — as net mentions: each
wish +1, each "no horror" -1. `Starters` ranks a session that has no rating: how much
a film is watched (log of its rating count), tilted by how well it is liked (its
average rating), plus a lean toward the genres heard and away from those ruled out.

Why this and not the weighted average alone: on the ReDial dev conversations (real
people asking for films, bench/bench_redial.py) the films a human recommender went on
to suggest are mostly well-known ones, and a quality-first list ranks them lower than
a plain most-watched list (Recall@50 0.21 vs 0.30 on train). The constants below were
chosen on ReDial's train split only, by bench/bench_coldstart.py (its grid and the
valid figures are in docs/benchmarks/redial.md): QUALITY 0.5 and LEAN 2.0 give train
Recall@50 0.59 (most-watched 0.30); every QUALITY 0.25-0.75 with LEAN 1.5-3.0 lies
within 0.05 of it.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: weight of a film's weighted average (on a 1-5 scale) beside log(1 + its count):
#: one point of average is worth a factor e^0.5 = 1.65 in ratings
QUALITY = 0.5
#: what the genres heard add, in the same log units, shared among them by how often
#: each was heard: with one genre, its films gain a factor e^2 = 7.4 in ratings
LEAN = 2.0
#: what a genre ruled out ("no horror") costs: far down, though not filtered out (a
#: list that asks for it again gets it)
AVOID = 3.0
#: net mentions are kept within this many, so one repeated word can't dominate later
CAP = 5.0


def heard(tastes: Mapping[str, float], query) -> dict[str, float] | None:
    """The session's tastes after `query` (its genres and exclusions), or None when it
    adds nothing. Net mentions: a genre wished for again after "no horror" comes back
    to neutral, then positive."""
    if not (query.genres or query.exclude_genres):
        return None
    out = {str(g): float(v) for g, v in tastes.items()}
    for g in query.genres:
        out[g] = min(CAP, out.get(g, 0.0) + 1.0)
    for g in query.exclude_genres:
        out[g] = max(-CAP, out.get(g, 0.0) - 1.0)
    return {g: v for g, v in out.items() if v}


def leaning(tastes: Mapping[str, float]) -> tuple[list[str], list[str]]:
    """(genres leaned toward, most heard first; genres ruled out)."""
    liked = sorted((g for g, v in tastes.items() if v > 0), key=lambda g: -tastes[g])
    return liked, sorted(g for g, v in tastes.items() if v < 0)


class Starters:
    """The first lists of a session with no rating. `scores(tastes)` over the catalog;
    -inf for films nobody rated (nothing says anyone would like them)."""

    def __init__(self, catalog, counts: np.ndarray, means: np.ndarray,
                 scale: tuple[float, float], quality: float = QUALITY,
                 lean: float = LEAN) -> None:
        counts = np.asarray(counts, dtype=np.float64)
        lo, hi = scale
        liked = 1.0 + 4.0 * (np.asarray(means, float) - lo) / ((hi - lo) or 1.0)
        self.base = np.log1p(counts) + quality * liked
        self.base[counts == 0] = -np.inf
        self.catalog, self.lean = catalog, lean

    def scores(self, tastes: Mapping[str, float] | None) -> np.ndarray:
        liked, avoided = leaning(tastes or {})
        if not liked and not avoided:
            return self.base
        s = self.base.copy()
        total = sum(tastes[g] for g in liked)
        for g in liked:
            mask = self.catalog.genre_mask(g)
            if mask is not None:
                s += self.lean * tastes[g] / total * mask
        for g in avoided:
            mask = self.catalog.genre_mask(g)
            if mask is not None:
                s -= AVOID * mask
        return s


def lean_text(tastes: Mapping[str, float] | None, join) -> str:
    """', leaning to Comedy and Horror (you mentioned them)' / ', less Horror'; ''."""
    liked, avoided = leaning(tastes or {})
    bits = []
    if liked:
        them = "it" if len(liked) == 1 else "them"
        bits.append(f"leaning to {join(liked)} (you mentioned {them})")
    if avoided:
        bits.append(f"keeping away from {join(avoided, 'and')}")
    return (", " + ", ".join(bits)) if bits else ""


def lean_reason(genres: list[str], tastes: Mapping[str, float] | None) -> str | None:
    """'Comedy, which you mentioned' for a film of a genre heard; None otherwise."""
    liked, _ = leaning(tastes or {})
    shared = [g for g in liked if g in genres]
    if not shared:
        return None
    return f"{' and '.join(shared[:2])}, which you mentioned"
