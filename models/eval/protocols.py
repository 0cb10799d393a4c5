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
from typing import Callable

import numpy as np

from models.base import Recommender
from models.data import Catalog, Ratings
from models.data.splits import kfold, time_split
from models.diversity import intra_list_diversity, pool_size, rerank, validation_weight
from models.errors import PredictionImpossible
from models.eval import metrics
from models.progress import Progress, silent
from models.ranking import top_k_batch
from models.registry import model_class

#: re-orders one user's candidates (items, scores) best first -> the k to show
Reranker = Callable[[np.ndarray, np.ndarray], np.ndarray]

RATING_KEYS = ("rmse", "mae")
TOPN_KEYS = ("precision@10", "recall@10", "ndcg@10", "map@10", "mrr", "hit_rate@10",
             "coverage", "novelty", "ild@10")
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
               progress: Progress = silent, rerank: Reranker | None = None) -> TopN:
    """Batch-score `users`, mask non-candidates, take the top k (ties by item index).

    With `relevant`, also the full-list rank of each user's best relevant item (for MRR),
    counted exactly as a full sort with the same tie-break would place it.
    rerank(items, scores) -> k items re-orders each user's top `pool_size(k)` (the
    diversity stage); the rest of the list keeps its order behind the k picks."""
    absent = train.item_counts() == 0
    seen = train.csr()
    n = len(users)
    depth = pool_size(k) if rerank is not None else k
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
        top = top_k_batch(sc, depth)
        top_s = np.take_along_axis(sc, top, axis=1)
        for r in range(len(ub)):
            ok = np.isfinite(top_s[r])        # fewer than k candidates: pad with -1
            row_items = top[r][ok]
            if rerank is not None:
                row_items = rerank(row_items, top_s[r][ok])
            row_items = row_items[:k]
            items[s + r, :len(row_items)] = row_items
            scores[s + r, :len(row_items)] = sc[r, row_items]
            if relevant is not None:
                first[s + r] = _first_rank(sc[r], relevant[s + r], row_items)
        progress(min(s + batch, n), n, "ranking users")
    return TopN(users, items, scores, relevant or [], first)


def _first_rank(row: np.ndarray, relevant: np.ndarray, head: np.ndarray) -> int:
    """1-based rank of the best relevant item in the list `head` + the rest of the full
    ranking of `row` (same tie-break); 0 when no relevant item is rankable."""
    def rank(i: int) -> int:  # 1 + #(score > s_i) + #(score == s_i and index < i)
        v = row[i]
        return 1 + np.count_nonzero(row > v) + np.count_nonzero(row[:i] == v)
    in_head = np.flatnonzero(np.isin(head, relevant))
    if in_head.size:
        return int(in_head[0]) + 1
    head_ranks = np.array([rank(int(i)) for i in head])
    ranks = [len(head) + r - np.count_nonzero(head_ranks < r)
             for r in (rank(int(i)) for i in relevant if np.isfinite(row[i]))]
    return int(min(ranks)) if ranks else 0


def topn_metrics(model: Recommender, train: Ratings, test: Ratings, k: int = 10,
                 threshold: float = 4.0, progress: Progress = silent,
                 vectors: Callable | None = None, rerank: Reranker | None = None
                 ) -> tuple[dict, TopN]:
    """Averaged top-N metrics of the §7 protocol, and the lists they came from.

    vectors(items) -> item rows (the similar route's `item_vectors`) adds the lists'
    intra-list diversity ("ild@10", else None); rerank: see `rank_lists`."""
    rel = relevant_sets(train, test, threshold)
    users = np.fromiter(rel.keys(), dtype=np.int64, count=len(rel))
    lists = rank_lists(model, train, users, k, list(rel.values()), progress=progress,
                       rerank=rerank)
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
    out["ild@10"] = intra_list_diversity(flat, vectors) if vectors is not None else None
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
                   progress: Progress = silent, keep_models: dict | None = None,
                   vectors_model: str | None = None, diversify: dict[str, bool] | None = None
                   ) -> dict[str, dict]:
    """Top-N (and, if `rating`, RMSE/MAE) on one given (train, test) split.

    keep_models: optional dict filled with the fitted models (for the CSV writers).
    vectors_model: a model with `item_vectors` (the similar route's), fitted on train,
    whose vectors give every model's intra-list diversity. diversify: {name: keep_order}
    of models also reported as "NAME+mmr", their lists re-ranked by models/diversity.py
    with the weight an inner split of train picks (NDCG@10 within 1% of the plain
    lists); keep_order: MMR picks the set, shown in score order (see `rerank`)."""
    params, diversify = params or {}, diversify or {}
    vectors = fit_timed(vectors_model, train, catalog)[0] if vectors_model else None
    item_vectors = vectors.item_vectors if vectors is not None else None
    out = {}
    for j, n in enumerate(names):
        model, secs = fit_timed(n, train, catalog, params.get(n))
        res = rating_metrics(model, test) if rating else dict.fromkeys(RATING_KEYS)
        res.update(topn_metrics(model, train, test, vectors=item_vectors)[0])
        res["fit_seconds"] = secs
        out[n] = res
        if keep_models is not None:
            keep_models[n] = model
        if n in diversify and vectors is not None:
            out[f"{n}+mmr"] = _diversified(n, model, train, test, catalog, params.get(n),
                                           vectors_model, vectors, diversify[n])
        progress(j + 1, len(names), f"split {n}")
    return out


def _diversified(name, model, train, test, catalog, params, vectors_model, vectors,
                 keep_order: bool) -> dict:
    """Top-N metrics of `model`'s lists after the MMR stage, its weight chosen on an
    inner split of `train` (models.diversity.validation_weight)."""
    choice = validation_weight(lambda d: build(name, params).fit(d, catalog),
                               lambda d: build(vectors_model).fit(d, catalog), train,
                               keep_order=keep_order)
    weight = choice["weight"]

    def diversify(items, scores):
        return rerank(items, scores, vectors.item_vectors(items), 10, weight, keep_order)
    res = dict.fromkeys(RATING_KEYS)
    res.update(topn_metrics(model, train, test, vectors=vectors.item_vectors,
                            rerank=diversify)[0])
    return {**res, "fit_seconds": None, "diversity_weight": weight}


def evaluate_timesplit(names: list[str], ratings: Ratings, catalog: Catalog, **kw
                       ) -> dict[str, dict]:
    """Top-N protocol on the per-user time split (rating metrics left as None)."""
    train, test = time_split(ratings)
    return evaluate_split(names, train, test, catalog, rating=False, **kw)
