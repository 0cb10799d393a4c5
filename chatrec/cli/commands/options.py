"""Options several commands share, defined once so their help reads the same."""
from __future__ import annotations


def add_dataset(p, what: str = "to use") -> None:
    """--dataset NAME on every command that reads data."""
    p.add_argument("--dataset", metavar="NAME", default=None,
                   help=f"dataset {what} (default: $CHATREC_DATASET or ml-100k; "
                   "see 'chatrec data list')")
