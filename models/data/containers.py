"""Data containers: the catalog of items and the ratings matrix.

External ids (whatever the dataset uses: ints, ISBN strings, ...) are converted to
dense 0-based indices here, at the data edge, and nowhere else. Every model works
on indices; `Catalog.item_ids[i]` / `Ratings.user_ids[u]` map back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from models.errors import UnknownItem, UnknownUser

if TYPE_CHECKING:  # imported where a matrix is built: `import scipy.sparse` costs ~0.1 s
    import scipy.sparse as sp


@dataclass(frozen=True, eq=False)
class Catalog:
    """Items in index order. Row i of every per-item array is item index i."""

    item_ids: np.ndarray          # external ids, shape (n_items,)
    titles: np.ndarray            # str, canonical display title ("Godfather, The")
    years: np.ndarray             # int32, 0 when unknown
    genres: tuple[tuple[str, ...], ...]  # genres per item
    # Optional content links (cast, crew, sequels...) as opaque tokens per item.
    links: tuple[tuple[str, ...], ...] | None = None
    name: str = "catalog"

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        if not (len(self.titles) == len(self.years) == len(self.genres) == n):
            raise ValueError("catalog arrays must have the same length")
        if self.links is not None and len(self.links) != n:
            raise ValueError("catalog links must have one entry per item")

    def __len__(self) -> int:
        return len(self.item_ids)

    @cached_property
    def _index(self) -> "IdIndex":
        return IdIndex(self.item_ids)

    def index_of(self, item_id) -> int:
        """External item id -> index. Raises UnknownItem."""
        i = self._index.find(item_id)
        if i is None:
            raise UnknownItem(f"unknown item id {item_id!r}")
        return i

    @cached_property
    def genre_names(self) -> tuple[str, ...]:
        """All genres in the catalog, sorted (excluding the 'unknown' placeholder)."""
        names = {g for gs in self.genres for g in gs}
        names.discard("unknown")
        return tuple(sorted(names))

    @cached_property
    def _genre_masks(self) -> dict[str, np.ndarray]:
        masks: dict[str, np.ndarray] = {}
        for i, gs in enumerate(self.genres):
            for g in gs:
                masks.setdefault(g.lower(), np.zeros(len(self), dtype=bool))[i] = True
        return masks

    def genre_mask(self, genre: str | None) -> np.ndarray | None:
        """Boolean mask of items in `genre` (case-insensitive); None means no filter."""
        if genre is None:
            return None
        return self._genre_masks.get(genre.lower(), np.zeros(len(self), dtype=bool))

    def display(self, i: int) -> str:
        """'Title (Year)' for messages, article in front: 'The Godfather (1972)'."""
        y = int(self.years[i])
        title = natural_title(str(self.titles[i]))
        return f"{title} ({y})" if y else title


@dataclass(frozen=True, eq=False)
class Ratings:
    """Explicit ratings in coordinate form; users and items are dense indices.

    `n_items` equals len(catalog): items with no ratings are empty columns.
    """

    users: np.ndarray        # int32, user index per rating
    items: np.ndarray        # int32, item index per rating
    values: np.ndarray       # float32
    timestamps: np.ndarray   # int64 (0 when unknown)
    user_ids: np.ndarray     # external id per user index
    n_items: int
    scale: tuple[float, float] = (1.0, 5.0)
    name: str = "ratings"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.users)
        if not (len(self.items) == len(self.values) == len(self.timestamps) == n):
            raise ValueError("ratings arrays must have the same length")

    def __len__(self) -> int:
        return len(self.values)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_users, self.n_items)

    @property
    def density(self) -> float:
        return len(self) / max(1, self.n_users * self.n_items)

    def csr(self) -> sp.csr_matrix:
        """users x items CSR of rating values (cached)."""
        if "csr" not in self._cache:
            import scipy.sparse as sp  # deferred: a start that needs no matrix skips it
            m = sp.csr_matrix(
                (self.values.astype(np.float32), (self.users, self.items)), shape=self.shape
            )
            m.sort_indices()
            self._cache["csr"] = m
        return self._cache["csr"]

    def csc(self) -> sp.csc_matrix:
        if "csc" not in self._cache:
            self._cache["csc"] = self.csr().tocsc()
        return self._cache["csc"]

    @cached_property
    def _user_index(self) -> "IdIndex":
        return IdIndex(self.user_ids)

    def index_of(self, user_id) -> int:
        """External user id -> index. Raises UnknownUser."""
        u = self._user_index.find(user_id)
        if u is None:
            raise UnknownUser(f"unknown user id {user_id!r}")
        return u

    def user_items(self, u: int) -> tuple[np.ndarray, np.ndarray]:
        """(item indices, values) rated by user index u, by item index. Ratings stored
        by user (the dataset cache's are) are sliced where they lie; otherwise from the
        CSR matrix, built on first use (2 s for 25M ratings)."""
        if "by_user" not in self._cache:
            users = self.users
            by_user = len(users) == 0 or bool(np.all(users[1:] >= users[:-1]))
            self._cache["by_user"] = np.searchsorted(
                users, np.arange(self.n_users + 1)) if by_user else None
        starts = self._cache["by_user"]
        if starts is None:
            m = self.csr()
            sl = slice(m.indptr[u], m.indptr[u + 1])
            return m.indices[sl], m.data[sl]
        sl = slice(starts[u], starts[u + 1])
        items, values = self.items[sl], self.values[sl].astype(np.float32)
        if len(items) > 1 and np.any(items[1:] < items[:-1]):
            order = np.argsort(items, kind="stable")
            items, values = items[order], values[order]
        return items, values

    def item_counts(self) -> np.ndarray:
        """Ratings per item (computed once: a start asks five times)."""
        if "item_counts" not in self._cache:
            self._cache["item_counts"] = np.bincount(self.items, minlength=self.n_items)
        return self._cache["item_counts"].copy()

    def item_means(self) -> np.ndarray:
        if "item_means" not in self._cache:
            sums = np.bincount(self.items, weights=self.values, minlength=self.n_items)
            counts = self.item_counts()
            self._cache["item_means"] = np.divide(sums, counts, out=np.zeros(self.n_items),
                                                  where=counts > 0)
        return self._cache["item_means"].copy()

    def subset(self, mask: np.ndarray) -> "Ratings":
        """The ratings selected by a boolean mask, same index spaces."""
        return Ratings(
            self.users[mask], self.items[mask], self.values[mask], self.timestamps[mask],
            self.user_ids, self.n_items, self.scale, self.name,
        )


# MovieLens files articles at the end ("Godfather, The"); people say them first.
_TRAILING_ARTICLE = re.compile(
    r"^(?P<body>.+), (?P<art>The|A|An|Les|La|Le|L'|Il|El|Die|Das|Der|Los|Las)(?P<rest> \(.*\))?$")


def natural_title(title: str) -> str:
    """'Godfather, The' -> 'The Godfather'; 'Shawshank Redemption, The' likewise.

    Keeps a parenthesised alias after the article: 'City of Lost Children, The (Cité...)'."""
    m = _TRAILING_ARTICLE.match(title)
    if not m:
        return title
    sep = "" if m["art"].endswith("'") else " "
    return f"{m['art']}{sep}{m['body']}{m['rest'] or ''}"


def _key(x):
    """Normalise an external id for lookup: '42' and 42 find the same entity."""
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return str(x).strip()


class IdIndex:
    """External id -> position among `ids`, as `_key` compares them. Sorted integer
    ids (MovieLens users and films) are found by binary search: no dict of every id
    to build first (0.3 s for ML-25M's 162k users); any others through a dict built on
    first use."""

    #: ids found before, as given (type and value: 42.0 == 42 but is no id) -> position:
    #: a chat turn looks up every film its session was shown (~15 each), ~10 us apiece
    MEMO_MAX = 65_536

    def __init__(self, ids: np.ndarray):
        self.ids = ids
        self.sorted_ints = ids.dtype.kind in "iu" and bool(np.all(ids[1:] > ids[:-1]))
        self._dict: dict | None = None
        self._memo: dict = {}

    def find(self, x) -> int | None:
        try:
            return self._memo[(type(x), x)]
        except KeyError:
            pass
        except TypeError:            # unhashable: never found anyway, say why below
            return self._find(x)
        pos = self._find(x)
        if pos is not None and len(self._memo) < self.MEMO_MAX:
            self._memo[(type(x), x)] = pos
        return pos

    def _find(self, x) -> int | None:
        key = _key(x)
        if self.sorted_ints:
            try:
                value = int(key)
                if str(value) != key:   # "042" is not 42, as in the dict
                    return None
                pos = int(np.searchsorted(self.ids, value))
            except (ValueError, OverflowError):
                return None
            return pos if pos < len(self.ids) and self.ids[pos] == value else None
        if self._dict is None:
            self._dict = {_key(x): i for i, x in enumerate(self.ids.tolist())}
        return self._dict.get(key)
