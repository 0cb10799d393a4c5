"""The dialogue corpus (tests/dialogues/*.dlg) against a real `chatrec serve`: every
turn judged only from the POST /chat body and GET /sessions/{id}. Target (issue 7):
at least 95% of turns right in each file; the score is printed per file (the
dialogues written before the features existed are scored on their own)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.chatrec.homes import copy_trained
from tests.chatrec.serving import Server
from tests.dialogues.judge import HttpClient, parse, run_file, summary

pytestmark = pytest.mark.movielens
CORPUS = Path(__file__).resolve().parents[2] / "dialogues"
FILES = sorted(CORPUS.glob("*.dlg"))
TARGET = 0.95


def test_the_corpus_is_big_enough():
    dialogues = [d for f in FILES for d in parse(f)]
    assert len(dialogues) >= 60 and sum(len(d.turns) for d in dialogues) >= 200
    assert len(parse(CORPUS / "written_first.dlg")) >= 40


@pytest.fixture(scope="module")
def server(tmp_path_factory, trained_home_cache):
    home = copy_trained(trained_home_cache, tmp_path_factory.mktemp("dialogue-home"))
    s = Server(home)
    yield s
    s.stop()


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_dialogues_against_a_real_server(server, path):
    results = run_file(path, HttpClient(server.url))
    print(f"\n{path.name}: {summary(results)}")
    failures = [f"{r.dialogue} #{r.turn} {r.message!r}: {'; '.join(r.failures)}"
                for r in results if not r.ok]
    for line in failures:
        print("  FAIL", line)
    right = sum(r.ok for r in results) / len(results)
    assert right >= TARGET, "\n".join(failures)
