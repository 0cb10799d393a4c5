"""Which films a list may offer (DESIGN §3): required genres, excluded genres and
release years, as a boolean mask over the catalog, in words for the reply's header,
and checked for contradictions before any list is made.

`Filter` is stored in the session (inside the last list request) as a plain dict, so
`refine` can replace one kind of constraint and keep the others.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from chatrec.conversation.replies import join_words


@dataclass(frozen=True)
class Filter:
    genres: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    # ---- building -------------------------------------------------------------------
    @classmethod
    def of(cls, query) -> "Filter":
        return cls(tuple(query.genres), tuple(query.exclude_genres), query.year_from,
                   query.year_to)

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filter":
        d = d or {}
        genres = d.get("genres") or ([d["genre"]] if d.get("genre") else [])
        return cls(tuple(genres), tuple(d.get("exclude") or ()), d.get("year_from"),
                   d.get("year_to"))

    def to_dict(self) -> dict:
        return {"genres": list(self.genres), "exclude": list(self.exclude),
                "year_from": self.year_from, "year_to": self.year_to}

    def refined(self, new: "Filter") -> "Filter":
        """This filter with `new`'s constraints replacing the same kind: new genres
        replace the genres, new years replace the years; exclusions add up ("without
        romance", then "and without animation"). A genre asked for again is no longer
        excluded; excluding a required genre is a contradiction `problem` reports."""
        genres = new.genres or self.genres
        exclude = tuple(dict.fromkeys(
            [g for g in self.exclude if g not in new.genres] + list(new.exclude)))
        years = (new.year_from, new.year_to) if (new.year_from is not None or
                                                  new.year_to is not None) \
            else (self.year_from, self.year_to)
        return replace(self, genres=genres, exclude=exclude, year_from=years[0],
                       year_to=years[1])

    @property
    def active(self) -> bool:
        return bool(self.genres or self.exclude or self.year_from is not None
                    or self.year_to is not None)

    # ---- checking ---------------------------------------------------------------------
    def problem(self, first_year: int | None, last_year: int | None,
                catalog_name: str) -> str | None:
        """Why no film can meet this filter, in words; None when some may."""
        both = [g for g in self.genres if g in self.exclude]
        if both:
            return (f"You asked for {join_words(both)} and also for no {join_words(both, 'or')}"
                    " - those cancel out. Which one did you mean?")
        lo, hi = self.year_from, self.year_to
        if lo is not None and hi is not None and lo > hi:
            return (f"Films {self.years_text()} can't exist: the years you gave contradict "
                    "each other. Try one range, e.g. 'from the 1990s'.")
        if first_year and last_year and ((lo is not None and lo > last_year)
                                         or (hi is not None and hi < first_year)):
            return (f"I have no films {self.years_text()}: {catalog_name} covers "
                    f"{first_year}-{last_year}.")
        return None

    # ---- applying -----------------------------------------------------------------------
    def mask(self, catalog, years: np.ndarray) -> np.ndarray | None:
        """Boolean mask of the films that qualify; None when nothing is filtered."""
        if not self.active:
            return None
        ok = np.ones(len(catalog), dtype=bool)
        for g in self.genres:
            ok &= catalog.genre_mask(g)
        for g in self.exclude:
            ok &= ~catalog.genre_mask(g)
        if self.year_from is not None:
            ok &= years >= self.year_from
        if self.year_to is not None:
            ok &= (years <= self.year_to) & (years > 0)
        return ok

    # ---- words ----------------------------------------------------------------------------
    def years_text(self) -> str:
        """'from the 1990s', 'from 1995', 'from before 1970', 'from 1997 on',
        'from 1940 to 1960'; '' without years."""
        lo, hi = self.year_from, self.year_to
        if lo is None and hi is None:
            return ""
        if lo is not None and hi is not None:
            if lo == hi:
                return f"from {lo}"
            if lo % 10 == 0 and hi == lo + 9:
                return f"from the {lo}s"
            return f"from {lo} to {hi}"
        if hi is not None:
            return f"from before {hi + 1}"
        return f"from {lo} on"

    def describe(self, noun: str = "films", like: str | None = None) -> str:
        """'Comedy films from the 1990s, without Romance' (DESIGN §3's header);
        with `like`: 'Comedy films from the 1990s like Toy Story (1995), without ...'."""
        head = f"{join_words(self.genres)} {noun}" if self.genres else noun
        years = self.years_text()
        text = f"{head} {years}" if years else head
        if like:
            text += f" like {like}"
        if self.exclude:
            text += f", without {join_words(self.exclude, 'or')}"
        return text


class LessWatched:
    """"Hidden gems", "less famous", "not so mainstream" (Query.rank_by "hidden"): the
    films outside the most-watched quarter of the rated ones. A share, not a number of
    ratings, so it means the same on a catalog of any size; on ML-100K it is fewer than
    80 ratings (the median film has 27)."""

    SHARE = 0.75       # the less-watched are the films below this quantile of counts

    def __init__(self, counts: np.ndarray) -> None:
        counts = np.asarray(counts)
        rated = counts[counts > 0]
        self.cap = int(np.ceil(np.quantile(rated, self.SHARE))) if rated.size else 1
        self.mask = (counts > 0) & (counts < self.cap)

    def allowed(self, allowed: np.ndarray | None) -> np.ndarray:
        return self.mask if allowed is None else allowed & self.mask

    def words(self) -> str:
        """'among the less-watched (fewer than 80 ratings each)'."""
        return f"among the less-watched (fewer than {self.cap} ratings each)"

    def only(self) -> str:
        """', less-watched ones only (fewer than 80 ratings each)'."""
        return f", less-watched ones only (fewer than {self.cap} ratings each)"
