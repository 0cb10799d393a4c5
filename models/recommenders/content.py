"""Content-based model: TF-IDF item profiles and cosine similarity.

Each item is described by blocks of tokens: its genres, the words of its title, its
decade, and (when the catalog has knowledge-graph links) opaque link tokens such as
"actor:m.0abc", "director:m.0xyz", "film:m.0seq" (a sequel/prequel). Each block is
TF-IDF weighted and L2-normalised on its own, then scaled by a block weight, so a
film with 90 credited actors does not drown out its genres, and a block an item lacks
simply contributes nothing. Rows are normalised again so similarity is a cosine.

Content needs no ratings, so it covers cold items (nobody rated them) and cold users
(a profile of a few liked titles).
"""
from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

from models.base import Recommender
from models.cost import PER_RATING, DataShape
from models.data import Catalog, Ratings
from models.errors import PredictionImpossible
from models.layout import Csr, Dense, Shape

#: block weights (relative; rows are re-normalised). Genres carry most of "what kind
#: of film"; links (same director, cast, sequel) are the next strongest evidence;
#: title words matter for franchises ("Die Hard 2"); the decade is a light tie-breaker.
DEFAULT_WEIGHTS = {"genre": 1.0, "link": 0.8, "title": 0.5, "decade": 0.35}

#: per link kind multipliers inside the link block: a shared sequel/director link is
#: much stronger evidence than one shared actor among dozens. Unknown kinds get 1.0.
LINK_KIND_WEIGHTS = {"film": 4.0, "director": 2.5, "writer": 1.5, "actor": 1.0, "subject": 1.0,
                     "producer": 0.7, "cinematographer": 0.7, "company": 0.5, "kggenre": 0.5}

_WORD = re.compile(r"[a-z0-9]+")


def _title_tokens(title: str) -> list[str]:
    # sklearn is imported where it is used (fitting only): importing it costs ~1 s,
    # which every `chatrec chat`/`ask` start would pay just to load artifacts.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _WORD.findall(str(title).lower())
    return [w for w in words if w not in ENGLISH_STOP_WORDS and (len(w) > 1 or w.isdigit())]


def _tfidf_block(docs: list[list[str]], token_weight=None) -> sp.csr_matrix:
    """TF-IDF of pre-tokenised documents, rows L2-normalised; empty docs stay zero.

    Tokens found in a single item are dropped (min_df=2): they can never make two
    items similar, they only dilute the norm (a film's own unique cast members).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, norm=None, min_df=2)
    try:
        m = vec.fit_transform(docs).tocsr()
    except ValueError:  # no token shared by two items: the block carries nothing
        return sp.csr_matrix((len(docs), 0), dtype=np.float32)
    if token_weight is not None:
        w = np.array([token_weight(t) for t in vec.get_feature_names_out()])
        m = (m @ sp.diags(w)).tocsr()
    return normalize(m, norm="l2")


def _link_weight(token: str) -> float:
    return LINK_KIND_WEIGHTS.get(str(token).split(":", 1)[0], 1.0)


def item_features(catalog: Catalog, weights: dict[str, float] | None = None) -> sp.csr_matrix:
    """The (n_items x n_features) L2-normalised TF-IDF matrix of a catalog."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    genres = [[f"g:{g.lower()}" for g in gs if g.lower() != "unknown"] for gs in catalog.genres]
    titles = [_title_tokens(t) for t in catalog.titles]
    decades = [[f"d:{(int(y) // 10) * 10}"] if int(y) > 0 else [] for y in catalog.years]
    blocks = [w["genre"] * _tfidf_block(genres), w["title"] * _tfidf_block(titles),
              w["decade"] * _tfidf_block(decades)]
    if catalog.links is not None:
        links = [list(ls) for ls in catalog.links]
        blocks.append(w["link"] * _tfidf_block(links, _link_weight))
    from sklearn.preprocessing import normalize

    x = sp.hstack(blocks, format="csr", dtype=np.float32)
    return normalize(x, norm="l2").astype(np.float32)


def profile_weights(values: np.ndarray, neutral: float, strength: float = 5.0) -> np.ndarray:
    """Centre a user's ratings so liked items pull and disliked items push.

    The centre is the user's mean shrunk toward the scale's neutral point: with a few
    ratings (cold start: "I loved X") the neutral point dominates, so a single 5 is
    positive; with many ratings it is the user's own mean (a harsh rater's 3 is fine).
    """
    v = np.asarray(values, dtype=np.float64)
    centre = (v.sum() + strength * neutral) / (len(v) + strength)
    w = v - centre
    if not np.any(w):  # all at the centre: treat every rated item as mildly liked
        w = np.ones_like(v)
    return w


def user_profile_weights(ratings: Ratings, neutral: float, strength: float = 5.0) -> sp.csr_matrix:
    """`profile_weights` for every user at once: users x items CSR (vectorized)."""
    r = ratings.csr()
    n = np.diff(r.indptr)
    sums = np.asarray(r.sum(axis=1)).ravel()
    centre = (sums + strength * neutral) / (n + strength)
    w = r.copy().astype(np.float32)
    w.data = (r.data - np.repeat(centre, n)).astype(np.float32)
    w.data[w.data == 0] = 1e-3  # keep the structure: a rated item stays in the profile
    return w


class ContentModel(Recommender):
    """TF-IDF content model. `item_similarity` is the cosine over item features.

    weights: block weights overriding DEFAULT_WEIGHTS ("genre", "link", "title", "decade").
    """

    name = "content"
    _arrays = ("x_data", "x_indices", "x_indptr", "x_shape", "neutral_", "user_weights_data",
               "user_weights_indices", "user_weights_indptr")
    _layout = {"x_shape": Shape("items", "features"), "x": Csr("items", "features"),
               "neutral_": Dense("f"), "user_weights": Csr("users", "items")}
    _params = ("weights",)

    def __init__(self, weights: dict[str, float] | None = None):
        self.weights = dict(weights) if weights else {}

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """Item features (tokenising titles: ~30 us an item), profile weights."""
        return 3e-5 * shape.items + 3 * PER_RATING * shape.ratings

    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        if len(catalog) != ratings.n_items:
            raise ValueError("catalog and ratings disagree on the number of items")
        x = item_features(catalog, self.weights)
        self.x_data, self.x_indices, self.x_indptr = x.data, x.indices, x.indptr
        self.x_shape = np.asarray(x.shape)
        lo, hi = ratings.scale
        self.neutral_ = np.asarray((lo + hi) / 2.0)
        w = user_profile_weights(ratings, float(self.neutral_))
        self.user_weights_data, self.user_weights_indices = w.data, w.indices
        self.user_weights_indptr = w.indptr
        self._after_load()

    def _after_load(self) -> None:
        self.x = sp.csr_matrix((self.x_data, self.x_indices, self.x_indptr),
                               shape=tuple(int(s) for s in self.x_shape))
        self.xt = self.x.T.tocsr()
        self.user_w = sp.csr_matrix(
            (self.user_weights_data, self.user_weights_indices, self.user_weights_indptr),
            shape=(self.n_users, self.n_items))

    def item_similarity(self, item: int) -> np.ndarray:
        self._check()
        if not 0 <= item < self.n_items:
            raise PredictionImpossible(f"item index {item} out of range")
        return np.asarray((self.x @ self.x[item].T).todense()).ravel()

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Weighted sum of the profile items' features, cosine against every item."""
        self._check()
        items = np.asarray(items, dtype=np.int64)
        if items.size == 0:
            raise PredictionImpossible("an empty profile has no content to match")
        w = profile_weights(values, float(self.neutral_))
        prof = sp.csr_matrix(w.reshape(1, -1)) @ self.x[items]
        return np.asarray((prof @ self.xt).todense()).ravel()

    def score_users(self, users: np.ndarray) -> np.ndarray:
        self._check()
        prof = self.user_w[np.asarray(users)] @ self.x
        return np.asarray((prof @ self.xt).todense())
