"""What a start trains (only the routes' models; `chatrec train` the rest) and the size
guard (a fit estimated above the limit is reported, not started)."""
import json

import pytest

from chatrec.cli.main import main
from chatrec.data.home import artifacts_dir
from chatrec.training import budget
from chatrec.training import trainer as training
from models.cost import DataShape
from models.registry import MODELS, model_class
from tests.chatrec.training.test_training import tiny_data

ROUTE_MODELS = {"rank-blend", "hybrid", "popularity"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATREC_HOME", str(tmp_path))
    monkeypatch.delenv(budget.LIMIT_SETTING, raising=False)
    return tmp_path


def fitted_names(monkeypatch) -> list[str]:
    """Records every model the trainer fits."""
    names = []
    real = training.fit_one
    monkeypatch.setattr(training, "fit_one",
                        lambda name, *a: names.append(name) or real(name, *a))
    return names


def test_a_start_trains_only_the_route_models_and_train_the_rest(home, monkeypatch):
    fits = fitted_names(monkeypatch)
    messages = []
    bundle = training.load_or_train("tiny", lambda d, t, m: messages.append(m),
                                    data=tiny_data(), routes_only=True)
    assert set(fits) == ROUTE_MODELS == set(bundle.models)
    assert bundle.routes == {"recommend": "rank-blend", "similar": "hybrid",
                             "popular": "popularity"}
    # progress says which model is being fitted and about how long it takes
    assert any(m.startswith("fitting hybrid (about ") for m in messages)
    manifest = training.read_manifest(artifacts_dir("tiny"))
    assert set(manifest["models"]) == ROUTE_MODELS
    # `chatrec train` (every model) fits the rest and reuses the route models
    fits.clear()
    _, report = training.train_report("tiny", data=tiny_data(), force=False)
    assert set(fits) == set(MODELS) - ROUTE_MODELS
    assert {n for n, e in report["models"].items() if e["status"] == "up to date"} == ROUTE_MODELS
    # and the next start loads all of them, fitting nothing
    fits.clear()
    again = training.load_or_train("tiny", data=tiny_data(), routes_only=True)
    assert fits == [] and set(again.models) == set(MODELS)


def test_a_start_trains_an_ab_arm_and_a_fallback_when_the_default_is_missing(home, monkeypatch):
    monkeypatch.setitem(MODELS, "rank-blend", "models.not_written_yet:Model")
    fits = fitted_names(monkeypatch)
    bundle = training.load_or_train("tiny", data=tiny_data(), routes_only=True,
                                    extra=["item-knn"])
    # rank-blend cannot be had: the recommend route's first fallback is trained instead
    assert set(fits) == {"hybrid", "popularity", "item-knn", "mf-rank"}
    assert bundle.routes["recommend"] == "mf-rank"


def test_the_cli_start_trains_only_the_route_models(home, monkeypatch, capsys):
    monkeypatch.setattr(training, "_load_data", lambda name: tiny_data())
    monkeypatch.setattr(training, "_item_noun", lambda name: "films")
    monkeypatch.setattr(training, "_dataset_fingerprint", lambda name: None)
    assert main(["ask", "popular films", "--dataset", "tiny", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"]
    manifest = training.read_manifest(artifacts_dir("tiny"))
    assert set(manifest["models"]) == ROUTE_MODELS


def test_a_fit_estimated_above_the_limit_is_reported_not_started(home, monkeypatch):
    cls = model_class("user-knn")
    monkeypatch.setattr(cls, "fit_seconds", classmethod(lambda c, shape: 7200.0))
    monkeypatch.setenv(budget.LIMIT_SETTING, "10")
    fits = fitted_names(monkeypatch)
    bundle, report = training.train_report("tiny", models=["popularity", "user-knn"],
                                           data=tiny_data())
    assert fits == ["popularity"] and "user-knn" not in bundle.models
    why = report["skipped"]["user-knn"]
    assert "about 2.0 h" in why and "8 users" in why and "about 10 min limit" in why
    assert budget.LIMIT_SETTING in why
    # raising the limit lets it run
    monkeypatch.setenv(budget.LIMIT_SETTING, "180")
    _, report = training.train_report("tiny", models=["user-knn"], data=tiny_data())
    assert report["models"]["user-knn"]["status"] == "trained"


def test_cli_train_prints_why_a_model_was_not_started(home, monkeypatch, capsys):
    monkeypatch.setattr(training, "_load_data", lambda name: tiny_data())
    monkeypatch.setattr(model_class("blend"), "fit_seconds",
                        classmethod(lambda c, shape: 3600.0 * 3))
    assert main(["train", "--dataset", "tiny", "--models", "blend,baseline"]) == 0
    err = capsys.readouterr().err
    assert "blend: not trained (would take about 3.0 h on 8 users, 8 items, 64 ratings" in err


@pytest.mark.parametrize("raw", ["0", "-3", "soon"])
def test_a_bad_limit_is_a_usage_error(raw):
    from chatrec.errors import UsageError
    with pytest.raises(UsageError, match=budget.LIMIT_SETTING):
        budget.limit_seconds({budget.LIMIT_SETTING: raw})


def test_every_model_estimates_its_fit_from_the_shape():
    small = DataShape(943, 1682, 100_000, 2.3e7, 1.2e8)
    big = DataShape(162_541, 59_047, 25_000_095, 7.4e9, 2.7e11)
    for name in MODELS:
        cls = model_class(name)
        assert 0 < cls.fit_seconds(small) < cls.fit_seconds(big), name
    assert budget.about(40) == "about 40 s" and budget.about(200) == "about 3 min"


def test_the_estimates_are_not_part_of_what_a_model_learned():
    """Tuning a rate in models/cost.py must not retrain every artifact."""
    from chatrec.training.signatures import model_signature
    for name in MODELS:
        sources = model_signature(model_class(name))["sources"]
        assert "models.cost" not in sources and "models.progress" not in sources, name
        assert any(s.startswith("models.recommenders.") for s in sources)
