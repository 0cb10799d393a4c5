"""What chatrec knows about each film, precomputed once per bundle as plain Python:
ids, titles, years, genres, rating counts and averages, the distribution of ratings,
rank within each genre by weighted average, and how the catalog calls itself.

Used by every route that shows a film (item dicts), by `info` and `why` answers,
and by "I don't know that film" replies (the catalog's name, size and years).
"""
from __future__ import annotations

import re

import numpy as np

from chatrec.conversation.reasons import Reasons
from models.recommenders.popularity import bayesian_scores

LIKED = 4.0
#: names of known datasets as a reply should say them
CATALOG_NAMES = {"ml-100k": "MovieLens 100K", "ml-1m": "MovieLens 1M",
                 "ml-latest-small": "MovieLens (latest, small)", "ml-25m": "MovieLens 25M"}


def _native(x):
    return x.item() if isinstance(x, np.generic) else x


# a sequel's title: "Jaws 2", "Godfather: Part II, The", "Die Hard 2", "Alien 3"
_SEQUEL = re.compile(r"^(?P<base>.+?)(?::\s*part\s+(?:[ivx]+|\d)|\s+(?:[2-9]|ii|iii|iv|v|vi))"
                     r"(?P<rest>(?:,\s*(?:the|a|an))?)$", re.I)


class CatalogFacts:
    def __init__(self, bundle) -> None:
        cat, rat = bundle.catalog, bundle.ratings
        n = len(cat)
        self.catalog, self.ratings = cat, rat
        self.item_ids = [_native(x) for x in cat.item_ids.tolist()]
        self.titles = [str(t) for t in cat.titles.tolist()]
        self.years = [int(y) or None for y in cat.years.tolist()]
        self.genres = [[g for g in gs if g != "unknown"] for gs in cat.genres]
        self.display = [cat.display(i) for i in range(n)]
        self.counts = rat.item_counts().astype(np.int64)
        self.means = rat.item_means()
        known = [y for y in self.years if y]
        self.first_year, self.last_year = (min(known), max(known)) if known else (None, None)
        self.catalog_name = CATALOG_NAMES.get(bundle.dataset, bundle.dataset)
        self.noun = bundle.noun   # "films", or the dataset's own ("books")
        self.noun_one = self.noun[:-1] if self.noun.endswith("s") else self.noun
        self.genre_names = list(cat.genre_names)
        order = np.lexsort((np.arange(n), -self.counts))
        self.example_titles = [self.titles[i] for i in order[:2]] or ["Fargo", "Alien"]
        # IMDb-style weighted rating, (n*mean + m*mu) / (n + m), with m = the median
        # number of ratings of a rated film: on ML-100K m = 27, so a film needs about
        # as many ratings as a typical film before its own average dominates
        rated = self.counts > 0
        self.min_votes = float(np.median(self.counts[rated])) if rated.any() else 1.0
        mu = float(rat.values.mean()) if len(rat) else 0.0
        self.global_mean = mu
        self.weighted = bayesian_scores(self.counts, self.means, mu, self.min_votes)
        self.reasons = Reasons(cat, rat, self.display, self.genres, LIKED)
        self._genre_rank: dict[str, dict[int, int]] = {}
        by_title: dict[str, list[int]] = {}
        for i, t in enumerate(self.titles):
            by_title.setdefault(t, []).append(i)
        # "Cape Fear" (1962 and 1991): films sharing a title, told apart by their year
        self._same_title = {t: ix for t, ix in by_title.items() if len(ix) > 1}
        self._by_title = by_title

    # ---- per film ------------------------------------------------------------------
    def item(self, i: int) -> dict:
        """The JSON shape of one film (search, lists, session views)."""
        return {"item_id": self.item_ids[i], "title": self.titles[i], "year": self.years[i],
                "genres": list(self.genres[i])}

    def other_versions(self, i: int) -> list[int]:
        """The other films with film i's title and another year (a remake, a re-release
        listed apart); [] for most films."""
        return [j for j in self._same_title.get(self.titles[i], ())
                if j != i and self.years[j] != self.years[i]]

    def first_of_series(self, i: int) -> int | None:
        """For a numbered sequel ("Jaws 2", "Godfather: Part II, The"), the oldest film
        under the first film's title ("Jaws", "Godfather, The"); else None."""
        m = _SEQUEL.match(self.titles[i])
        if m is None:
            return None
        first = [j for j in self._by_title.get(m.group("base") + m.group("rest"), ())
                 if self.years[j] is not None]
        return min(first, key=lambda j: self.years[j]) if first else None

    def example_versions(self) -> str | None:
        """The best-known title the catalog has more than one film of ("Cape Fear")."""
        groups = [ix for ix in self._same_title.values()
                  if len({self.years[j] for j in ix}) > 1]
        if not groups:
            return None
        return self.titles[max((j for ix in groups for j in ix),
                               key=lambda j: (self.counts[j], -j))]

    def rating_counts(self, i: int) -> list[int]:
        """How many ratings of each whole star (1..5 on MovieLens) the film has."""
        lo, hi = self.ratings.scale
        m = self.ratings.csc()
        values = m.data[m.indptr[i]:m.indptr[i + 1]]
        bins = np.arange(int(np.floor(lo)), int(np.ceil(hi)) + 1)
        return np.bincount(np.clip(np.rint(values).astype(int) - bins[0], 0, len(bins) - 1),
                           minlength=len(bins)).tolist()

    def genre_rank(self, i: int) -> tuple[str, int, int] | None:
        """(genre, rank, films in it) for the film's best-ranked genre by weighted
        average, counting only rated films; None for an unrated film."""
        if self.counts[i] == 0 or not self.genres[i]:
            return None
        best = None
        for g in self.genres[i]:
            ranks = self._ranks(g)
            r = ranks.get(i)
            if r is not None and (best is None or r < best[1]):
                best = (g, r, len(ranks))
        return best

    def _ranks(self, genre: str) -> dict[int, int]:
        ranks = self._genre_rank.get(genre)
        if ranks is None:
            members = np.flatnonzero(self.catalog.genre_mask(genre) & (self.counts > 0))
            order = members[np.lexsort((members, -self.weighted[members]))]
            ranks = {int(j): r for r, j in enumerate(order, 1)}
            self._genre_rank[genre] = ranks
        return ranks

    def catalog_line(self) -> str:
        """'MovieLens 100K: 1,682 films released 1922-1998'."""
        years = (f" released {self.first_year}-{self.last_year}"
                 if self.first_year else "")
        return f"{self.catalog_name}: {len(self.titles):,} {self.noun}{years}"
