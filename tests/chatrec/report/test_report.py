"""`chatrec report`: the HTML is self-contained, its SVGs parse, and the model charts
carry the very numbers `chatrec eval --json` printed."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chatrec.report.page import render
from tests.factories import make_catalog, make_ratings

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
FIGURE = re.compile(r'<figure id="([^"]+)".*?</figure>', re.S)
NS = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).resolve().parents[3]


def figures(page: str) -> dict[str, ET.Element]:
    """figure id -> its parsed SVG (ET.fromstring fails on malformed XML)."""
    out = {}
    for m in FIGURE.finditer(page):
        svg = SVG.search(m.group(0))
        assert svg, f"figure {m.group(1)} has no inline SVG"
        out[m.group(1)] = ET.fromstring(svg.group(0))
    return out


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in svg.iter(f"{NS}text")]


def bar_ids(svg: ET.Element) -> set[str]:
    return {g.get("id") for g in svg.iter(f"{NS}g") if g.get("id")}


def tiny():
    catalog = make_catalog(["Alpha", "Beta", "Gamma"], years=[1990, 1995, 0],
                           genres=[("Drama",), ("Comedy", "Drama"), ("Comedy",)])
    ratings = make_ratings([(0, 0, 5), (0, 1, 3), (1, 0, 4), (1, 2, 1), (2, 0, 5)], 3)
    return catalog, ratings


RESULTS = {"routes": {"recommend": "mf-rank"}, "runs": {"kfold": "2026-01-02T03:04:05"},
           "models": {"mf": {"rmse": 0.9123, "ndcg@10": 0.0301},
                      "mf-rank": {"rmse": None, "ndcg@10": 0.1789}}}


def test_tiny_report_has_every_chart_and_the_numbers():
    catalog, ratings = tiny()
    page = render("tiny", catalog, ratings, RESULTS)
    figs = figures(page)
    assert list(figs) == ["ratings", "per-user", "per-film", "genres", "years", "rmse",
                          "ndcg-at-10"]
    # self-contained: every link is to a part of the page, nothing is fetched
    assert all(ref.startswith("#") for ref in re.findall(r'(?:href|src)="([^"]*)"', page))
    assert not re.search(r"<(?:link|script|img|iframe)\b|url\(\s*['\"]?http", page)
    # histogram: 5 ratings -> counts per star 1..5 are 1, 0, 1, 1, 2
    assert [t for t in texts(figs["ratings"]) if t.isdigit()][-5:] == ["1", "0", "1", "1", "2"]
    assert {"Drama", "Comedy"} <= set(texts(figs["genres"]))
    # model charts: a bar per model with its value; no peers for an unknown dataset
    assert "0.9123" in texts(figs["rmse"]) and "0.1789" in texts(figs["ndcg-at-10"])
    assert {"rmse-mf", "ndcg@10-mf-rank (recommend route)"} <= \
        bar_ids(figs["rmse"]) | bar_ids(figs["ndcg-at-10"])
    assert "No peers were measured" in page


def test_report_without_results_says_how_to_get_them():
    catalog, ratings = tiny()
    page = render("tiny", catalog, ratings, None)
    assert "rmse" not in figures(page) and "run <code>chatrec eval</code>" in page


def cli(*args, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatrec.cli.main", *args], cwd=REPO,
                          env={**__import__("os").environ, "CHATREC_HOME": str(home)},
                          capture_output=True, text=True, timeout=600)


@pytest.mark.movielens
def test_report_on_ml100k_carries_eval_numbers(chatrec_home, tmp_path):
    models = "baseline,popularity,mf,mf-rank"
    ev = cli("eval", "--json", "--models", models, home=chatrec_home)
    assert ev.returncode == 0, ev.stderr
    body = json.loads(ev.stdout)
    started = time.perf_counter()
    rep = cli("report", "--out", str(tmp_path), home=chatrec_home)
    seconds = time.perf_counter() - started
    assert rep.returncode == 0, rep.stderr
    path = Path(rep.stdout.strip())
    assert path == tmp_path / "ml-100k.html"
    figs = figures(path.read_text())
    route_of = {model: route for route, model in body["routes"].items()}
    for name, m in body["models"].items():
        for metric, key in (("rmse", "rmse"), ("ndcg@10", "ndcg-at-10")):
            if m[metric] is None:
                continue
            label = f"{name} ({route_of[name]} route)" if name in route_of else name
            assert f"{metric}-{label}" in bar_ids(figs[key]), (metric, name)
            assert f"{m[metric]:.4f}" in texts(figs[key]), (metric, name, m[metric])
    # the benches' peers sit beside them (ML-100K has measured peers)
    assert "rmse-peer-Surprise SVD" in bar_ids(figs["rmse"])
    assert "1,682 films" in path.read_text() and "1922–1998" in path.read_text()
    assert seconds < 20, seconds   # the issue's target, with eval results present


@pytest.mark.movielens
def test_server_shows_the_report_and_rebuilds_it_for_newer_results(trained_home, monkeypatch):
    from fastapi.testclient import TestClient

    from chatrec.data.home import eval_results
    from chatrec.server.app import create_app
    from chatrec.service import build_service

    client = TestClient(create_app(build_service()))
    page = client.get("/report")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "run <code>chatrec eval</code>" in page.text        # no results yet
    eval_results("ml-100k").write_text(json.dumps(RESULTS))
    later = time.time() + 5                                     # newer than the page
    __import__("os").utime(eval_results("ml-100k"), (later, later))
    figs = figures(client.get("/report").text)
    assert "0.9123" in texts(figs["rmse"])                      # rebuilt with them
    assert "Surprise SVD" in " ".join(texts(figs["rmse"]))      # ML-100K's peers
    # without the plotting extra: a page that says how to get it, not a 500
    (trained_home / "reports" / "ml-100k.html").unlink()
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    missing = client.get("/report")
    assert missing.status_code == 503 and "pip install 'chatrec[report]'" in missing.text


def test_eval_runs_merge_into_the_saved_results(tmp_path, monkeypatch):
    from chatrec.cli.commands.evaluate import save_results
    from chatrec.data.home import eval_results

    monkeypatch.setenv("CHATREC_HOME", str(tmp_path))
    routes = {"recommend": "mf-rank"}
    save_results("tiny", {"protocol": "timesplit", "routes": routes,
                          "models": {"mf": {"rmse": None, "ndcg@10": 0.03}}})
    save_results("tiny", {"protocol": "kfold", "routes": routes,
                          "models": {"mf": {"rmse": 0.91, "ndcg@10": None}}})
    saved = json.loads(eval_results("tiny").read_text())
    assert saved["models"]["mf"]["rmse"] == 0.91        # from the kfold run
    assert saved["models"]["mf"]["ndcg@10"] == 0.03     # kept from the timesplit run
    assert set(saved["runs"]) == {"kfold", "timesplit"} and saved["dataset"] == "tiny"
