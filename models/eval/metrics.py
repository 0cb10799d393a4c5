"""Pure metric functions (no models, no I/O). Top-N metrics take one user's ranked
list and relevant set; `evaluation` averages them over users."""
from __future__ import annotations

import numpy as np


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    d = np.asarray(y_true, float) - np.asarray(y_pred, float)
    return float(np.sqrt(np.mean(d * d)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))))


def _hits(ranked, relevant, k: int | None) -> np.ndarray:
    ranked = np.asarray(ranked)[:k] if k else np.asarray(ranked)
    return np.isin(ranked, np.asarray(list(relevant) if isinstance(relevant, set) else relevant))


def precision_at_k(ranked, relevant, k: int) -> float:
    return float(_hits(ranked, relevant, k).sum() / k)


def recall_at_k(ranked, relevant, k: int) -> float:
    n_rel = len(relevant)
    return float(_hits(ranked, relevant, k).sum() / n_rel) if n_rel else 0.0


def ndcg_at_k(ranked, relevant, k: int) -> float:
    """Binary gain, log2 discount; IDCG over min(|relevant|, k) positions."""
    hits = _hits(ranked, relevant, k)
    if not len(relevant):
        return 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((hits * discounts[: len(hits)]).sum())
    idcg = float(discounts[: min(len(relevant), k)].sum())
    return dcg / idcg


def average_precision_at_k(ranked, relevant, k: int) -> float:
    """AP@k: mean of precision@i at each hit i <= k, over min(|relevant|, k)."""
    hits = _hits(ranked, relevant, k)
    if not len(relevant) or not hits.any():
        return 0.0
    prec = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((prec * hits).sum() / min(len(relevant), k))


def reciprocal_rank(ranked, relevant) -> float:
    """1 / rank of the first relevant item in the whole ranked list (0 if none)."""
    hits = np.flatnonzero(_hits(ranked, relevant, None))
    return float(1.0 / (hits[0] + 1)) if hits.size else 0.0


def hit_rate_at_k(ranked, relevant, k: int) -> float:
    return float(_hits(ranked, relevant, k).any())


def coverage(recommended_lists, n_items: int) -> float:
    """Fraction of the catalog that appears in at least one list."""
    if n_items == 0:
        return 0.0
    seen = np.unique(np.concatenate([np.asarray(r) for r in recommended_lists])) if len(
        recommended_lists) else np.empty(0)
    return float(seen.size / n_items)


def novelty(recommended_lists, item_popularity: np.ndarray, n_users: int) -> float:
    """Mean self-information -log2(p(i)) of recommended items, p(i) = raters(i)/n_users.

    Items nobody rated in train get p = 1/n_users (the rarest possible)."""
    if not len(recommended_lists):
        return 0.0
    items = np.concatenate([np.asarray(r) for r in recommended_lists])
    p = np.maximum(item_popularity[items], 1) / max(n_users, 1)
    return float(np.mean(-np.log2(p)))
