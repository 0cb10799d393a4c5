"""The generic layout: a ratings CSV and an items CSV with named columns (books, or any
catalog that is not MovieLens), read through the same checks as the MovieLens loaders.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.data import csv_checks as cc
from models.data.loaders import Loaded, read_ratings, start_report
from models.data.tables import LoadReport, build_catalog, parse_genres
from models.errors import DataError


@dataclass(frozen=True)
class CsvColumns:
    """Column names of a generic ratings file and items file.

    Optional columns (timestamp, year, genres) left as None are used when a column
    with the default name exists; naming one explicitly makes it required.
    """

    user: str = "user_id"
    item: str = "item_id"
    rating: str = "rating"
    timestamp: str | None = None
    item_key: str | None = None     # id column of the items file; default: same as `item`
    title: str = "title"
    year: str | None = None
    genres: str | None = None

    @classmethod
    def from_spec(cls, spec: str) -> "CsvColumns":
        """'user=User-ID,item=ISBN,rating=Book-Rating,title=Book-Title' -> CsvColumns."""
        fields = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in cls.__dataclass_fields__:
                raise DataError(f"bad column spec {part!r}: use KEY=NAME with KEY one of "
                                f"{', '.join(cls.__dataclass_fields__)}")
            fields[key.strip()] = value.strip()
        return cls(**fields)


def _optional(df, path, explicit: str | None, default: str) -> str | None:
    if explicit is not None:
        cc.require_columns(df, path, [explicit])
        return explicit
    return default if default in df.columns else None


def load_csv_pair(ratings_path: Path, items_path: Path, columns: CsvColumns = CsvColumns(), *,
                  sep: str = ",", items_sep: str | None = None, encoding: str = "utf-8",
                  genre_sep: str = "|", scale: tuple[float, float] | None = None,
                  name: str = "dataset", report: LoadReport | None = None) -> Loaded:
    """A ratings CSV and an items CSV with named columns (books work: ISBN string ids,
    0-10 ratings with scale=(0, 10)). Ids are integers when every id in both files is a
    plain integer, else strings. Without `scale`, the data's min..max is used. Without a
    year column, a trailing '(YYYY)' is split off the title."""
    ratings_path, items_path = Path(ratings_path), Path(items_path)
    report = start_report(report, "csv", ratings_path, items_path)
    c = columns
    item_key = c.item_key or c.item
    items = cc.read_table(items_path, sep=items_sep or sep, encoding=encoding)
    cc.require_columns(items, items_path, [item_key, c.title])
    # ids stay text here: auto-detection must see leading zeros ('0012') before parsing
    df = cc.read_table(ratings_path, sep=sep, encoding=encoding,
                       numeric=(c.rating, c.timestamp or "timestamp"))
    cc.require_columns(df, ratings_path, [c.user, c.item, c.rating])

    canonical = r"0|[1-9]\d{0,17}"  # no leading zeros: '0012' must stay a string id
    numeric = bool(items[item_key].str.strip().str.fullmatch(canonical).all()
                   and df[c.item].str.strip().str.fullmatch(canonical).all())
    ids = cc.ids_column(items, items_path, item_key, numeric)
    year_col = _optional(items, items_path, c.year, "year")
    if year_col:
        titles = items[c.title].str.strip().to_numpy(dtype=object)
        years = cc.years_column(items[year_col])
    else:
        titles, years = cc.split_title_year(items[c.title])
    genre_col = _optional(items, items_path, c.genres, "genres")
    genres = (parse_genres(items[genre_col], genre_sep, none_token="(no genres listed)")
              if genre_col else [()] * len(items))
    catalog = build_catalog(items_path, items.index.to_numpy(), ids, titles, years, genres, name=name)

    ts = _optional(df, ratings_path, c.timestamp, "timestamp")
    ratings = read_ratings(ratings_path, df, catalog, scale, name, report,
                       cols=(c.user, c.item, c.rating, ts), numeric_ids=None)
    return catalog, ratings
