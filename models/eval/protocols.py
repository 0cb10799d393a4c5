"""The two evaluation protocols of DESIGN.md §7, over models built by name.

- Rating prediction: K-fold random CV; RMSE and MAE averaged over folds, fit seconds
  per fold. Models that do not predict ratings (or raise PredictionImpossible) get None.
- Top-N on a per-user time split: relevant = test items rated >= 4; candidates = items
  present in train that the user did not rate in train; users with >= 1 relevant item
  are averaged. Ties are broken by item index (models.ranking.top_k_batch).

Everything works on indices; models/eval/results_io.py writes CSVs with external ids.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models.eval import metrics
from models.base import Recommender
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.progress import Progress, silent
from models.ranking import top_k_batch
from models.registry import model_class
from models.data.splits import kfold, time_split

RATING_KEYS = ("rmse", "mae")
TOPN_KEYS = ("precision@10", "recall@10", "ndcg@10", "map@10", "mrr", "hit_rate@10",
             "coverage", "novelty")
ALL_KEYS = RATING_KEYS + TOPN_KEYS + ("fit_seconds",)


def build(name: str, params: dict | None = None) -> Recommender:
    """A fresh, unfitted model by its CLI name (models.registry)."""
    return model_class(name)(**(params or {}))


def fit_timed(name: str, train: Ratings, catalog: Catalog, params: dict | None = None
              ) -> tuple[Recommender, float]:
    model = build(name, params)
    t0 = time.perf_counter()
    model.fit(train, catalog)
    return model, time.perf_counter() - t0


# ---- rating prediction -----------------------------------------------------------------
def predict_or_none(model: Recommender, test: Ratings) -> np.ndarray | None:
    """Predicted ratings for every test row, or None when the model cannot predict."""
    if not model.predicts_ratings:
        return None
    try:
        return np.asarray(model.predict(test.users, test.items), dtype=np.float64)
    except PredictionImpossible:
        return None


def rating_metrics(model: Recommender, test: Ratings) -> dict:
    pred = predict_or_none(model, test)
    if pred is None:
        return dict.fromkeys(RATING_KEYS)
    return {"rmse": metrics.rmse(test.values, pred), "mae": metrics.mae(test.values, pred)}


# ---- top-N -------------------------------------------------------------------------------
@dataclass
class TopN:
    """Top-k lists of the evaluated users (indices) and the per-user relevant sets."""

    users: np.ndarray          # (n,) user indices with >= 1 relevant test item
    items: np.ndarray          # (n, k) item indices, best first; -1 pads short lists
    scores: np.ndarray         # (n, k)
    relevant: list[np.ndarray]
    first_rank: np.ndarray     # (n,) 1-based rank of the best relevant item in the full list


def relevant_sets(train: Ratings, test: Ratings, threshold: float = 4.0
                  ) -> dict[int, np.ndarray]:
    """user -> relevant test items: every test item rated >= threshold (§7). Items no
    one rated in train stay relevant although they cannot be recommended: they count
    against recall and IDCG, as the protocol says."""
    keep = test.values >= threshold
    out: dict[int, list] = {}
    for u, i in zip(test.users[keep].tolist(), test.items[keep].tolist()):
        out.setdefault(u, []).append(i)
    return {u: np.unique(v) for u, v in sorted(out.items())}


def rank_lists(model: Recommender, train: Ratings, users: np.ndarray, k: int = 10,
               relevant: list[np.ndarray] | None = None, batch: int = 512,
               progress: Progress = silent) -> TopN:
    """Batch-score `users`, mask non-candidates, take the top k (ties by item index).

    With `relevant`, also the full-list rank of each user's best relevant item (for MRR),
    counted exactly as a full sort with the same tie-break would place it."""
    absent = train.item_counts() == 0
    seen = train.csr()
    n = len(users)
    items = np.full((n, k), -1, dtype=np.int64)
    scores = np.full((n, k), np.nan)
    first = np.zeros(n, dtype=np.int64)
    for s in range(0, n, batch):
        ub = users[s:s + batch]
        sc = np.array(model.score_users(ub), dtype=np.float64)
        sc[np.isnan(sc)] = -np.inf
        sc[:, absent] = -np.inf
        ex = seen[ub]
        sc[ex.nonzero()] = -np.inf          # what the user rated in train
        top = top_k_batch(sc, k)
        top_s = np.take_along_axis(sc, top, axis=1)
        ok = np.isfinite(top_s)               # fewer than k candidates: pad with -1
        kk = top.shape[1]                     # < k when the catalog is tiny
        items[s:s + len(ub), :kk] = np.where(ok, top, -1)
        scores[s:s + len(ub), :kk] = np.where(ok, top_s, np.nan)
        if relevant is not None:
            for r, u_rel in enumerate(relevant[s:s + len(ub)]):
                row = sc[r]
                rs = row[u_rel]
                # rank of item i = 1 + #(score > s_i) + #(score == s_i and index < i)
                ranks = [1 + np.count_nonzero(row > v) + np.count_nonzero(row[:i] == v)
                         for i, v in zip(u_rel.tolist(), rs.tolist()) if np.isfinite(v)]
                first[s + r] = min(ranks) if ranks else 0
        progress(min(s + batch, n), n, "ranking users")
    return TopN(users, items, scores, relevant or [], first)


def topn_metrics(model: Recommender, train: Ratings, test: Ratings, k: int = 10,
                 threshold: float = 4.0, progress: Progress = silent) -> tuple[dict, TopN]:
    """Averaged top-N metrics of the §7 protocol, and the lists they came from."""
    rel = relevant_sets(train, test, threshold)
    users = np.fromiter(rel.keys(), dtype=np.int64, count=len(rel))
    lists = rank_lists(model, train, users, k, list(rel.values()), progress=progress)
    if not len(users):
        return dict.fromkeys(TOPN_KEYS), lists
    per_user = []
    for ranked, relevant, fr in zip(lists.items, lists.relevant, lists.first_rank):
        ranked = ranked[ranked >= 0]
        per_user.append((
            metrics.precision_at_k(ranked, relevant, k),
            metrics.recall_at_k(ranked, relevant, k),
            metrics.ndcg_at_k(ranked, relevant, k),
            metrics.average_precision_at_k(ranked, relevant, k),
            1.0 / fr if fr > 0 else 0.0,
            metrics.hit_rate_at_k(ranked, relevant, k),
        ))
    m = np.mean(np.array(per_user), axis=0)
    flat = [r[r >= 0] for r in lists.items]
    popularity = train.item_counts()  # raters per item (one rating per user-item pair)
    n_train_users = int(np.unique(train.users).size)
    out = dict(zip(TOPN_KEYS[:6], map(float, m)))
    out["coverage"] = metrics.coverage(flat, train.n_items)
    out["novelty"] = metrics.novelty(flat, popularity, n_train_users)
    return out, lists


# ---- protocols -----------------------------------------------------------------------------
def evaluate_kfold(names: list[str], ratings: Ratings, catalog: Catalog, n_folds: int = 5,
                   seed: int = 0, params: dict | None = None, progress: Progress = silent
                   ) -> dict[str, dict]:
    """Rating protocol: {name: {"rmse", "mae", "fit_seconds"}} averaged over folds.

    Models whose class does not predict ratings are not fitted (all None)."""
    skipped = {n: dict.fromkeys(("rmse", "mae", "fit_seconds"))
               for n in names if not model_class(n).predicts_ratings}
    names = [n for n in names if n not in skipped]
    acc = {n: {"rmse": [], "mae": [], "fit_seconds": []} for n in names}
    folds = list(kfold(ratings, n_folds, seed))
    total, done = len(folds) * len(names), 0
    for train, test in folds:
        for n in names:
            model, secs = fit_timed(n, train, catalog, (params or {}).get(n))
            for key, v in rating_metrics(model, test).items():
                acc[n][key].append(v)
            acc[n]["fit_seconds"].append(secs)
            done += 1
            progress(done, total, f"kfold {n}")
    out = {n: {k: (None if any(x is None for x in v) else float(np.mean(v)))
               for k, v in d.items()} for n, d in acc.items()}
    return {**out, **skipped}


def evaluate_split(names: list[str], train: Ratings, test: Ratings, catalog: Catalog,
                   rating: bool = True, params: dict | None = None,
                   progress: Progress = silent, keep_models: dict | None = None
                   ) -> dict[str, dict]:
    """Top-N (and, if `rating`, RMSE/MAE) on one given (train, test) split.

    keep_models: optional dict filled with the fitted models (for the CSV writers)."""
    out = {}
    for j, n in enumerate(names):
        model, secs = fit_timed(n, train, catalog, (params or {}).get(n))
        res = rating_metrics(model, test) if rating else dict.fromkeys(RATING_KEYS)
        res.update(topn_metrics(model, train, test)[0])
        res["fit_seconds"] = secs
        out[n] = res
        if keep_models is not None:
            keep_models[n] = model
        progress(j + 1, len(names), f"split {n}")
    return out


def evaluate_timesplit(names: list[str], ratings: Ratings, catalog: Catalog, **kw
                       ) -> dict[str, dict]:
    """Top-N protocol on the per-user time split (rating metrics left as None)."""
    train, test = time_split(ratings)
    return evaluate_split(names, train, test, catalog, rating=False, **kw)
