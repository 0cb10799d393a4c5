"""`chatrec sessions prune|stats`, and clear one-line failures of the data home."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chatrec.sessions.sqlite import SQLiteSessionStore
from chatrec.sessions.state import TurnEffects

REPO = Path(__file__).resolve().parents[3]


def chatrec(*args, home):
    env = dict(os.environ, PYTHONPATH=str(REPO), CHATREC_HOME=str(home))
    env.pop("CHATREC_SESSION_TTL", None)
    return subprocess.run([sys.executable, "-m", "chatrec.cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def home(tmp_path):
    store = SQLiteSessionStore(tmp_path / "sessions.sqlite3")
    for n in range(30):
        store.apply(f"s{n}", TurnEffects(ratings=[("1", 4.0)]))
    # twelve of them (s0, s1, s10-s19) have been idle for two days
    store._conn().execute("UPDATE sessions SET updated = ? WHERE id < 's2'",
                          (time.time() - 2 * 86400,))
    return tmp_path


def test_stats_show_counts_and_what_a_prune_would_delete(home):
    r = chatrec("sessions", "stats", "--ttl", "1d", "--json", home=home)
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert (stats["sessions"], stats["expired"], stats["ratings"]) == (30, 12, 30)
    assert stats["bytes"] > 0 and stats["ttl_seconds"] == 86400
    text = chatrec("sessions", "stats", home=home).stdout
    assert "30 (0 idle for more than 30d" in text


def test_prune_deletes_the_expired_and_reports_the_size(home):
    r = chatrec("sessions", "prune", "--ttl", "1d", home=home)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("deleted 12 sessions idle for more than 1d; 18 remain;")
    again = json.loads(chatrec("sessions", "prune", "--ttl", "1d", "--json", home=home).stdout)
    assert again["deleted"] == 0 and again["remaining"] == 18


def test_a_bad_ttl_is_a_usage_error(home):
    r = chatrec("sessions", "prune", "--ttl", "soon", home=home)
    assert r.returncode == 2 and "not a duration" in r.stderr and "Traceback" not in r.stderr


def test_a_data_home_that_cannot_be_created_is_one_line_exit_3(tmp_path):
    """Finding: a read-only data home crashed with a traceback (exit 1)."""
    (tmp_path / "file").write_text("not a folder")
    for args in (("sessions", "stats"), ("ask", "hi")):
        r = chatrec(*args, home=tmp_path / "file" / "home")
        assert r.returncode == 3, r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert "cannot create" in r.stderr and "CHATREC_HOME" in r.stderr


def test_a_sessions_file_that_is_not_a_database_is_one_line_exit_3(tmp_path):
    (tmp_path / "sessions.sqlite3").write_bytes(b"garbage" * 1000)
    r = chatrec("sessions", "stats", home=tmp_path)
    assert r.returncode == 3 and r.stderr.count("\n") == 1
    assert "cannot be used" in r.stderr and "Traceback" not in r.stderr
