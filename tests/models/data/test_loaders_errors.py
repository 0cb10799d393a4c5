"""Bad data: every error names the file and the line; duplicates and orphans are counted."""
from __future__ import annotations

import pytest

from models.data.csv_pair import CsvColumns, load_csv_pair
from models.data.loaders import (
    load_directory,
    load_movielens_100k,
    load_movielens_latest,
    load_recbole,
)
from models.data.tables import LoadReport
from models.errors import DataError

ITEM_HEADER = "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
INTER_HEADER = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
ITEMS = ITEM_HEADER + "1\tA\t1990\tDrama\n2\tB\t1991\tComedy\n"


def recbole(tmp_path, inter_rows: str, items: str = ITEMS):
    (tmp_path / "t.item").write_text(items)
    (tmp_path / "t.inter").write_text(INTER_HEADER + inter_rows)
    return tmp_path


def error_of(fn, *args, **kw) -> str:
    with pytest.raises(DataError) as e:
        fn(*args, **kw)
    return str(e.value)


@pytest.mark.parametrize("rows, line, words", [
    ("1\t1\t5\t1\n1\t2\t6\t2\n", 3, "off the scale 1..5"),
    ("1\t1\t5\t1\n1\t2\t0\t2\n", 3, "off the scale"),
    ("1\t1\t5\t1\nbob\t2\t3\t2\n", 3, "'user_id' must be a number, got 'bob'"),
    ("1\t1\t5\t1\n1\tx2\t3\t2\n", 3, "'item_id' must be a number"),
    ("1\t1\tgood\t1\n", 2, "'rating' must be a number"),
    ("1\t1\t5\t1\n1\t1.5\t3\t2\n", 3, "'item_id' must be an integer"),
    ("1\t1\t5\t1\n1\t\t3\t2\n", 3, "'item_id' is empty"),
    ("1\t1\t5\t1\n2\t2\t3\n", 3, "'timestamp' is empty"),
    ("1\t1\t5\t1\n1\t2\t3\t2\t9\n", 3, "Expected 4 fields in line 3, saw 5"),
    ("1\t1\t5\t1\n\n\n1\t2\t7\t2\n", 5, "off the scale"),  # blank lines keep numbering
])
def test_bad_ratings_name_file_and_line(tmp_path, rows, line, words):
    msg = error_of(load_recbole, recbole(tmp_path, rows))
    assert str(tmp_path / "t.inter") in msg
    assert f"line {line}" in msg
    assert words in msg


def test_missing_file(tmp_path):
    (tmp_path / "t.inter").write_text(INTER_HEADER + "1\t1\t5\t1\n")
    msg = error_of(load_recbole, tmp_path)
    assert "t.item: file not found" in msg


def test_missing_directory_layout(tmp_path):
    assert "no known dataset layout" in error_of(load_directory, tmp_path)


def test_empty_table_and_empty_file(tmp_path):
    assert "t.inter: no data rows" in error_of(load_recbole, recbole(tmp_path, ""))
    (tmp_path / "t.item").write_text("")
    assert "t.item: file is empty" in error_of(load_recbole, tmp_path)


def test_missing_columns(tmp_path):
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n1,A (1999),Drama\n")
    (tmp_path / "ratings.csv").write_text("userId,movieId,stars\n1,1,4\n")
    msg = error_of(load_movielens_latest, tmp_path)
    assert "ratings.csv: missing column(s) 'rating'" in msg and "'stars'" in msg


def test_duplicate_item_id(tmp_path):
    items = ITEMS + "1\tC\t1992\tDrama\n"
    msg = error_of(load_recbole, recbole(tmp_path, "1\t1\t5\t1\n", items))
    assert "t.item, line 4: item id 1 appears twice" in msg


def test_non_numeric_item_id_in_items(tmp_path):
    items = ITEM_HEADER + "1\tA\t1990\tDrama\nabc\tB\t1991\tDrama\n"
    msg = error_of(load_recbole, recbole(tmp_path, "1\t1\t5\t1\n", items))
    assert "t.item, line 3" in msg and "'item_id'" in msg


def test_u_item_with_too_few_fields(tmp_path):
    (tmp_path / "u.item").write_text("1|Toy Story (1995)|01-Jan-1995||url|0|1\n", encoding="latin-1")
    (tmp_path / "u.data").write_text("1\t1\t5\t1\n")
    assert "u.item" in error_of(load_movielens_100k, tmp_path)


def test_not_utf8(tmp_path):
    (tmp_path / "t.item").write_bytes(ITEM_HEADER.encode() + "1\tCér\t1990\tDrama\n".encode("latin-1"))
    (tmp_path / "t.inter").write_text(INTER_HEADER + "1\t1\t5\t1\n")
    assert "not valid utf-8" in error_of(load_recbole, tmp_path)


def test_duplicates_keep_latest_by_timestamp_then_file_order(tmp_path):
    rows = ("1\t1\t5\t300\n"   # later timestamp: kept over the next row
            "1\t1\t2\t100\n"
            "1\t2\t1\t50\n"    # same timestamp twice: the later line wins
            "1\t2\t4\t50\n"
            "2\t2\t3\t10\n")
    report = LoadReport()
    _, ratings = load_recbole(recbole(tmp_path, rows), report=report)
    assert report.duplicates_dropped == 2
    assert any("dropped 2 duplicate" in n for n in report.notes)
    got = sorted(zip(ratings.users.tolist(), ratings.items.tolist(), ratings.values.tolist()))
    assert got == [(0, 0, 5.0), (0, 1, 4.0), (1, 1, 3.0)]


def test_ratings_of_unknown_items_are_dropped_and_counted(tmp_path, caplog):
    report = LoadReport()
    _, ratings = load_recbole(recbole(tmp_path, "1\t1\t5\t1\n1\t99\t3\t2\n3\t98\t3\t2\n"),
                              report=report)
    assert len(ratings) == 1 and report.unknown_items_dropped == 2
    assert ratings.n_users == 1  # users left with no ratings do not get an index
    assert "item 99 on line 3" in caplog.text


def test_all_ratings_unknown_is_an_error(tmp_path):
    msg = error_of(load_recbole, recbole(tmp_path, "1\t99\t5\t1\n"))
    assert "none of the ratings refer to an item" in msg


def test_generic_csv_scale_and_columns(tmp_path):
    (tmp_path / "i.csv").write_text("item_id,title\n1,A\n2,B\n")
    (tmp_path / "r.csv").write_text("user_id,item_id,rating\n1,1,4\n1,2,11\n")
    msg = error_of(load_csv_pair, tmp_path / "r.csv", tmp_path / "i.csv", scale=(0, 10))
    assert "r.csv, line 3: rating 11 is off the scale 0..10" in msg
    msg = error_of(load_csv_pair, tmp_path / "r.csv", tmp_path / "i.csv",
                   CsvColumns(timestamp="when"))
    assert "missing column(s) 'when'" in msg
    with pytest.raises(DataError, match="bad column spec"):
        CsvColumns.from_spec("colour=red")
