"""A newcomer's checklist typed in the terminal (issue 21): `chatrec chat` shows it as a
numbered list under its invitation, and the typed answer ("seen 2 5 7, loved 5") is
said back film by film before the next list; CHATREC_CHECKLIST=off asks nothing and
any other value is refused with a message."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.movielens


def chat(home, lines: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatrec.cli.main", "chat"], input=lines,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CHATREC_HOME": str(home), **env})


def films(block: str) -> list[str]:
    """The titles of a reply's numbered lines ("3. Fargo (1996) — Crime — ...")."""
    return [m.group(1) for m in re.finditer(r"^\d+\. (.+?) — ", block, re.M)]


def test_the_checklist_and_its_typed_answer_in_the_repl(trained_home):
    proc = chat(trained_home, "what should I watch?\nseen 2 5 7, loved 5\n")
    assert proc.returncode == 0, proc.stderr
    asked, answered = proc.stdout.split("\n\n", 1)
    assert asked.startswith("My first 10 picks — which have you seen, and which did "
                            "you love? Reply like 'seen 2 5 7, loved 5'.")
    picks = films(asked)
    assert len(picks) == 10
    # said back by title: the films at 2 and 7 seen, the one at 5 loved, nothing else
    assert answered.startswith(f"Noted: you've seen {picks[1]} and {picks[6]}; you "
                               f"loved {picks[4]} (5/5).")
    later = films(answered)
    assert later and not set(later) & set(picks)        # the next list: new films
    assert "Traceback" not in proc.stderr


def test_switched_off_or_misspelt(trained_home):
    proc = chat(trained_home, "what should I watch?\n", CHATREC_CHECKLIST="off")
    assert proc.returncode == 0 and not proc.stdout.startswith("My first")
    assert len(films(proc.stdout)) >= 1
    proc = chat(trained_home, "hi\n", CHATREC_CHECKLIST="maybe")
    assert proc.returncode == 2
    assert "CHATREC_CHECKLIST must be 'on' or 'off', not 'maybe'" in proc.stderr
