"""`chatrec eval` on a tiny --train/--test CSV pair written here (no MovieLens)."""
import json

import numpy as np
import pytest

from chatrec.cli import main as cli
from chatrec.cli.commands import evaluate
from models.diversity import WEIGHTS
from tests.factories import make_catalog, make_ratings

KEYS = {"rmse", "mae", "precision@10", "recall@10", "ndcg@10", "map@10", "mrr",
        "hit_rate@10", "coverage", "novelty", "ild@10", "fit_seconds"}


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    cat = make_catalog([f"m{i}" for i in range(8)], item_ids=list(range(101, 109)),
                       genres=[("Drama",)] * 8)
    rows = [(u, i, 5.0 if u % 2 == i % 2 else 1.0, u * 8 + i) for u in range(6) for i in range(8)]
    monkeypatch.setattr(evaluate, "_load", lambda name: (cat, make_ratings(rows, 8)))
    tr, te = tmp_path / "train.csv", tmp_path / "test.csv"
    # each user holds out two items: (u+2)%8 (their taste, 5 stars) and (u+3)%8 (1 star)
    held = {(u, (u + 2) % 8) for u in range(6)} | {(u, (u + 3) % 8) for u in range(6)}
    line = "u{0},{1},{2},{3}\n"
    cells = [(u, i, 5 if u % 2 == i % 2 else 1, u * 8 + i) for u in range(6) for i in range(8)]
    tr.write_text("user_id,item_id,rating,timestamp\n" + "".join(
        line.format(u, 101 + i, r, t) for u, i, r, t in cells if (u, i) not in held))
    te.write_text("user_id,item_id,rating,timestamp\n" + "".join(
        line.format(u, 101 + i, r, t) for u, i, r, t in cells if (u, i) in held))
    return tr, te


def test_eval_json_shape(tiny, capsys, tmp_path):
    tr, te = tiny
    out = tmp_path / "out"
    code = cli.main(["eval", "--train", str(tr), "--test", str(te), "--models",
                     "baseline,mf,mf-rank", "--json", "--out", str(out)])
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"protocol", "routes", "models"}
    assert set(body["routes"]) == {"recommend", "similar", "popular"}
    assert set(body["models"]) == {"baseline", "mf", "mf-rank"}
    for m in body["models"].values():
        assert set(m) == KEYS
    assert body["models"]["mf-rank"]["rmse"] is None
    assert body["models"]["mf"]["rmse"] < 1.5
    # the rating model ranks each user's 5-star held-out item above the 1-star one
    assert body["models"]["mf"]["ndcg@10"] == 1.0
    assert body["models"]["mf-rank"]["hit_rate@10"] == 1.0
    assert (out / "predictions_mf.csv").exists() and not (out / "predictions_mf-rank.csv").exists()
    recs = (out / "recommendations_mf-rank.csv").read_text().splitlines()
    assert recs[0] == "user_id,rank,item_id,score"
    test_pairs = {tuple(x.split(",")[:2]) for x in te.read_text().splitlines()[1:]}
    rec_pairs = {(x.split(",")[0], x.split(",")[2]) for x in recs[1:]}
    assert rec_pairs == test_pairs  # only unseen items: exactly the held-out ones


def test_eval_reports_diversity_and_the_mmr_rows(tiny, capsys):
    """ILD next to NDCG for every model; the recommend and popular routes' models also
    after the diversity re-rank, with a weight from the candidates."""
    tr, te = tiny
    assert cli.main(["eval", "--train", str(tr), "--test", str(te), "--models",
                     "rank-blend,popularity,mf", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)["models"]
    assert set(models) == {"rank-blend", "popularity", "mf", "rank-blend+mmr",
                           "popularity+mmr"}
    assert all(0 <= m["ild@10"] <= 2 for m in models.values())
    for name in ("rank-blend", "popularity"):
        mmr = models[f"{name}+mmr"]
        assert mmr["diversity_weight"] in WEIGHTS
        assert 0 <= mmr["ndcg@10"] <= 1 and mmr["fit_seconds"] is None


def test_eval_table(tiny, capsys):
    tr, te = tiny
    assert cli.main(["eval", "--train", str(tr), "--test", str(te), "--models", "mf"]) == 0
    text = capsys.readouterr().out
    assert "NDCG@10" in text and "mf" in text


def test_unknown_item_is_a_clear_error(tiny, capsys, tmp_path):
    tr, te = tiny
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,item_id,rating,timestamp\nu1,101,4,1\nu1,999,4,2\n")
    assert cli.main(["eval", "--train", str(tr), "--test", str(bad), "--models", "mf"]) == 3
    err = capsys.readouterr().err
    assert "bad.csv line 3" in err and "999" in err


def test_train_without_test_is_a_usage_error(tiny, capsys):
    tr, _ = tiny
    assert cli.main(["eval", "--train", str(tr)]) == 2
    assert "together" in capsys.readouterr().err
