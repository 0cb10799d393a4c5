"""Why each listed film, and only what is true: "because you liked X" when X is
really close to the film (the similar route's similarity at least a stated
threshold), "same director and cast; shares Sci-Fi; liked by the same people" for
films like a seed, and otherwise the evidence that holds ("people with your taste
rate it highly: 4.12 average from 390 ratings").

Built once per bundle, on the first list of similar films: an item x user "liked"
matrix with unit rows (the cosine of two rows says how much the same people liked both
films).
"""
from __future__ import annotations

import re
from functools import cached_property, lru_cache

import numpy as np

from chatrec.conversation import replies
from intents.lexicon.text import norm
from models.data import Catalog, Ratings, natural_title

# like-vector cosine from which "liked by the same people": popular films share fans by
# sheer numbers (the median pair of films rated 50+ times is at 0.13), so the bar is high
CO_LIKE_COSINE = 0.35
#: a "liked" matrix with at most this many entries gives each seed's co-like cosines to
#: every film in one pass (~0.3-1 ms on ML-100K's 55k), remembered for the seed's next
#: lists; a larger one (ML-1M ~0.6M, ML-25M ~13.6M) computes the ten a list needs each
#: time, so a seed's first list never pays a pass over millions of entries
CO_ROW_MAX_NNZ = 200_000
CO_ROW_CACHE_BYTES = 32 * 1024 * 1024   # the remembered rows' memory, at most


def _unit_rows(m):
    """m (CSR) with each non-empty row scaled to unit length, in place: one pass over
    its entries (a product with a diagonal matrix copied 13.6M entries to float64 and
    cost half of the 1.2 s CPU of building ML-25M's liked matrix)."""
    m.sum_duplicates()  # a pair listed twice is one entry of 2, as a sum would make it
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(rows, weights=np.square(m.data, dtype=np.float64),
                                minlength=m.shape[0]))
    m.data *= (1.0 / np.where(norms > 0, norms, 1.0))[rows].astype(m.data.dtype)
    return m


def _row_dots(rows, picks: np.ndarray, seed: int) -> np.ndarray:
    """rows[picks] @ rows[seed].T of a CSR matrix, in numpy on its arrays: scipy's
    fancy row index and product cost ~0.2 ms of checks per list for ten dot products.
    Sums may differ from scipy's in the last bit; on ML-100K no pair of films is within
    5e-9 of CO_LIKE_COSINE, so no reason changes."""
    ip, ix, data = rows.indptr, rows.indices, rows.data
    seed_row = np.zeros(rows.shape[1], dtype=np.float64)
    seed_row[ix[ip[seed]:ip[seed + 1]]] = data[ip[seed]:ip[seed + 1]]
    starts, lens = ip[picks], ip[picks + 1] - ip[picks]
    total = int(lens.sum())
    if not total:
        return np.zeros(len(picks))
    first = np.repeat(starts - (np.cumsum(lens) - lens), lens)  # each nonzero's row start
    at = first + np.arange(total)
    owner = np.repeat(np.arange(len(picks)), lens)
    return np.bincount(owner, weights=data[at] * seed_row[ix[at]], minlength=len(picks))


_SEQUEL_NEXT = frozenset("part chapter returns forever and ii iii iv vi".split())


def same_series(a: str, b: str) -> bool:
    """Titles of one series, told from the titles alone (for data without links):
    one's main title (before ':') starts the other, followed by a number, 'Part',
    'Returns', 'and ...' or a colon — "The Godfather" / "The Godfather: Part II",
    "Star Trek: The Wrath of Khan" / "Star Trek IV", "Die Hard" / "Die Hard 2". A
    one-word main title needs 5+ letters ("Alien" / "Alien 3", never "Big" / "Big Night")."""
    ta, tb = _title_words(a), _title_words(b)
    for (main, whole), (_, other) in ((ta, tb), (tb, ta)):
        n = len(main)
        if n and other[:n] == main and len(other) > n and (n > 1 or len(main[0]) >= 5):
            nxt = other[n]
            if nxt.isdigit() or nxt in _SEQUEL_NEXT or nxt == ":":
                return True
    return False


@lru_cache(maxsize=8192)  # a pure function of the title: each list asks again
def _title_words(title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(main-title words, all words with ':' kept as a word), article first dropped."""
    text = re.sub(r"\s*\([^)]*\)", "", natural_title(title))
    text = re.sub(r"^(?:the|a|an)\s+", "", text.lower())
    words = norm(text.replace(":", " : ")).split() if ":" not in text else \
        norm(text.split(":")[0]).split() + [":"] + norm(text.split(":", 1)[1]).split()
    main = norm(text.split(":")[0]).split()
    return tuple(main), tuple(words)


class Reasons:
    def __init__(self, catalog: Catalog, ratings: Ratings, display: list[str],
                 genres: list[list[str]], liked_at: float):
        self.titles = [str(t) for t in catalog.titles]
        self.display, self.genres, self.liked_at = display, genres, liked_at
        self.counts = ratings.item_counts()
        self.means = ratings.item_means()
        self.links = ([frozenset(ls) for ls in catalog.links]
                      if catalog.links is not None else None)
        self._ratings = ratings
        n = max(1, len(self.titles))
        self._co_rows = lru_cache(maxsize=max(16, CO_ROW_CACHE_BYTES // (8 * n)))(
            self._co_row)
        self._similar_words = lru_cache(maxsize=16384)(self._similar_one)

    def _co_row(self, seed: int) -> np.ndarray:
        """The seed's co-like cosine to every film: `_row_dots` over all rows, so each
        number is the one a list's own `_row_dots` gives (bincount adds a row's entries
        in the same order whichever other rows are in the call)."""
        rows = self.like_rows
        row = _row_dots(rows, np.arange(rows.shape[0], dtype=np.int64), seed)
        row.flags.writeable = False   # shared by the cache
        return row

    def co_liked(self, seed: int, picks: np.ndarray) -> np.ndarray:
        """Co-like cosines of `picks` to `seed` (like_rows' unit rows)."""
        if self.like_rows.nnz > CO_ROW_MAX_NNZ:
            return _row_dots(self.like_rows, picks, seed)
        return self._co_rows(seed)[picks]

    @cached_property
    def like_rows(self):
        """item x user "liked" matrix with unit rows; built on the first similar list."""
        import scipy.sparse as sp  # deferred (~0.1 s): a start that lists nothing skips it
        r = self._ratings
        liked = r.values >= self.liked_at
        m = sp.csr_matrix((np.ones(int(liked.sum()), dtype=np.float32),
                           (r.items[liked], r.users[liked])), shape=(r.n_items, r.n_users))
        return _unit_rows(m)

    def personal(self, idx, liked: np.ndarray, liked_values: np.ndarray, similarity,
                 threshold: float) -> list[str]:
        """For each pick, the liked film closest to it by `similarity` (the similar
        route's vectors) when that is at least `threshold`; else the rating evidence."""
        liked = np.asarray(liked, dtype=np.int64)
        picks = np.asarray(idx, dtype=np.int64).tolist()
        if not liked.size:
            return [replies.stats_reason(self.stats(i)) for i in picks]
        if not picks:
            return []
        # all picks at once: row r, the picks' similarity to each liked film; per row
        # the most similar, the higher rating breaking ties, then the earlier film
        sims = np.stack([np.asarray(similarity(i))[liked] for i in picks])  # no full rows
        if np.isfinite(sims).all():       # the same picks as the lexsort, in 3 passes
            top = sims.max(axis=1, keepdims=True)
            best = np.where(sims == top, liked_values, -np.inf).argmax(axis=1)
        else:                              # NaN sorts last in a lexsort, not in a max
            values = np.broadcast_to(-np.asarray(liked_values), sims.shape)
            best = np.lexsort((values, -sims), axis=-1)[:, 0]
        close = sims[np.arange(len(picks)), best] >= threshold
        return [replies.because_reason(self.display[f]) if ok
                else replies.taste_reason(self.stats(i))
                for i, f, ok in zip(picks, liked[best].tolist(), close.tolist())]

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
        co = self.co_liked(seed, picks).tolist()
        return [self._similar_words(seed, i, c >= CO_LIKE_COSINE)
                for i, c in zip(picks.tolist(), co)]

    def _similar_one(self, seed: int, i: int, co_liked: bool) -> str:
        """The reason for film i next to seed: a pure function of the three (wrapped
        in an lru_cache per instance as `_similar_words`: each list of films like a
        seed asks again for the same pairs)."""
        roles = []
        if self.links is not None:
            roles = replies.link_roles(self.links[seed] & self.links[i])
        if "series" not in roles and same_series(self.titles[seed], self.titles[i]):
            roles = ["series", *roles]
        shared = [g for g in self.genres[seed] if g in self.genres[i]][:3]  # keep it short
        return replies.similar_reason(roles, shared, co_liked, self.display[seed])
