"""Reading delimited text tables with errors that name the file and the line.

Every loader goes through `read_table`, then validates columns with the `require_*`
helpers. A bad value is reported as `DataError("path, line N: ...")` with the physical
line number in the file (header included), so a user can open the file and fix it.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from models.errors import DataError

#: "Godfather, The (1972)" -> ("Godfather, The", 1972). Tolerates a trailing space and
#: ml-latest's series ranges "(2006-2007)"; a title without a year is left alone.
_TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:\s*[-\u2013]\s*\d{0,4})?\)\s*$")


def read_table(
    path: Path,
    *,
    sep: str,
    names: list[str] | None = None,
    header: bool = True,
    encoding: str = "utf-8",
    numeric: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a delimited file; the index is each row's 1-based line number in the file.

    Columns named in `numeric` come back as float64 (parsed by pandas' C parser: ids,
    ratings, timestamps), the rest as strings. With header=True the file's first line
    is the header, and `names`, when given, replaces it (RecBole's typed headers).
    A non-numeric value or an empty field is a DataError naming the line. Blank lines
    are dropped and keep their numbering. A multi-character separator (ml-1m's "::")
    is rewritten to a tab so the C parser can be used (the python engine is ~10x slower).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    source: object = path
    if len(sep) > 1:
        try:
            text = path.read_text(encoding=encoding)
        except UnicodeDecodeError as e:
            raise DataError(f"{path}: not valid {encoding} text ({e.reason})") from None
        source, sep = io.StringIO(text.replace(sep, "\t")), "\t"
    options = dict(
        sep=sep, header=0 if header else None, names=names, encoding=encoding,
        skip_blank_lines=False, keep_default_na=False, na_values=[""],
        quoting=3 if sep in ("\t", "|") else 0,  # MovieLens titles hold bare quotes
        engine="c", index_col=False,  # never turn an extra field into the index
    )
    try:
        try:
            dtypes = defaultdict(lambda: str, {c: "float64" for c in numeric})
            df = pd.read_csv(source, dtype=dtypes, **options)
        except ValueError as e:
            if isinstance(e, pd.errors.ParserError) or not numeric:
                raise
            # Text in a numeric column: re-read as text to find and report the line.
            if isinstance(source, io.StringIO):
                source.seek(0)
            text_df = _numbered(pd.read_csv(source, dtype=str, **options), header)
            for column in numeric:
                if column in text_df:
                    require_number_text(text_df, path, column)
            raise DataError(f"{path}: cannot parse: {e}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    except pd.errors.ParserError as e:
        raise DataError(f"{path}: cannot parse: {_parser_message(e)}") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not valid {encoding} text ({e.reason})") from None
    df = _numbered(df, header)
    if df.empty:
        raise DataError(f"{path}: no data rows")
    return df


def _numbered(df: pd.DataFrame, header: bool) -> pd.DataFrame:
    """Index rows by file line, drop blank lines, turn missing text fields into ''."""
    df.columns = [str(c).strip() for c in df.columns]
    df.index = np.arange(len(df)) + (2 if header else 1)
    blank = df.isna().all(axis=1).to_numpy()
    if blank.any():
        df = df[~blank]
    text = [c for c in df.columns if df[c].dtype.kind not in "fiu"]
    if text and df[text].isna().to_numpy().any():
        df = df.copy()
        df[text] = df[text].fillna("")
    return df


def require_number_text(df: pd.DataFrame, path: Path, column: str) -> None:
    """A text column that should hold numbers: DataError at the first that does not."""
    values = pd.to_numeric(df[column].str.strip(), errors="coerce")
    bad = (values.isna() & (df[column].str.strip() != "")).to_numpy()
    if bad.any():
        line = _first_bad(df, bad)
        raise DataError(f"{path}, line {line}: {column!r} must be a number, got {df[column][line]!r}")


def _parser_message(e: Exception) -> str:
    """pandas says 'Error tokenizing data. C error: Expected 4 fields in line 7, saw 5'."""
    msg = str(e).strip()
    m = re.search(r"Expected \d+ fields in line \d+, saw \d+", msg)
    return m.group(0) if m else msg


def require_columns(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    """DataError listing the missing columns and the ones the file has."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(map(repr, missing))}; "
            f"the file has {', '.join(map(repr, df.columns))}"
        )


def _first_bad(df: pd.DataFrame, mask: np.ndarray) -> int:
    return int(df.index[np.flatnonzero(mask)[0]])


def require_present(df: pd.DataFrame, path: Path, column: str) -> None:
    """Every row has a non-empty value in `column` (text, or numeric with NaN = empty)."""
    col = df[column]
    empty = col.isna().to_numpy() if col.dtype.kind == "f" else (col.str.strip() == "").to_numpy()
    if empty.any():
        line = _first_bad(df, empty)
        raise DataError(f"{path}, line {line}: empty {column!r} ({int(empty.sum())} row(s))")


def require_int(df: pd.DataFrame, path: Path, column: str) -> np.ndarray:
    """A numeric column (see read_table) as int64: empty or fractional is an error."""
    values = require_float(df, path, column)
    frac = values != np.floor(values)
    if frac.any():
        line = _first_bad(df, frac)
        raise DataError(f"{path}, line {line}: {column!r} must be an integer, got {values[frac][0]:g}")
    return values.astype(np.int64)


def require_float(df: pd.DataFrame, path: Path, column: str) -> np.ndarray:
    """A numeric column (see read_table) as float64: an empty field is an error."""
    values = df[column].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        line = _first_bad(df, bad)
        raise DataError(f"{path}, line {line}: {column!r} is empty ({int(bad.sum())} row(s))")
    return values


def require_scale(
    values: np.ndarray, df: pd.DataFrame, path: Path, column: str, scale: tuple[float, float]
) -> None:
    """Ratings inside [low, high]; the error names the first offending line."""
    low, high = scale
    off = (values < low) | (values > high)
    if off.any():
        line = _first_bad(df, off)
        raise DataError(
            f"{path}, line {line}: rating {values[off][0]:g} is off the scale "
            f"{low:g}..{high:g} ({int(off.sum())} row(s) off the scale)"
        )


def ids_column(df: pd.DataFrame, path: Path, column: str, numeric: bool | None) -> np.ndarray:
    """External ids: int64 for a numeric column (read_table(numeric=...)), else stripped
    strings. For a text column, numeric=None means int64 when every id is a canonical
    integer (so ISBN '0012...' keeps its leading zeros and stays a string); True forces
    integers (with a DataError on the first non-integer); False keeps strings."""
    if df[column].dtype.kind == "f":
        return require_int(df, path, column)
    require_present(df, path, column)
    s = df[column].str.strip()
    if numeric or (numeric is None and s.str.fullmatch(r"0|[1-9]\d{0,17}").all()):
        ok = s.str.fullmatch(r"[+-]?\d{1,18}").to_numpy(dtype=bool)
        if not ok.all():
            line = _first_bad(df, ~ok)
            raise DataError(f"{path}, line {line}: {column!r} must be an integer id, got {df[column][line]!r}")
        return s.astype(np.int64).to_numpy()
    return s.to_numpy(dtype=object)


def split_title_year(titles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """'Toy Story (1995)' -> ('Toy Story', 1995); no year -> (title, 0)."""
    titles = titles.str.strip()
    parts = titles.str.extract(_TITLE_YEAR)
    has = parts["year"].notna().to_numpy()
    out_titles = np.where(has, parts["title"].fillna(""), titles).astype(object)
    years = pd.to_numeric(parts["year"], errors="coerce").fillna(0).to_numpy(dtype=np.int32)
    return out_titles, years


def years_column(values: pd.Series) -> np.ndarray:
    """Four-digit years as int32; anything else ('V', 'unkonwn', '') -> 0."""
    s = values.str.strip()
    ok = s.str.fullmatch(r"\d{4}")
    return np.where(ok, pd.to_numeric(s.where(ok), errors="coerce").fillna(0), 0).astype(np.int32)
