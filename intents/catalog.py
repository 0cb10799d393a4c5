"""The catalog as the parsers see it: plain Python data, no numpy, no models import.

The service adapts its own containers to this (chatrec/parsers.py); tests build it
directly. Derived lookups (title matcher, genre matcher) are built lazily, once per
catalog, and shared by every parser that uses the catalog.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Sequence


@dataclass(frozen=True, eq=False)
class TitleCatalog:
    """Items in index order.

    item_ids: external ids (int or str), returned in Query.item_id.
    titles: canonical display titles as the dataset spells them ("Godfather, The").
    years: release year per item, 0 when unknown.
    genres: genre names per item.
    counts: number of ratings per item; ties between equally good title matches go to
        the more-rated film.
    """

    item_ids: tuple[Any, ...]
    titles: tuple[str, ...]
    years: tuple[int, ...] = ()
    genres: tuple[tuple[str, ...], ...] = ()
    counts: tuple[int, ...] = ()
    name: str = "catalog"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        # Normalise to tuples of plain values so the catalog is hashable-free and JSON-safe.
        object.__setattr__(self, "item_ids", tuple(_plain(x) for x in self.item_ids))
        object.__setattr__(self, "titles", tuple(str(t) for t in self.titles))
        object.__setattr__(self, "years", tuple(int(y) for y in self.years) or (0,) * n)
        object.__setattr__(self, "genres",
                           tuple(tuple(str(g) for g in gs) for gs in self.genres) or ((),) * n)
        object.__setattr__(self, "counts", tuple(int(c) for c in self.counts) or (0,) * n)
        if not (len(self.titles) == len(self.years) == len(self.genres)
                == len(self.counts) == n):
            raise ValueError("TitleCatalog fields must all have one entry per item")

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], name: str = "catalog") -> "TitleCatalog":
        """From (item_id, title, year, genres, count) rows; handy in tests."""
        cols = list(zip(*rows)) if rows else [(), (), (), (), ()]
        return cls(*[tuple(c) for c in cols], name=name)

    def __len__(self) -> int:
        return len(self.item_ids)

    @cached_property
    def genre_names(self) -> tuple[str, ...]:
        """Every genre in the catalog, sorted, without the 'unknown' placeholders."""
        names = {g for gs in self.genres for g in gs}
        return tuple(sorted(g for g in names
                            if g.lower() not in {"unknown", "(no genres listed)"}))

    @cached_property
    def titles_matcher(self):
        """The shared TitleMatcher (built on first use: ~40 ms for 1.7k titles)."""
        from intents.mentions.titles import TitleMatcher
        return TitleMatcher(self)

    def adopt_title_index(self, state: dict) -> None:
        """Use a saved `TitleMatcher.state()` of this catalog instead of building the
        matcher on first use (a service caches it beside its artifacts)."""
        from intents.mentions.titles import TitleMatcher
        self.__dict__["titles_matcher"] = TitleMatcher(self, state)  # the cached_property's slot

    @cached_property
    def genres_matcher(self):
        """The shared GenreMatcher for this catalog's genres."""
        from intents.lexicon.genres import GenreMatcher
        return GenreMatcher(self.genre_names)

    def display(self, i: int) -> str:
        """'Title (Year)' for messages."""
        y = self.years[i]
        return f"{self.titles[i]} ({y})" if y else self.titles[i]


def _plain(x):
    """numpy scalars -> int/str so Query.item_id is JSON-serialisable."""
    if hasattr(x, "item"):
        x = x.item()
    return x if isinstance(x, (int, str)) else str(x)
