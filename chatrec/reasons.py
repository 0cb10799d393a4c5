"""Why each listed film: the data behind "because you liked X" and "same director
and cast; shares Sci-Fi; liked by the same people".

Precomputed once per bundle: an item x user "liked" matrix with unit rows (the
cosine of two rows says how much the same people liked both films) and an item x
genre matrix with unit rows (a tie-breaker). A reason then costs one small sparse
product for the whole list, not a model call per film.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from chatrec import replies
from models.data import Catalog, Ratings

CO_LIKE_COSINE = 0.15  # like-vector cosine from which "liked by the same people"


def _unit_rows(m):
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return (sp.diags(np.divide(1.0, norms, out=np.zeros(m.shape[0]), where=norms > 0)) @ m)


class Reasons:
    def __init__(self, catalog: Catalog, ratings: Ratings, display: list[str],
                 genres: list[list[str]], liked_at: float):
        n = len(catalog)
        self.display, self.genres, self.liked_at = display, genres, liked_at
        self.links = ([frozenset(ls) for ls in catalog.links]
                      if catalog.links is not None else None)
        liked = ratings.values >= liked_at
        m = sp.csr_matrix((np.ones(int(liked.sum()), dtype=np.float32),
                           (ratings.items[liked], ratings.users[liked])),
                          shape=(n, ratings.n_users))
        self.like_rows = _unit_rows(m).tocsr()
        gidx = {g: j for j, g in enumerate(catalog.genre_names)}
        g = np.zeros((n, max(1, len(gidx))), dtype=np.float32)
        for i, gs in enumerate(genres):
            for name in gs:
                if name in gidx:
                    g[i, gidx[name]] = 1.0
        gn = np.linalg.norm(g, axis=1, keepdims=True)
        self.genre_unit = g / np.where(gn > 0, gn, 1.0)

    def because(self, idx, items: np.ndarray, values: np.ndarray) -> list[str]:
        """For each pick, the liked film of the profile most like it: the most
        co-liked (the same people liked both), genre overlap breaking ties."""
        if not len(idx) or not len(items) or not (values >= self.liked_at).any():
            return [replies.because_reason(None)] * len(idx)
        liked = values >= self.liked_at
        cand, cand_vals = items[liked], values[liked]
        top = cand_vals >= cand_vals.max() - 0.5  # their top-rated tier first
        if top.sum() >= 3:
            cand, cand_vals = cand[top], cand_vals[top]
        picks = np.asarray(idx, dtype=np.int64)
        sim = (self.like_rows[cand] @ self.like_rows[picks].T).toarray()
        sim += 0.05 * (self.genre_unit[cand] @ self.genre_unit[picks].T)
        out = []
        for j in range(len(picks)):
            best = int(cand[np.lexsort((-cand_vals, -sim[:, j]))[0]])
            out.append(replies.because_reason(self.display[best]))
        return out

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
