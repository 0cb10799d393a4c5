"""Loaders: dataset files on disk -> `(Catalog, Ratings)`.

Supported layouts (`detect_layout` tells them apart by file names):

| layout              | files                                                        |
|---------------------|--------------------------------------------------------------|
| `recbole`           | `NAME.inter`, `NAME.item` [+ `NAME.kg`, `NAME.link`]          |
| `movielens-100k`    | `u.data`, `u.item` [+ `u.genre`] (GroupLens, latin-1)        |
| `movielens-1m`      | `ratings.dat`, `movies.dat` (`::`-separated, latin-1)        |
| `movielens-latest`  | `ratings.csv`, `movies.csv` (ml-latest, ml-25m, ml-32m)      |
| generic CSV pair    | `csv_pair.load_csv_pair(ratings, items, CsvColumns(...))`    |

Every loader validates what it reads (models/data/csv_checks.py: errors name file and
line) and goes through models/data/tables.py for indexing, duplicates and orphan ratings.
Pass a `LoadReport` to learn what was dropped; drops are also logged as warnings.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from models.data import Catalog, Ratings
from models.data import csv_checks as cc
from models.data.kg import movielens_ids_for_ml100k, read_links
from models.data.tables import LoadReport, build_catalog, build_ratings, parse_genres
from models.errors import DataError

Loaded = tuple[Catalog, Ratings]

#: u.genre order; used when a GroupLens ml-100k copy lacks u.genre.
ML100K_GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
)
STAR_SCALE = (1.0, 5.0)
RATING_COLS = ("user", "item", "rating", "timestamp")
HALF_STAR_SCALE = (0.5, 5.0)


def start_report(report: LoadReport | None, layout: str, *files: Path) -> LoadReport:
    report = report if report is not None else LoadReport()
    report.layout = layout
    report.files = [str(f) for f in files]
    return report


def read_ratings(path, df, catalog, scale, name, report, cols=("user", "item", "rating", "timestamp"),
             numeric_ids=True) -> Ratings:
    """Validate the four rating columns of `df` (timestamp may be None) and index them."""
    user, item, rating, ts = cols
    values = cc.require_float(df, path, rating)
    if scale is not None:
        cc.require_scale(values, df, path, rating, scale)
    else:  # generic data without a declared scale: take what the data spans
        scale = (float(values.min()), float(values.max()))
        report.notes.append(f"{path}: rating scale not given, using the data's {scale[0]:g}..{scale[1]:g}")
    stamps = cc.require_float(df, path, ts) if ts is not None else None
    users = cc.ids_column(df, path, user, numeric_ids)
    # item ids must have the catalog's kind (int or str) for the lookup to match
    items = cc.ids_column(df, path, item, catalog.item_ids.dtype.kind in "iu")
    return build_ratings(path, df.index.to_numpy(), users, items, values, stamps, catalog, scale,
                         name=name, report=report)


# --------------------------------------------------------------------------- RecBole
def _typed_header(path: Path) -> list[str] | None:
    """RecBole headers carry types: 'user_id:token' -> 'user_id'."""
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline().rstrip("\r\n")
    except (FileNotFoundError, UnicodeDecodeError):
        return None  # read_table reports the missing file or the bad encoding
    return [c.split(":", 1)[0].strip() for c in first.split("\t")] if first else None


def load_recbole(directory: Path, name: str | None = None, *, scale=STAR_SCALE,
                 links: bool = True, report: LoadReport | None = None) -> Loaded:
    """RecBole atomic files NAME.inter / NAME.item (+ NAME.kg / NAME.link for links).

    Quirks of the ml-100k copy handled here: year 'unkonwn' -> 0; item 1412's year 'V'
    is recovered from its title '... (1995)' (the title then loses the suffix, like
    every other RecBole title); repeated titles are distinct films and all kept.
    """
    directory = Path(directory)
    if name is None:
        found = sorted(directory.glob("*.inter"))
        if len(found) != 1:
            raise DataError(f"{directory}: expected exactly one *.inter file, found {len(found)}")
        name = found[0].stem
    inter, item = directory / f"{name}.inter", directory / f"{name}.item"
    kg, link = directory / f"{name}.kg", directory / f"{name}.link"
    has_kg = links and kg.is_file() and link.is_file()
    report = start_report(report, "recbole", inter, item, *((kg, link) if has_kg else ()))

    items = cc.read_table(item, sep="\t", names=_typed_header(item), numeric=("item_id",))
    cc.require_columns(items, item, ["item_id", "movie_title"])
    ids = cc.ids_column(items, item, "item_id", numeric=True)
    titles = items["movie_title"].str.strip().to_numpy(dtype=object)
    raw_years = items["release_year"] if "release_year" in items else items["movie_title"].map(lambda _: "")
    years = cc.years_column(raw_years)
    # A title still carrying "(YYYY)" with no usable year field (item 1412): take it.
    t2, y2 = cc.split_title_year(items["movie_title"])
    fix = (years == 0) & (y2 > 0)
    titles = np.where(fix, t2, titles).astype(object)
    years = np.where(fix, y2, years).astype(np.int32)
    genres = parse_genres(items["class"], " ") if "class" in items else [()] * len(items)
    item_links = None
    if has_kg:
        # RecBole's ml-100k.link is keyed by MovieLens movieIds (ML-1M ids: 260 is Star
        # Wars there, 50 is The Usual Suspects), not by ML-100K item ids. Read as-is
        # it would give Star Wars the cast of another film, so translate the keys, or
        # go without links when no translation is available.
        key_ids = movielens_ids_for_ml100k(ids) if name == "ml-100k" else ids
        if key_ids is None:
            report.notes.append(f"{link}: keyed by MovieLens movieIds, not ml-100k ids; links skipped")
        else:
            item_links = read_links(kg, link, key_ids)
    catalog = build_catalog(item, items.index.to_numpy(), ids, titles, years, genres,
                            links=item_links, name=name)

    df = cc.read_table(inter, sep="\t", names=_typed_header(inter),
                       numeric=("user_id", "item_id", "rating", "timestamp"))
    cc.require_columns(df, inter, ["user_id", "item_id", "rating"])
    ts = "timestamp" if "timestamp" in df else None
    ratings = read_ratings(inter, df, catalog, scale, name, report,
                       cols=("user_id", "item_id", "rating", ts))
    return catalog, ratings


# ------------------------------------------------------------------ GroupLens layouts
def load_movielens_100k(directory: Path, *, report: LoadReport | None = None) -> Loaded:
    """GroupLens ml-100k: u.data (tab: user item rating timestamp) and u.item
    ('|', latin-1: id|title (year)|date|video date|url|19 genre flags)."""
    directory = Path(directory)
    data, item, genre = directory / "u.data", directory / "u.item", directory / "u.genre"
    report = start_report(report, "movielens-100k", data, item)
    names = list(ML100K_GENRES)
    if genre.is_file():
        g = cc.read_table(genre, sep="|", names=["name", "flag"], header=False, encoding="latin-1")
        names = g["name"].str.strip().tolist()
    cols = ["item_id", "title", "date", "video_date", "url", *[f"g{i}" for i in range(len(names))]]
    items = cc.read_table(item, sep="|", names=cols, header=False, encoding="latin-1",
                          numeric=("item_id", *cols[5:]))
    if items[cols[-1]].isna().any():
        raise DataError(f"{item}: expected {len(cols)} '|'-separated fields per line "
                        f"(id, title, dates, url, {len(names)} genre flags)")
    ids = cc.ids_column(items, item, "item_id", numeric=True)
    titles, years = cc.split_title_year(items["title"])
    date_years = cc.years_column(items["date"].str[-4:])
    years = np.where(years == 0, date_years, years).astype(np.int32)
    flags = items[cols[5:]].to_numpy(dtype=np.float64) > 0
    genres = [tuple(np.asarray(names, dtype=object)[row]) for row in flags]
    catalog = build_catalog(item, items.index.to_numpy(), ids, titles, years, genres, name="ml-100k")

    df = cc.read_table(data, sep="\t", names=list(RATING_COLS), header=False, numeric=RATING_COLS)
    return catalog, read_ratings(data, df, catalog, STAR_SCALE, "ml-100k", report)


def load_movielens_1m(directory: Path, *, report: LoadReport | None = None) -> Loaded:
    """GroupLens ml-1m (and ml-10m): ratings.dat 'user::item::rating::ts' and movies.dat
    'id::Title (year)::Genre|Genre', latin-1."""
    directory = Path(directory)
    data, item = directory / "ratings.dat", directory / "movies.dat"
    report = start_report(report, "movielens-1m", data, item)
    items = cc.read_table(item, sep="::", names=["item_id", "title", "genres"], header=False,
                          encoding="latin-1", numeric=("item_id",))
    ids = cc.ids_column(items, item, "item_id", numeric=True)
    titles, years = cc.split_title_year(items["title"])
    genres = parse_genres(items["genres"], "|", none_token="(no genres listed)")
    catalog = build_catalog(item, items.index.to_numpy(), ids, titles, years, genres,
                            name=directory.name)
    df = cc.read_table(data, sep="::", names=list(RATING_COLS), header=False, encoding="latin-1",
                       numeric=RATING_COLS)
    return catalog, read_ratings(data, df, catalog, STAR_SCALE, directory.name, report)


def load_movielens_latest(directory: Path, *, report: LoadReport | None = None) -> Loaded:
    """ml-latest(-small) / ml-20m / ml-25m: ratings.csv (userId,movieId,rating,timestamp;
    half stars) and movies.csv (movieId,title,genres; '(no genres listed)' = none)."""
    directory = Path(directory)
    data, item = directory / "ratings.csv", directory / "movies.csv"
    report = start_report(report, "movielens-latest", data, item)
    items = cc.read_table(item, sep=",", numeric=("movieId",))
    cc.require_columns(items, item, ["movieId", "title", "genres"])
    ids = cc.ids_column(items, item, "movieId", numeric=True)
    titles, years = cc.split_title_year(items["title"])
    genres = parse_genres(items["genres"], "|", none_token="(no genres listed)")
    catalog = build_catalog(item, items.index.to_numpy(), ids, titles, years, genres,
                            name=directory.name)
    df = cc.read_table(data, sep=",", numeric=("userId", "movieId", "rating", "timestamp"))
    cc.require_columns(df, data, ["userId", "movieId", "rating"])
    ts = "timestamp" if "timestamp" in df else None
    return catalog, read_ratings(data, df, catalog, HALF_STAR_SCALE, directory.name, report,
                             cols=("userId", "movieId", "rating", ts))


# ------------------------------------------------------------------- auto-detection
LAYOUTS = {
    "movielens-100k": (("u.data", "u.item"), load_movielens_100k),
    "movielens-1m": (("ratings.dat", "movies.dat"), load_movielens_1m),
    "movielens-latest": (("ratings.csv", "movies.csv"), load_movielens_latest),
}


def detect_layout(directory: Path) -> str:
    """The layout name of a dataset directory; DataError when nothing matches."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(f"{directory}: not a directory")
    if len(list(directory.glob("*.inter"))) == 1:
        return "recbole"
    for layout, (files, _) in LAYOUTS.items():
        if all((directory / f).is_file() for f in files):
            return layout
    raise DataError(
        f"{directory}: no known dataset layout (looked for NAME.inter+NAME.item, u.data+u.item, "
        "ratings.dat+movies.dat, ratings.csv+movies.csv); for other CSV files use a ratings "
        "file and an items file with named columns"
    )


def load_directory(directory: Path, layout: str | None = None, *,
                   report: LoadReport | None = None) -> Loaded:
    """Load a dataset directory in any supported layout (detected when not given)."""
    layout = layout or detect_layout(directory)
    if layout == "recbole":
        return load_recbole(directory, report=report)
    if layout not in LAYOUTS:
        raise DataError(f"unknown layout {layout!r}; known: recbole, {', '.join(LAYOUTS)}")
    return LAYOUTS[layout][1](directory, report=report)
