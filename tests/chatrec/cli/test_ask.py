"""`chatrec ask` as a user runs it: JSON body shape, human output, sessions, errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def ask(*args, home=None, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if home is not None:
        env["CHATREC_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "chatrec.cli.main", "ask", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, input=stdin, timeout=120)


@pytest.mark.movielens
def test_ask_json_is_the_post_chat_body(trained_home):
    r = ask("movies like Star Wars", "--json", "--session", "cli-1", home=trained_home)
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert set(body) == {"session_id", "reply", "query", "items", "checklist"}
    assert body["session_id"] == "cli-1" and body["query"]["intent"] == "similar"
    for it in body["items"]:
        assert set(it) == {"item_id", "title", "display_title", "year", "genres", "score",
                           "reason"}
    assert {"Empire Strikes Back, The", "Return of the Jedi"} <= {i["title"] for i in body["items"]}
    assert "The Empire Strikes Back" in {i["display_title"] for i in body["items"]}
    # the session carries over to the next invocation
    more = json.loads(ask("more", "--json", "--session", "cli-1", home=trained_home).stdout)
    assert more["query"]["intent"] == "more"
    assert not {i["item_id"] for i in more["items"]} & {i["item_id"] for i in body["items"]}


@pytest.mark.movielens
def test_ask_human_output_lists_year_genres_reason(trained_home):
    r = ask("top 3 comedies", "--user", "1", home=trained_home)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Top-rated Comedy films, by weighted average")
    assert lines[1].startswith(" 1. ") and "(19" in lines[1] and "Comedy" in lines[1]
    assert "average" in lines[2]
    assert "continue with --session" in r.stderr


@pytest.mark.movielens
def test_ask_reads_stdin(trained_home):
    r = ask("-", "--json", home=trained_home, stdin="hi\n")
    assert r.returncode == 0 and json.loads(r.stdout)["query"]["intent"] == "greet"


@pytest.mark.parametrize("args,code,text", [
    (("",), 2, "message is empty"),
    (("x" * 2001,), 2, "too long"),
    (("hi", "--session", "bad id"), 2, "invalid session id"),
    (("hi", "--user", " "), 2, "--user"),
])
def test_ask_usage_errors_fail_fast(tmp_path, args, code, text):
    r = ask(*args, home=tmp_path / "empty-home")  # fails before any fetch or training
    assert r.returncode == code and text in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "empty-home" / "datasets").exists()


@pytest.mark.parametrize("cmd", ["ask", "serve"])
def test_help(cmd):
    r = subprocess.run([sys.executable, "-m", "chatrec.cli.main", cmd, "--help"], cwd=REPO,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "usage: chatrec " + cmd in r.stdout


def test_serve_rejects_bad_options_before_training(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), CHATREC_HOME=str(tmp_path / "h"))
    for opt in (["--workers", "0"], ["--port", "70000"]):
        r = subprocess.run([sys.executable, "-m", "chatrec.cli.main", "serve", *opt], cwd=REPO,
                           env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and "must be" in r.stderr
