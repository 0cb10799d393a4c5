"""`chatrec data ...` through chatrec.cli.main.main: output shapes, messages, exit codes."""
from __future__ import annotations

import json

import pytest

from chatrec.cli.main import main

INFO_KEYS = {"name", "users", "items", "ratings", "density", "genres", "source", "path",
             "scale", "duplicates_dropped", "unknown_items_dropped", "has_links", "fingerprint"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CHATREC_DATASET", raising=False)
    return tmp_path / "home"


@pytest.mark.movielens
def test_info_json_shape(chatrec_home, capsys):
    code, out, _ = run(capsys, "data", "info", "--json")
    info = json.loads(out)
    assert code == 0 and INFO_KEYS <= set(info)
    assert (info["name"], info["users"], info["items"], info["ratings"]) == ("ml-100k", 943, 1682, 100_000)
    assert info["density"] == pytest.approx(100_000 / (943 * 1682), abs=1e-6)
    assert "Sci-Fi" in info["genres"] and len(info["genres"]) == 18
    assert info["scale"] == [1.0, 5.0] and info["duplicates_dropped"] == 0
    assert info["path"] == str(chatrec_home / "datasets" / "ml-100k")


@pytest.mark.movielens
def test_info_text_and_fetch_noop(chatrec_home, capsys):
    code, out, _ = run(capsys, "data", "info")
    assert code == 0 and "100,000" in out and "ml-100k" in out and "density" in out
    code, out, err = run(capsys, "data", "fetch")
    assert code == 0 and "already in" in err and out == ""


def test_info_of_unfetched_dataset_says_how(empty_home, capsys):
    code, _, err = run(capsys, "data", "info", "ml-100k")
    assert code == 3 and "chatrec data fetch ml-100k" in err


def test_unknown_dataset_exit_code(empty_home, capsys):
    code, _, err = run(capsys, "data", "fetch", "no-such-set")
    assert code == 3 and "unknown dataset 'no-such-set'" in err


def test_add_then_info_and_list(empty_home, tmp_path, capsys):
    (tmp_path / "books.csv").write_text("isbn;title;genres\n0001;Dune;SF|Classic\n0002;Emma;\n")
    (tmp_path / "ratings.csv").write_text("user;isbn;score\n1;0001;9\n2;0002;4\n2;0002;5\n2;0404;3\n")
    code, _, err = run(capsys, "data", "add", "books", "--ratings", str(tmp_path / "ratings.csv"),
                       "--items", str(tmp_path / "books.csv"), "--sep", ";", "--scale", "0,10",
                       "--columns", "item=isbn,rating=score,user=user")
    assert code == 0 and "registered books" in err
    code, out, _ = run(capsys, "data", "info", "books", "--json")
    info = json.loads(out)
    assert INFO_KEYS <= set(info)
    assert (info["users"], info["items"], info["ratings"]) == (2, 2, 2)
    assert info["genres"] == ["Classic", "SF"] and info["source"] == "local"
    assert info["duplicates_dropped"] == 1 and info["unknown_items_dropped"] == 1
    assert info["has_links"] is False and info["scale"] == [0.0, 10.0]
    code, out, _ = run(capsys, "data", "list", "--json")
    names = {r["name"]: r for r in json.loads(out)}
    assert names["books"]["installed"] and not names["ml-100k"]["installed"]


@pytest.mark.parametrize("argv, words", [
    (["--scale", "5"], "--scale must be LO,HI"),
    (["--scale", "5,1"], "is not below"),
    (["--columns", "colour=red"], "bad column spec"),
])
def test_add_usage_errors(empty_home, tmp_path, capsys, argv, words):
    (tmp_path / "i.csv").write_text("item_id,title\n1,A\n")
    (tmp_path / "r.csv").write_text("user_id,item_id,rating\n1,1,4\n")
    code, _, err = run(capsys, "data", "add", "x", "--ratings", str(tmp_path / "r.csv"),
                       "--items", str(tmp_path / "i.csv"), *argv)
    assert code == 2 and words in err


def test_add_bad_data_names_file_and_line(empty_home, tmp_path, capsys):
    (tmp_path / "i.csv").write_text("item_id,title\n1,A\n")
    (tmp_path / "r.csv").write_text("user_id,item_id,rating\n1,1,4\n1,1,x\n")
    code, _, err = run(capsys, "data", "add", "x", "--ratings", str(tmp_path / "r.csv"),
                       "--items", str(tmp_path / "i.csv"))
    assert code == 3 and "r.csv, line 3" in err and "'rating'" in err


@pytest.mark.parametrize("argv", [["data", "--help"], ["data", "add", "--help"],
                                  ["data", "info", "--help"], ["data", "fetch", "--help"]])
def test_help(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr().out
    assert e.value.code == 0 and "usage: chatrec data" in out


def test_data_without_action_prints_help(capsys):
    code, out, _ = run(capsys, "data")
    assert code == 2 and "fetch" in out and "info" in out
