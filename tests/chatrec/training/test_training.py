"""train_all / load_or_train: artifacts, manifest, staleness, recovery; `chatrec train`."""
import json
import logging
import time

import numpy as np
import pytest

from chatrec.cli.main import main
from chatrec.data.home import artifacts_dir
from chatrec.training import trainer as training
from models.registry import MODELS
from tests.factories import checkerboard, make_catalog, make_ratings

MINE = ["popularity", "content", "item-knn", "user-knn", "hybrid"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path))
    return tmp_path


def tiny_data(flip=False):
    r = checkerboard(8, 8)
    if flip:
        r = make_ratings(np.c_[r.users, r.items, 6 - r.values, r.timestamps], 8)
    cat = make_catalog([f"film {i}" for i in range(8)], [1990 + i for i in range(8)],
                       [("Drama",) if i % 2 else ("Comedy",) for i in range(8)])
    return cat, r


def train(**kw):
    return training.train_report("tiny", models=kw.pop("models", MINE), data=tiny_data(),
                                 **kw)


def test_train_saves_artifacts_and_manifest(home):
    bundle, report = train()
    d = artifacts_dir("tiny")
    manifest = json.loads((d / "manifest.json").read_text())
    assert set(manifest["models"]) == set(MINE) == set(bundle.models)
    for name, entry in manifest["models"].items():
        assert (d / entry["file"]).stat().st_size == entry["bytes"] > 0
        assert entry["fit_seconds"] >= 0 and entry["code"] and "params" in entry
    assert manifest["fingerprint"] == training.data_fingerprint(*tiny_data())
    assert manifest["versions"]["numpy"] == np.__version__
    assert manifest["models"]["popularity"]["learned"]["C"] in training.model_class("popularity")().grid
    # mf-rank is not among the trained models here, so recommend falls back
    assert bundle.routes == {"recommend": "item-knn", "similar": "hybrid",
                             "popular": "popularity"}
    assert {e["status"] for e in report["models"].values()} == {"trained"}


def test_reload_reuses_artifacts_with_identical_scores(home):
    first, _ = train()
    again, report = training.train_report("tiny", models=MINE, data=tiny_data(), force=False)
    assert {e["status"] for e in report["models"].values()} == {"up to date"}
    for name in MINE:
        a, b = first.models[name], again.models[name]
        np.testing.assert_array_equal(a.score_users(np.arange(8)), b.score_users(np.arange(8)))


def test_a_load_that_reuses_everything_leaves_the_manifest_alone(home):
    train()
    path = artifacts_dir("tiny") / "manifest.json"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    training.train_report("tiny", models=MINE, data=tiny_data(), force=False)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    training.train_report("tiny", models=MINE, data=tiny_data(flip=True), force=False)
    assert path.read_bytes() != before[0]  # new data: retrained and recorded


def test_changed_data_retrains(home):
    train()
    bundle = training.load_or_train("tiny", data=tiny_data(flip=True))
    manifest = training.read_manifest(artifacts_dir("tiny"))
    assert manifest["fingerprint"] == training.data_fingerprint(*tiny_data(flip=True))
    # with ratings flipped, item 0's neighbours are now the odd items for item-knn
    top, _ = bundle.models["item-knn"].recommend(0, 1, exclude=np.arange(0, 8, 2))
    assert top[0] % 2 == 1


@pytest.mark.parametrize("change", ["params of an entry without sources", "code"])
def test_changed_hyperparameters_retrain_only_that_model(home, monkeypatch, change):
    """An entry whose source files hash differently (the defaults live in them), or an
    older entry (no recorded sources) whose defaults differ, retrains that model."""
    train()
    d = artifacts_dir("tiny")
    manifest = json.loads((d / "manifest.json").read_text())
    entry = manifest["models"]["content"]
    if change == "code":
        entry["code"] = "0" * 16  # built by other code
    else:
        entry["params"] = {"weights": {"genre": 9.0}}  # an old setting
        del entry["sources"]
    (d / "manifest.json").write_text(json.dumps(manifest))
    _, report = training.train_report("tiny", models=MINE, data=tiny_data(), force=False)
    status = {n: e["status"] for n, e in report["models"].items()}
    assert status.pop("content") == "trained"
    assert set(status.values()) == {"up to date"}


def test_a_start_imports_no_model_until_its_route_is_used(home, monkeypatch):
    """Reused artifacts are checked from their recorded source files and loaded on
    first use, so a start imports no model module (they import scipy.sparse)."""
    train()
    imported = []
    real = training.model_class
    monkeypatch.setattr(training, "model_class", lambda name: imported.append(name) or real(name))
    bundle, report = training.train_report("tiny", models=MINE, data=tiny_data(), force=False)
    assert imported == [] and set(bundle.models) == set(MINE)
    assert {e["status"] for e in report["models"].values()} == {"up to date"}
    assert bundle.route("similar").similar_items(0, 3)[0].size == 3
    assert imported == ["hybrid"]


def test_corrupt_artifact_retrains_with_a_warning(home, caplog):
    train()
    (artifacts_dir("tiny") / "hybrid.npz").write_bytes(b"not a zip file")
    with caplog.at_level(logging.WARNING, logger="chatrec.training.trainer"):
        bundle = training.load_or_train("tiny", data=tiny_data())
    assert "hybrid" in bundle.models and bundle.models["hybrid"].similar_items(0, 3)[0].size
    assert any("hybrid" in r.message and "unreadable" in r.message for r in caplog.records)
    training.load_or_train("tiny", data=tiny_data())  # and the rewritten file now loads


@pytest.mark.parametrize("damage", ["nan", "crc"])
def test_nan_or_corrupt_artifact_retrains_with_a_warning(home, caplog, damage):
    """Findings: NaN-filled artifacts loaded silently and answered with an empty list;
    a flipped bit in a memory-mapped artifact was never noticed."""
    import zipfile
    train()
    path = artifacts_dir("tiny") / "hybrid.npz"  # a route model: loaded at start
    arrays = dict(np.load(path))
    if damage == "nan":
        name = next(k for k, v in arrays.items() if v.dtype.kind == "f" and v.size)
        arrays[name] = np.full_like(arrays[name], np.nan)
        np.savez(path, **arrays)
    else:
        with zipfile.ZipFile(path) as zf:
            info = max(zf.infolist(), key=lambda i: i.file_size)
        data = bytearray(path.read_bytes())
        data[info.header_offset + info.compress_size // 2] ^= 0x01
        path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="chatrec.training.trainer"):
        bundle = training.load_or_train("tiny", data=tiny_data())
    warning = next(r.message for r in caplog.records if "hybrid" in r.message)
    assert "unreadable" in warning and ("NaN" in warning or "CRC" in warning), warning
    assert bundle.models["hybrid"].similar_items(0, 3)[0].size == 3


def test_missing_module_is_skipped_and_noted(home, monkeypatch, caplog):
    monkeypatch.setitem(MODELS, "future", "models.not_written_yet:Model")
    with caplog.at_level(logging.WARNING, logger="chatrec.training.trainer"):
        bundle, report = train(models=["popularity", "future"])
    assert "future" in report["skipped"] and "future" not in bundle.models
    assert bundle.routes["popular"] == "popularity"


def test_cli_train_json(home, monkeypatch, capsys):
    monkeypatch.setattr(training, "_load_data", lambda name: tiny_data())
    code = main(["train", "--dataset", "tiny", "--models", "popularity,content", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) >= {"dataset", "artifacts", "fingerprint", "routes", "models", "skipped",
                        "failed"}
    assert set(out["models"]) == {"popularity", "content"}
    assert all(m["status"] == "trained" and m["bytes"] > 0 and m["engine"] == "numpy"
               for m in out["models"].values())
    main(["train", "--dataset", "tiny", "--models", "popularity", "--json"])
    assert json.loads(capsys.readouterr().out)["models"]["popularity"]["status"] == "up to date"
    main(["train", "--dataset", "tiny", "--models", "popularity", "--force"])
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["model", "status", "fit", "s", "artifact", "engine"]
    assert "popularity" in table and "trained" in table


def test_cli_rejects_unknown_models(home, capsys):
    assert main(["train", "--models", "nope"]) == 2
    assert "unknown model" in capsys.readouterr().err


@pytest.mark.movielens
def test_reload_is_fast_on_movielens(chatrec_home, monkeypatch):
    # only this file's models, so the test does not spend a minute fitting MF on a busy
    # machine; the full bundle reload is measured in docs/benchmarks/scale.md
    monkeypatch.setattr(training, "MODELS", {n: MODELS[n] for n in MINE})
    _, report = training.train_report()  # the fetched ML-100K in chatrec_home
    assert set(report["models"]) == set(MINE)
    times = []
    for _ in range(3):  # best of 3: the code's cost, not a busy machine's
        t0 = time.perf_counter()
        bundle = training.load_or_train()
        times.append(time.perf_counter() - t0)
    assert min(times) < 0.5, f"reload took {min(times):.2f} s"
    assert bundle.routes["similar"] == "hybrid" and len(bundle.catalog) == 1682
    assert set(bundle.models) == set(MINE)


def test_diversity_weights_are_chosen_and_recorded(home):
    """Routes that re-rank get a weight from an inner split (here too small: 0, with
    the reason), kept in the manifest and in the bundle; a reload reuses it."""
    bundle, report = train(models=MINE + ["popularity"])
    d = report["diversity"]
    assert set(d) == {"recommend", "popular"}
    assert d["popular"]["model"] == "popularity" and d["popular"]["vectors"] == "hybrid"
    assert bundle.diversity == {r: v["weight"] for r, v in d.items()}
    again, report2 = training.train_report("tiny", models=MINE, data=tiny_data(), force=False)
    assert report2["diversity"] == d
