"""The model behind the `similar` route: content similarity blended with item-item
collaborative similarity.

    sim(seed, i) = (1 - a) * content(seed, i) + a * collab(seed, i)
    a = collab_weight * n / (n + support)        n = number of ratings of the seed

- content: cosine of TF-IDF item features (models.recommenders.content: genres, title words,
  decade, knowledge-graph cast/crew/sequel links). It exists for every item, so a
  seed nobody rated (n = 0, a = 0) uses content alone.
- collab: damped, item-mean-centred cosine between the seed's rating column and every
  other item's (the item-KNN similarity of models.recommenders.knn, without truncation). It knows
  what people who liked the seed also liked, but is noise for a seed with few ratings,
  hence the weight ramps up with support (n = support gives half of collab_weight).
- Each part is divided by its largest value over the other items before blending, so
  the weights mean what they say whatever the scales of the two cosines.

At scale (more than `COMPACT_ABOVE` ratings: a popular film's collaborative row then holds
100k+ raters, and one cosine over it costs tens of ms) the fit also keeps each film's
`GRAPH_K` most similar films by the collaborative cosine (models/solvers/topk.py), which
`item_similarity` reads instead of a product over every rating, and a rank-64 sketch
of the collaborative rows (models/solvers/lowrank.py) for the diversity stage's
`item_vectors`. Below it (ML-100K, ML-1M) both are exact, as before.

Defaults (collab_weight 0.6, support 20): on ML-100K "movies like Star Wars" gives
Return of the Jedi and The Empire Strikes Back first; content alone would add Star
Trek films of any quality, collaborative alone drifts to generic popular films
(Raiders, Fargo). The same blend over a profile (weighted by centred ratings) serves
`recommend` for a session user who only named a few films.
"""
from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from models.base import Recommender
from models.cost import PER_DENSE_MADD, PER_RATING, PER_SPARSE_DENSE, DataShape, \
    neighbour_search
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.layout import Csr, Dense, LayoutError, Shape
from models.recommenders.content import ContentModel, item_features, profile_weights, \
    user_profile_weights
from models.recommenders.knn import ItemKNN, centred, damped_item_means, damped_normalise_rows
from models.solvers.lowrank import row_sketch
from models.solvers.topk import to_csr, top_k_product


def _unit_max(v: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """v divided by its largest value outside `exclude` (unchanged when that is <= 0)."""
    ref = v.copy()
    if exclude is not None and len(exclude):
        ref[exclude] = -np.inf
    top = ref.max() if ref.size else 0.0
    return v / top if np.isfinite(top) and top > 0 else v


class HybridSimilar(Recommender):
    """Content + collaborative item similarity (see the module docstring)."""

    name = "hybrid"
    _arrays = ("x_data", "x_indices", "x_indptr", "x_shape",
               "v_data", "v_indices", "v_indptr", "counts", "neutral_",
               "w_data", "w_indices", "w_indptr", "g_data", "g_indices", "g_indptr",
               "sketch", "sketch_rest")
    # g (the neighbour graph) and the sketch have no rows below COMPACT_ABOVE and one
    # per item above it; _after_load checks which
    _layout = {"x_shape": Shape("items", "features"), "x": Csr("items", "features"),
               "v": Csr("items", "users"), "counts": Dense("i", "items", nonneg=True),
               "neutral_": Dense("f"), "w": Csr("users", "items"), "g": Csr(None, "items"),
               "sketch": Dense("f", "sketched", None), "sketch_rest": Dense("f", "sketched")}
    #: ratings above which the collaborative part is served from the neighbour graph
    #: and the sketch (module docstring); ML-1M has 1M
    COMPACT_ABOVE = 2_000_000
    GRAPH_K, SKETCH_RANK = 200, 64
    _params = ("collab_weight", "support", "damping", "content_weights")

    def __init__(self, collab_weight: float = 0.6, support: float = 20.0,
                 damping: float = 50.0, content_weights: dict | None = None):
        self.collab_weight, self.support, self.damping = collab_weight, support, damping
        self.content_weights = dict(content_weights) if content_weights else {}

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """Content features and centring; at scale the neighbour graph and the sketch
        (5 passes of rank + 10 columns over the ratings, and its QRs)."""
        seconds = ContentModel.fit_seconds(shape) + 15 * PER_RATING * shape.ratings
        if shape.ratings > cls.COMPACT_ABOVE:
            width = cls.SKETCH_RANK + 10
            seconds += neighbour_search(shape.items, shape.user_pairs, shape.items) + \
                5 * PER_SPARSE_DENSE * shape.ratings * width + \
                5 * PER_DENSE_MADD * 2 * (shape.items + shape.users) * width * width
        return seconds

    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        x = item_features(catalog, self.content_weights)
        self.x_data, self.x_indices, self.x_indptr = x.data, x.indices, x.indptr
        self.x_shape = np.asarray(x.shape)
        self.counts = ratings.item_counts().astype(np.int64)
        means = damped_item_means(ratings, ItemKNN().mean_shrinkage)  # as item-KNN does
        v = damped_normalise_rows(centred(ratings.csr(), means, by_row=False).T.tocsr(),
                                  self.damping)
        self.v_data, self.v_indices, self.v_indptr = v.data, v.indices, v.indptr
        lo, hi = ratings.scale
        self.neutral_ = np.asarray((lo + hi) / 2.0)
        w = user_profile_weights(ratings, float(self.neutral_))
        self.w_data, self.w_indices, self.w_indptr = w.data, w.indices, w.indptr
        graph = sp.csr_matrix((0, ratings.n_items), dtype=np.float32)
        self.sketch, self.sketch_rest = np.zeros((0, 0), np.float32), np.zeros(0, np.float32)
        if len(ratings) > self.COMPACT_ABOVE:
            graph = to_csr(*top_k_product(v, v.T.tocsr(), self.GRAPH_K), None,
                           (ratings.n_items, ratings.n_items))
            self.sketch, self.sketch_rest = row_sketch(v, self.SKETCH_RANK)
        self.g_data, self.g_indices, self.g_indptr = graph.data, graph.indices, graph.indptr
        self._after_load()

    def _after_load(self) -> None:
        self.x = sp.csr_matrix((self.x_data, self.x_indices, self.x_indptr),
                               shape=tuple(int(s) for s in self.x_shape))
        # items x users, rows are damped-normalised centred rating vectors
        self.v = sp.csr_matrix((self.v_data, self.v_indices, self.v_indptr),
                               shape=(self.n_items, self.n_users))
        self.compact = len(self.g_indptr) == self.n_items + 1
        if len(self.g_indptr) not in (1, self.n_items + 1) or \
                len(self.sketch) != (self.n_items if self.compact else 0):
            raise LayoutError(f"a neighbour graph of {len(self.g_indptr) - 1} rows "
                                f"and a sketch of {len(self.sketch)} for {self.n_items} items")
        if self.compact:
            self.graph = sp.csr_matrix((self.g_data, self.g_indices, self.g_indptr),
                                       shape=(self.n_items, self.n_items))
        for lazy in ("xt", "vt", "user_w"):  # built on first use (a start needs none)
            self.__dict__.pop(lazy, None)

    @functools.cached_property
    def xt(self) -> sp.csr_matrix:
        return self.x.T.tocsr()

    @functools.cached_property
    def vt(self) -> sp.csr_matrix:
        return self.v.T.tocsr()

    @functools.cached_property
    def user_w(self) -> sp.csr_matrix:
        return sp.csr_matrix((self.w_data, self.w_indices, self.w_indptr),
                             shape=(self.n_users, self.n_items))

    def collab_alpha(self, n_ratings) -> np.ndarray:
        """Weight of the collaborative part for seeds with `n_ratings` ratings."""
        n = np.asarray(n_ratings, dtype=np.float64)
        return self.collab_weight * n / (n + self.support)

    def _blend(self, content: np.ndarray, collab: np.ndarray, alpha: float,
               exclude: np.ndarray) -> np.ndarray:
        c = _unit_max(content, exclude)
        if alpha <= 0:
            return c
        return (1 - alpha) * c + alpha * _unit_max(collab, exclude)

    def content_similarity(self, item: int) -> np.ndarray:
        return np.asarray((self.x[item] @ self.xt).todense(), np.float64).ravel()

    def collab_similarity(self, item: int) -> np.ndarray:
        """The collaborative cosine to every item (at scale: to its GRAPH_K nearest,
        0 for the rest)."""
        row = self.graph[item] if self.compact else self.v[item] @ self.vt
        return np.asarray(row.todense(), np.float64).ravel()

    def item_similarity(self, item: int) -> np.ndarray:
        self._check()
        if not 0 <= item < self.n_items:
            raise PredictionImpossible(f"item index {item} out of range")
        alpha = float(self.collab_alpha(self.counts[item]))
        collab = self.collab_similarity(item) if alpha > 0 else None
        return self._blend(self.content_similarity(item), collab, alpha, np.array([item]))

    def item_vectors(self, items: np.ndarray) -> sp.csr_matrix:
        """Rows whose dot products are (roughly) this model's similarity, for the
        diversity stage (models/diversity.py): content and collaborative rows side by
        side, weighted sqrt(1 - a) and sqrt(a) with a = collab_weight. A rarely rated
        film's collaborative row is short (damping), so after normalisation its content
        row counts more, as in `item_similarity`."""
        self._check()
        items = np.asarray(items, dtype=np.int64)
        a = self.collab_weight
        if not self.compact:
            return sp.hstack([np.sqrt(1 - a) * self.x[items], np.sqrt(a) * self.v[items]],
                             format="csr")
        # the sketch's rows, plus each row's remaining length on a column of its own:
        # dot products between films are the sketch's, each film's own length is exact
        rest = sp.csr_matrix((self.sketch_rest[items], (np.arange(len(items)), items)),
                             shape=(len(items), self.n_items))
        return sp.hstack([np.sqrt(1 - a) * self.x[items],
                          sp.csr_matrix(np.sqrt(a) * self.sketch[items]), np.sqrt(a) * rest],
                         format="csr")

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Blend over a profile: weighted sums of both similarities (both linear)."""
        self._check()
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            raise PredictionImpossible("an empty profile has nothing to be similar to")
        w = profile_weights(values, float(self.neutral_))
        wrow = sp.csr_matrix(w.reshape(1, -1))
        content = np.asarray(((wrow @ self.x[items]) @ self.xt).todense()).ravel()
        collab = np.asarray(((wrow @ self.v[items]) @ self.vt).todense()).ravel()
        # support of the whole profile: ratings behind its items, weighted like the items
        n = float(np.abs(w) @ self.counts[items] / max(np.abs(w).sum(), 1e-12))
        return self._blend(content, collab, float(self.collab_alpha(n)), items)

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Each known user as the profile of everything they rated, for a batch at once
        (the same blend as `score_profile`, vectorized over users)."""
        self._check()
        w = self.user_w[np.asarray(users)]
        content = np.asarray(((w @ self.x) @ self.xt).todense())
        collab = np.asarray(((w @ self.v) @ self.vt).todense())
        absw = abs(w)
        support = (absw @ self.counts.astype(np.float64)) / np.maximum(
            np.asarray(absw.sum(axis=1)).ravel(), 1e-12)
        alpha = self.collab_alpha(support)[:, None]
        rated = w.astype(bool).toarray()
        return (1 - alpha) * _row_unit_max(content, rated) + alpha * _row_unit_max(collab, rated)


def _row_unit_max(m: np.ndarray, exclude: np.ndarray) -> np.ndarray:
    """Row-wise `_unit_max`: each row divided by its max outside its excluded items."""
    top = np.where(exclude, -np.inf, m).max(axis=1, keepdims=True)
    ok = np.isfinite(top) & (top > 0)
    return np.where(ok, m / np.where(ok, top, 1.0), m)
