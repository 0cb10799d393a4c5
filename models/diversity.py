"""A diversity stage: Maximal Marginal Relevance re-ranking (Carbonell & Goldstein 1998)
of a ranked candidate list, on the item vectors of the `similar` route.

    next = argmax_i  (1 - w) * rel(i) - w * max_{j already picked} cos(i, j)

rel is the candidates' score scaled to [0, 1]; w = 0 returns the list unchanged, larger
w trades relevance for lists that are not all one kind of film (all Disney musicals
for Toy Story). The weight of each route is chosen on an inner validation split of the
training data (`choose_weight`): the largest weight whose validation NDCG@10 stays
within `max_drop` (1%) of the unchanged list's.

    order = rerank(candidates, scores, vectors, k, weight)
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

#: weights tried by `choose_weight` (0 = no re-rank)
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
#: candidates fetched per list before re-ranking, as a multiple of k (at least POOL_MIN)
POOL_FACTOR, POOL_MIN = 3, 30
#: the weight is chosen on the ratings of at most this many users (a fixed random
#: sample): both models are refitted on them, so the choice costs seconds whatever the
#: data's size (all of ML-1M's 6,040 users; 20k of ML-25M's 162k)
MAX_USERS = 20_000


def pool_size(k: int) -> int:
    """How many top candidates to fetch so that a re-rank can pick k of them."""
    return max(POOL_MIN, POOL_FACTOR * k)


def cosines(vectors) -> np.ndarray:
    """Pairwise cosine similarity of the rows (dense or sparse; zero rows give 0).

    Sparse rows stay sparse: densifying thousands of feature columns per list, and a
    threaded BLAS call per list, cost far more than the n x n result."""
    import scipy.sparse as sp  # deferred: this module is imported by every start
    if sp.issparse(vectors):
        g = np.asarray((vectors @ vectors.T).toarray(), np.float64)
    else:
        v = np.asarray(vectors, np.float64)
        g = v @ v.T
    norm = np.sqrt(np.clip(np.diag(g), 0.0, None))
    norm[norm == 0] = 1.0
    return g / norm[:, None] / norm[None, :]


def rerank(candidates, scores, vectors, k: int, weight: float, keep_order: bool = False
           ) -> np.ndarray:
    """k of `candidates` (best first) picked and ordered by MMR.

    candidates: (n,) item indices, best first; scores: (n,) their scores; vectors:
    (n, d) rows for the same items (dense or sparse; cosine similarity); weight in
    [0, 1]. Returns k (or fewer, if fewer candidates) item indices. Ties go to the
    earlier candidate, so weight 0 keeps the input order. keep_order: MMR only picks
    the set, shown in the candidates' order (a "top-rated" list whose order must
    agree with the averages it shows)."""
    candidates = np.asarray(candidates)
    k = min(int(k), len(candidates))
    if weight <= 0 or k <= 1:
        return candidates[:k].copy()
    picks = mmr_order(relevance(scores), cosines(vectors), k, weight)
    return candidates[np.sort(picks) if keep_order else picks]


def relevance(scores) -> np.ndarray:
    """Scores scaled to [0, 1] (non-finite ones count as 0)."""
    s = np.asarray(scores, np.float64)
    if s.size and np.isfinite(s).all():    # the usual list: no NaN handling needed
        lo, hi = s.min(), s.max()
        r = (s - lo) / (hi - lo) if hi > lo else np.ones_like(s)
        return r if np.isfinite(r).all() else np.nan_to_num(r, nan=0.0)
    s = np.where(np.isfinite(s), s, np.nan)
    if np.isnan(s).all():
        return np.zeros(len(s))
    lo, hi = np.nanmin(s), np.nanmax(s)
    return np.nan_to_num((s - lo) / (hi - lo) if hi > lo else np.ones_like(s), nan=0.0)


def mmr_order(rel: np.ndarray, sim: np.ndarray, k: int, weight: float) -> np.ndarray:
    """Positions of the k picks of one list, in order: `mmr_orders` for one list, the
    same picks, on 1-D arrays (the batched loop's 2-D indexing costs ~4x more per list,
    and a chat turn makes one list). Two exact rewrites keep it to three vector
    operations a pick: a picked slot's base becomes -inf (so its gain is -inf without a
    masked write), and weight x max(sims) is kept as max(weight x sims), the same
    number since rounding a product by weight > 0 keeps the order of its factors."""
    rel = np.asarray(rel, np.float64)
    k = min(int(k), len(rel))
    picked = ~np.isfinite(rel)                 # empty slots are never picked
    base = (1 - weight) * np.where(picked, 0.0, rel)
    base[picked] = -np.inf
    wsim = weight * np.asarray(sim, np.float64)
    gain = base.copy()
    wclosest = None                            # weight x max similarity to a pick
    out: list[int] = []
    for t in range(k):
        if t:
            np.subtract(base, wclosest, out=gain)
        best = int(gain.argmax())
        if not math.isfinite(gain[best]):      # no candidate left
            break
        out.append(best)
        base[best] = -np.inf
        if t == 0:
            wclosest = wsim[best].copy()
        else:
            np.maximum(wclosest, wsim[best], out=wclosest)
    return np.array(out, dtype=np.int64)


def mmr_orders(rel: np.ndarray, sim: np.ndarray, k: int, weight: float) -> np.ndarray:
    """The MMR loop for many lists at once: rel (n, p) relevances (-inf = no candidate
    in that slot), sim (n, p, p) cosines; returns (n, k) positions in pick order, -1
    where a list ran out of candidates. Ties go to the earlier position."""
    n, p = rel.shape
    k = min(int(k), p)
    rows = np.arange(n)
    picked = ~np.isfinite(rel)                 # empty slots are never picked
    base = (1 - weight) * np.where(picked, 0.0, rel)
    closest = np.zeros((n, p))                 # max similarity to a picked item
    out = np.full((n, k), -1, dtype=np.int64)
    for t in range(k):
        gain = base - weight * closest if t else base.copy()
        gain[picked] = -np.inf
        best = np.argmax(gain, axis=1)
        ok = np.isfinite(gain[rows, best])
        out[ok, t] = best[ok]
        picked[rows[ok], best[ok]] = True
        closest = sim[rows, best] if t == 0 else np.maximum(closest, sim[rows, best])
    return out


def intra_list_diversity(lists: list[np.ndarray], vectors: Callable[[np.ndarray], object]
                         ) -> float:
    """Mean over lists of the mean pairwise cosine distance (1 - cos) inside each list
    (Ziegler et al. 2005); lists with fewer than 2 items are skipped.

    vectors(items) -> rows for those items (the similar route's `item_vectors`)."""
    per_list = []
    for items in lists:
        items = np.asarray(items)
        items = items[items >= 0]
        if len(items) < 2:
            continue
        sim = cosines(vectors(items))
        n = len(items)
        per_list.append(1.0 - (sim.sum() - np.trace(sim)) / (n * (n - 1)))
    return float(np.mean(per_list)) if per_list else float("nan")


def choose_weight(ndcg_at: Callable[[float], float], max_drop: float = 0.01,
                  weights=WEIGHTS) -> dict:
    """The largest weight whose validation NDCG@10 is >= (1 - max_drop) x that of the
    unchanged list (weight 0). ndcg_at(weight) scores one weight on validation.

    Returns {"weight", "ndcg", "ndcg_plain", "tried": {weight: ndcg}}."""
    plain = ndcg_at(0.0)
    tried = {0.0: plain}
    best = 0.0
    for w in sorted(x for x in weights if x > 0):
        tried[w] = ndcg_at(w)
        if np.isfinite(tried[w]) and tried[w] >= (1 - max_drop) * plain:
            best = w
    return {"weight": best, "ndcg": tried[best], "ndcg_plain": plain,
            "tried": {str(w): v for w, v in tried.items()}}


def validation_weight(fit_route: Callable, fit_vectors: Callable, train, k: int = 10,
                      max_drop: float = 0.01, weights=WEIGHTS, keep_order: bool = False,
                      max_users: int = MAX_USERS) -> dict:
    """`choose_weight` for one route on an inner time split of `train` (never test data),
    or of the ratings of `max_users` of its users (a fixed random sample) when it has more.

    fit_route(ratings) -> the route's model fitted on them; fit_vectors(ratings) -> a
    model with `item_vectors(items)` (the similar route's). Data too small to split
    gives weight 0 (no re-rank) with a warning. keep_order: see `rerank`."""
    from models.solvers.tuning import RankingValidation, TooSmallToTune, fallback, inner_split
    active = np.unique(train.users)
    if len(active) > max_users:
        keep = np.random.default_rng(0).choice(active, max_users, replace=False)
        train = train.subset(np.isin(train.users, keep))
    try:
        fit, val = inner_split(train, "time")
    except TooSmallToTune as e:
        return {"weight": 0.0, "fallback": fallback({"weight": 0.0}, "diversity", e).fallback}
    check = RankingValidation(fit, val, k=k)
    items, scores = check.top(fit_route(fit).score_users(check.users), pool_size(k))
    vectors = fit_vectors(fit)
    n, p = items.shape
    rel = np.full((n, p), -np.inf)
    sim = np.zeros((n, p, p))
    for r, row in enumerate(items):              # one small Gram matrix per list
        m = int((row >= 0).sum())
        rel[r, :m] = relevance(scores[r, :m])
        sim[r, :m, :m] = cosines(vectors.item_vectors(row[:m]))

    def ndcg_at(w: float) -> float:
        if w <= 0:
            return check.ndcg_lists(items[:, :k])
        picks = mmr_orders(rel, sim, k, w)
        if keep_order:  # the picked set in candidate order; -1 (none) stays last
            picks = np.sort(np.where(picks < 0, p, picks), axis=1)
            picks[picks == p] = -1
        lists = np.where(picks >= 0, np.take_along_axis(items, np.maximum(picks, 0), 1), -1)
        return check.ndcg_lists(lists)
    return choose_weight(ndcg_at, max_drop, weights)
