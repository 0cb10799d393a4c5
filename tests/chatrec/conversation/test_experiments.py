"""A/B routing: the spec (inline and TOML), sticky assignment, the split over 10,000
session ids, the arm in replies, transcripts and /metrics, and one-line errors."""
from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from chatrec.cli.main import main
from chatrec.conversation.experiments import Experiments, parse_spec
from chatrec.errors import UsageError
from chatrec.server.app import create_app
from chatrec.service import ChatService
from tests.chatrec.fakes import SessionStore, TinyParser, tiny_bundle


def session_ids(n: int) -> list[str]:
    rng = random.Random(0)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return ["".join(rng.choices(alphabet, k=22)) for _ in range(n)]


@pytest.mark.parametrize("spec, shares", [
    ("recommend: mf-rank 50, item-knn 50", {"mf-rank": 50, "item-knn": 50}),
    ("recommend: a 10, b 30, c 60", {"a": 10, "b": 30, "c": 60}),
])
def test_split_is_within_3_percent_over_10000_sessions_and_sticky(spec, shares):
    exp = Experiments(parse_spec(spec))
    ids = session_ids(10_000)
    arms = [exp.assign(s)["recommend"] for s in ids]
    for model, share in shares.items():
        assert abs(arms.count(model) / 100 - share) <= 3, (model, arms.count(model))
    assert [exp.assign(s)["recommend"] for s in ids[:500]] == arms[:500]  # sticky
    # a fresh object (another worker, another host) assigns the same arms
    assert [Experiments(parse_spec(spec)).assign(s)["recommend"] for s in ids[:500]] == \
        arms[:500]


def test_toml_file(tmp_path):
    f = tmp_path / "exp.toml"
    f.write_text('[recommend]\n"mf-rank" = 70\nitem-knn = 30\n')
    exp = Experiments.from_env({"CHATREC_EXPERIMENTS": str(f)})
    assert exp.by_route["recommend"].arms == (("mf-rank", 70.0), ("item-knn", 30.0))
    assert not Experiments.from_env({})


@pytest.mark.parametrize("spec, words", [
    ("recommend: mf-rank 60, item-knn 50", "sum to 110, not 100"),
    ("recommend: mf-rank 40", "sum to 40, not 100"),
    ("recommend mf-rank 50", "expected 'ROUTE: MODEL WEIGHT"),
    ("recommend: mf-rank fifty, item-knn 50", "the arm 'mf-rank fifty'"),
    ("similar: hybrid 50, content 50", "route 'similar' cannot be split"),
    ("recommend: a 50, a 50", "appears twice"),
    ("recommend: a 100, b 0", "above 0"),
])
def test_bad_specs_are_one_line(spec, words):
    with pytest.raises(UsageError) as err:
        parse_spec(spec)
    assert str(err.value).startswith("CHATREC_EXPERIMENTS: ") and words in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_toml_and_untrained_models(tmp_path):
    f = tmp_path / "exp.toml"
    f.write_text("[recommend\n")
    with pytest.raises(UsageError, match="is not valid TOML"):
        Experiments.from_env({"CHATREC_EXPERIMENTS": str(f)})
    with pytest.raises(UsageError, match="cannot read"):
        Experiments.from_env({"CHATREC_EXPERIMENTS": str(tmp_path / "missing.toml")})
    with pytest.raises(UsageError, match="model 'ease' of the 'recommend' split is not "
                                         "trained"):
        Experiments(parse_spec("recommend: mf-rank 50, ease 50")).check({"mf-rank", "mf"})


def test_arm_in_reply_transcript_list_and_metrics(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    bundle = tiny_bundle()
    exp = Experiments(parse_spec("recommend: fake-mf 50, popularity 50"))
    svc = ChatService(bundle, TinyParser(bundle.catalog), SessionStore(tmp_path / "s.db"),
                      client_session_ids=True, experiments=exp)
    by_arm = {}
    for sid in session_ids(40):
        arm = exp.assign(sid)["recommend"]
        if arm in by_arm:
            continue
        body = svc.turn("recommend", sid, user_id=1)
        assert body["query"]["arm"] == {"recommend": arm}
        assert svc.get_session(sid)["transcript"][-1]["arm"] == {"recommend": arm}
        by_arm[arm] = [it["item_id"] for it in body["items"]]
    # the two arms really served different models
    assert set(by_arm) == {"fake-mf", "popularity"} and by_arm["fake-mf"] != by_arm["popularity"]
    with TestClient(create_app(svc)) as c:
        sid = session_ids(1)[0]
        for _ in range(3):
            assert c.post("/chat", json={"message": "recommend", "session_id": sid,
                                         "user_id": 1}).json()["query"]["arm"]
        samples = [s for fam in text_string_to_metric_families(c.get("/metrics").text)
                   for s in fam.samples if s.name == "chatrec_experiment_turns_total"]
    assert [(s.labels, s.value) for s in samples] == [
        ({"route": "recommend", "arm": exp.assign(sid)["recommend"], "intent": "recommend"},
         3.0)]


def test_no_experiment_no_arm(tmp_path):
    bundle = tiny_bundle()
    svc = ChatService(bundle, TinyParser(bundle.catalog), SessionStore(tmp_path / "s.db"),
                      client_session_ids=True)
    assert "arm" not in svc.turn("recommend", "s1", user_id=1)["query"]


def test_serve_refuses_a_bad_spec_at_start(trained_home, monkeypatch, capsys):
    monkeypatch.setenv("CHATREC_EXPERIMENTS", "recommend: mf-rank 50, no-such-model 50")
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("chatrec: error: CHATREC_EXPERIMENTS: model 'no-such-model'")
