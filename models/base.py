"""The `Recommender` interface every model implements, defined once.

Models work on dense indices (see models.data). A model is fitted on a `Ratings`
and the `Catalog` it indexes, scores users in batches, folds in unseen users from a
few ratings, and saves itself as plain arrays (an aligned `.npz`, loaded with
allow_pickle=False) plus a small JSON of hyperparameters.

Subclasses implement `_fit`, `score_users` and optionally `score_profile`,
`predict`, `item_similarity`; they list their learned arrays in `_arrays`, their shapes
in `_layout` (models/layout.py: checked at load, so an artifact with a valid checksum
but inconsistent contents is an ArtifactError, never a crash) and their
hyperparameters in `_params`. Everything else (recommend, similar_items, save, load)
lives here so it behaves the same for every model.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import ClassVar, Self

import numpy as np

from models.cost import PER_RATING, DataShape
from models.data import Catalog, Ratings
from models.errors import ArtifactError, NotFitted, PredictionImpossible, UnknownUser
from models.layout import LayoutError, check
from models.npz import load_arrays, save_arrays
from models.ranking import top_k


class Recommender:
    """Base class and protocol of all recommenders.

    Attributes every fitted model has:
        n_users, n_items: sizes of the index spaces it was fitted on.
    """

    name: ClassVar[str] = "base"
    #: True when `predict` returns ratings on the data's scale (RMSE applies).
    predicts_ratings: ClassVar[bool] = False
    #: names of learned numpy arrays saved by `save`.
    _arrays: ClassVar[tuple[str, ...]] = ()
    #: names of hyperparameters (JSON-serialisable attributes) saved by `save`.
    _params: ClassVar[tuple[str, ...]] = ()
    #: the layout of `_arrays` (models/layout.py), checked by `load`; None: unchecked
    _layout: ClassVar[dict | None] = None

    n_users: int = 0
    n_items: int = 0
    _fitted: bool = False

    # ---- to implement ------------------------------------------------------------
    def _fit(self, ratings: Ratings, catalog: Catalog) -> None:
        raise NotImplementedError

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Scores, shape (len(users), n_items); higher is better. Users are indices."""
        raise NotImplementedError

    def score_profile(self, items: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Scores over all items for an unseen user who rated `items` with `values`.

        This is the fold-in / cold-start path (a session user). Raises
        PredictionImpossible when the model cannot use a profile.
        """
        raise PredictionImpossible(f"{self.name} cannot score a new user profile")

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted ratings for (user, item) index pairs. Rating models only."""
        raise PredictionImpossible(f"{self.name} does not predict ratings")

    def item_similarity(self, item: int) -> np.ndarray:
        """Similarity of every item to `item`, shape (n_items,)."""
        raise PredictionImpossible(f"{self.name} has no item similarity")

    @classmethod
    def fit_seconds(cls, shape: DataShape) -> float:
        """About how long `fit` takes on data of this shape (models/cost.py), before
        starting it. The default is a few passes over the ratings."""
        return 10 * PER_RATING * shape.ratings

    # ---- shared behaviour --------------------------------------------------------
    def fit(self, ratings: Ratings, catalog: Catalog) -> Self:
        """Learn from `ratings` (indices into `catalog`). Returns self."""
        self.n_users, self.n_items = ratings.n_users, ratings.n_items
        self._fit(ratings, catalog)
        self._fitted = True
        return self

    def _check(self) -> None:
        if not self._fitted:
            raise NotFitted(f"{self.name} is not fitted")

    def recommend(
        self,
        user: int | None = None,
        k: int = 10,
        exclude: np.ndarray | None = None,
        allowed: np.ndarray | None = None,
        profile: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (item indices, scores) for a known user index or a profile.

        exclude: item indices never to return (e.g. what the user rated).
        allowed: boolean mask over items (e.g. a genre filter).
        profile: (items, values) for a user not in the training data (fold-in).
        """
        self._check()
        if profile is not None:
            scores = self.score_profile(*profile)
        elif user is not None:
            if not 0 <= user < self.n_users:
                raise UnknownUser(f"user index {user} out of range")
            scores = self.score_users(np.array([user]))[0]
        else:
            raise PredictionImpossible("recommend needs a user or a profile")
        return top_k(scores, k, exclude=exclude, allowed=allowed)

    def similar_items(
        self, item: int, k: int = 10, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k items most similar to `item` (never the item itself)."""
        self._check()
        return top_k(self.item_similarity(item), k, exclude=np.array([item]), allowed=allowed)

    # ---- persistence -------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write arrays to `path` (.npz) and hyperparameters inside it as JSON."""
        self._check()
        path = Path(path)
        arrays = {a: np.asarray(getattr(self, a)) for a in self._arrays}
        meta = {
            "model": self.name,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "params": {p: getattr(self, p) for p in self._params},
        }
        arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        tmp = path.with_name(path.name + ".tmp.npz")
        save_arrays(tmp, arrays)  # each array 64-byte aligned in the file (models/npz.py)
        tmp.replace(path)  # atomic: a crash never leaves half an artifact
        return path

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Inverse of `save`. Arrays come back as read-only memory maps of the file
        (models/npz.py), shared between processes. Raises ArtifactError on a missing or
        corrupt file."""
        path = Path(path)
        try:
            arrays = load_arrays(path, ("__meta__", *cls._arrays))  # memory-mapped
            meta = json.loads(bytes(arrays.pop("__meta__")).decode())
            model = meta.get("model")
        except (OSError, ValueError, KeyError, AttributeError, zipfile.BadZipFile) as e:
            raise ArtifactError(f"cannot load {cls.name} artifact {path}: {e}") from e
        if model != cls.name:
            raise ArtifactError(f"{path} holds a {model!r} model, not {cls.name!r}")
        try:
            obj = cls(**meta["params"])
            obj.n_users, obj.n_items = _count(meta["n_users"]), _count(meta["n_items"])
            if cls._layout is not None:  # before any array is used (module docstring)
                check(arrays, cls._layout, {"users": obj.n_users, "items": obj.n_items,
                                            **obj._dims()})
            for a, v in arrays.items():
                setattr(obj, a, v)
            obj._after_load()
        except LayoutError as e:
            raise ArtifactError(f"{cls.name} artifact {path} is inconsistent: {e}") from e
        except (TypeError, ValueError, KeyError, IndexError) as e:
            raise ArtifactError(f"{cls.name} artifact {path} is inconsistent: "
                                f"{type(e).__name__}: {e}") from e
        obj._fitted = True
        return obj

    def _dims(self) -> dict[str, int]:
        """Dimensions of `_layout` fixed by hyperparameters ({"factors": 32})."""
        return {}

    def _after_load(self) -> None:
        """Hook: rebuild derived (non-saved) state after load (arrays already checked
        against `_layout`; a ValueError here is an inconsistent artifact too)."""


def _count(value) -> int:
    """A saved n_users / n_items: a non-negative integer, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value
