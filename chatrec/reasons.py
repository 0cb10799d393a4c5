"""Why each listed film, and only what is true: "because you liked X" when X is
really close to the film (the similar route's similarity at least a stated
threshold), "same director and cast; shares Sci-Fi; liked by the same people" for
films like a seed, and otherwise the evidence that holds ("people with your taste
rate it highly: 4.12 average from 390 ratings").

Precomputed once per bundle: an item x user "liked" matrix with unit rows (the
cosine of two rows says how much the same people liked both films).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from chatrec import replies
from models.data import Catalog, Ratings

# like-vector cosine from which "liked by the same people": popular films share fans by
# sheer numbers (the median pair of films rated 50+ times is at 0.13), so the bar is high
CO_LIKE_COSINE = 0.35


def _unit_rows(m):
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return (sp.diags(np.divide(1.0, norms, out=np.zeros(m.shape[0]), where=norms > 0)) @ m)


class Reasons:
    def __init__(self, catalog: Catalog, ratings: Ratings, display: list[str],
                 genres: list[list[str]], liked_at: float):
        n = len(catalog)
        self.display, self.genres, self.liked_at = display, genres, liked_at
        self.counts = ratings.item_counts()
        self.means = ratings.item_means()
        self.links = ([frozenset(ls) for ls in catalog.links]
                      if catalog.links is not None else None)
        liked = ratings.values >= liked_at
        m = sp.csr_matrix((np.ones(int(liked.sum()), dtype=np.float32),
                           (ratings.items[liked], ratings.users[liked])),
                          shape=(n, ratings.n_users))
        self.like_rows = _unit_rows(m).tocsr()

    def personal(self, idx, liked: np.ndarray, liked_values: np.ndarray, similarity,
                 threshold: float) -> list[str]:
        """For each pick, the liked film closest to it by `similarity` (the similar
        route's vectors) when that is at least `threshold`; else the rating evidence."""
        out = []
        liked = np.asarray(liked, dtype=np.int64)
        for i in np.asarray(idx, dtype=np.int64).tolist():
            if liked.size:
                sims = np.asarray(similarity(i))[liked]
                best = int(np.lexsort((-np.asarray(liked_values), -sims))[0])
                if sims[best] >= threshold:
                    out.append(replies.because_reason(self.display[int(liked[best])]))
                    continue
            out.append(replies.taste_reason(self.stats(i)) if liked.size
                       else replies.stats_reason(self.stats(i)))
        return out

    def similar_to_seeds(self, seeds: list[int], idx, sims: np.ndarray) -> list[str]:
        """One seed: `similar`. Several: which seeds each film is close to."""
        if len(seeds) == 1:
            return self.similar(seeds[0], idx)
        out = []
        for i in np.asarray(idx, dtype=np.int64).tolist():
            close = [self.display[s] for s, row in zip(seeds, sims) if row[i] >= 0.2]
            shared = [g for g in self.genres[i] if all(g in self.genres[s] for s in seeds)]
            parts = [f"close to {replies.join_words(close)}"] if close else []
            if shared:
                parts.append("shares " + ", ".join(shared[:3]))
            out.append("; ".join(parts) or "between the films you named")
        return out

    def stats(self, i: int) -> tuple[float, int]:
        """(mean rating, number of ratings) of item index i."""
        return float(self.means[i]), int(self.counts[i])

    def similar(self, seed: int, idx) -> list[str]:
        """Shared links (series, director, cast...), shared genres, shared fans."""
        picks = np.asarray(idx, dtype=np.int64)
        if not len(picks):
            return []
        co = (self.like_rows[picks] @ self.like_rows[seed].T).toarray().ravel()
        out = []
        for i, c in zip(picks.tolist(), co.tolist()):
            roles = []
            if self.links is not None:
                roles = replies.link_roles(self.links[seed] & self.links[i])
            shared = [g for g in self.genres[seed] if g in self.genres[i]][:3]  # keep it short
            out.append(replies.similar_reason(roles, shared, c >= CO_LIKE_COSINE,
                                              self.display[seed]))
        return out
