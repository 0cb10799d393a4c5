"""Every command's exit codes against the README's table (one case per table cell).

The table is read from README.md: each row is a code and the commands that return it
("every command" = all of them). CASES has one way to provoke each (command, code);
the test fails when the table names a pair nobody tests, or a case the table does not
list. Runs in-process through chatrec.cli.main.main on a trained ML-100K home.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from chatrec.cli import main as cli

README = Path(__file__).resolve().parents[3] / "README.md"
COMMANDS = ("data", "train", "eval", "parse", "ask", "chat", "serve", "sessions", "report")


def readme_table() -> set[tuple[str, int]]:
    text = README.read_text()
    section = text[text.index("| code | meaning | returned by |"):]
    pairs = set()
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            break
        code, _, who = [c.strip() for c in line.strip("|").split("|")]
        names = COMMANDS if who == "every command" else re.findall(r"`(\w+)`", who)
        pairs |= {(name, int(code)) for name in names}
    return pairs


def interrupted(module: str, handler: str = "run"):
    """Setup that makes a command's handler raise KeyboardInterrupt (Ctrl-C)."""
    def setup(monkeypatch):
        def stop(args):
            raise KeyboardInterrupt
        monkeypatch.setattr(f"chatrec.cli.commands.{module}.{handler}", stop)
    return setup


def failing_fit(monkeypatch):
    def fail(name, *args, **kwargs):
        raise RuntimeError(f"{name} exploded")
    monkeypatch.setattr("chatrec.training.trainer.fit_one", fail)


def no_serving(monkeypatch):
    monkeypatch.setattr("uvicorn.Server.run", lambda *a, **k: None)


_HELD = []   # connections and sockets that must outlive a case's setup


def locked_sessions(monkeypatch):
    """Another process's write lock on the sessions database, and a short wait for it."""
    import os
    import sqlite3

    from chatrec.sessions.sqlite import SQLiteSessionStore
    path = Path(os.environ["CHATREC_HOME"]) / "sessions.sqlite3"
    SQLiteSessionStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    _HELD.append(conn)
    monkeypatch.setenv("CHATREC_SESSIONS_BUSY_TIMEOUT", "0.2")


def broken_sessions(monkeypatch):
    import os
    (Path(os.environ["CHATREC_HOME"]) / "sessions.sqlite3").write_bytes(b"garbage" * 500)


def busy_port() -> int:
    """A port something else already listens on."""
    import socket
    if not _HELD or not isinstance(_HELD[-1], socket.socket):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        _HELD.append(sock)
    return _HELD[-1].getsockname()[1]


def no_matplotlib(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # import raises ImportError


def chat_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("top 3 comedies\n"))


# (command, code) -> (argv, setup or None)
CASES = {
    ("data", 0): (["data", "info", "--json"], None),
    ("data", 2): (["data", "info", "--bogus"], None),
    ("data", 3): (["data", "info", "--dataset", "nope"], None),
    ("data", 130): (["data", "list"], interrupted("data", "_list")),
    ("train", 0): (["train", "--models", "popularity"], None),
    ("train", 1): (["train", "--models", "popularity", "--force"], failing_fit),
    ("train", 2): (["train", "--models", "nope"], None),
    ("train", 3): (["train", "--dataset", "nope"], None),
    ("train", 130): (["train"], interrupted("train")),
    ("eval", 0): (["eval", "--protocol", "timesplit", "--models", "popularity"], None),
    ("eval", 2): (["eval", "--train", "only-train.csv"], None),
    ("eval", 3): (["eval", "--dataset", "nope"], None),
    ("eval", 130): (["eval"], interrupted("evaluate")),
    ("parse", 0): (["parse", "movies like alien"], None),
    ("parse", 2): (["parse", "--parser", "nope", "hi"], None),
    ("parse", 3): (["parse", "--dataset", "nope", "hi"], None),
    ("parse", 130): (["parse", "hi"], interrupted("parse")),
    ("ask", 0): (["ask", "top 3 comedies"], None),
    ("ask", 2): (["ask", "   "], None),
    ("ask", 3): (["ask", "hi", "--dataset", "nope"], None),
    ("ask", 4): (["ask", "hi", "--user", "99999"], None),
    ("ask", 5): (["ask", "I loved Fargo"], locked_sessions),
    ("ask", 130): (["ask", "hi"], interrupted("ask")),
    ("chat", 0): (["chat"], chat_stdin),
    ("chat", 2): (["chat", "--session", "not a session id!"], None),
    ("chat", 3): (["chat", "--dataset", "nope"], None),
    ("chat", 4): (["chat", "--user", "99999"], chat_stdin),
    ("chat", 130): (["chat"], interrupted("chat")),
    ("serve", 0): (["serve", "--port", "0"], no_serving),
    ("serve", 2): (["serve", "--port", "70000"], None),
    ("serve", 3): (["serve", "--dataset", "nope"], None),
    ("serve", 6): (["serve", "--port", "{busy_port}"], None),
    ("serve", 130): (["serve"], interrupted("serve")),
    ("sessions", 0): (["sessions", "stats", "--json"], None),
    ("sessions", 2): (["sessions", "prune", "--ttl", "soon"], None),
    ("sessions", 3): (["sessions", "stats"], broken_sessions),
    ("sessions", 5): (["sessions", "prune", "--ttl", "0s"], locked_sessions),
    ("sessions", 130): (["sessions", "stats"], interrupted("sessions")),
    ("report", 0): (["report", "--eval", "{results}", "--out", "{tmp}"], None),
    ("report", 2): (["report", "--out"], None),
    ("report", 3): (["report"], no_matplotlib),
    ("report", 130): (["report"], interrupted("report")),
}


def test_cases_cover_the_readme_table_exactly():
    assert set(CASES) == readme_table()


@pytest.mark.movielens
@pytest.mark.parametrize("command,code", sorted(CASES))
def test_exit_code(command, code, trained_home, tmp_path, monkeypatch, capsys):
    argv, setup = CASES[(command, code)]
    results = tmp_path / "results.json"
    results.write_text('{"models": {"mf": {"rmse": 0.91, "ndcg@10": 0.03}}}')
    argv = [a.format(results=results, tmp=tmp_path,
                     busy_port=busy_port() if "{busy_port}" in a else 0) for a in argv]
    if setup:
        setup(monkeypatch)
    try:
        got = cli.main(argv)
    except SystemExit as e:        # argparse's usage errors
        got = e.code
    err = capsys.readouterr().err
    assert got == code, err
    # a start slowed by a loaded machine draws the "preparing models" bar first: not
    # part of what the exit code says
    lines = [line for line in err.replace("\r", "\n").splitlines()
             if line.strip() and not line.startswith("chatrec: preparing models")]
    if code == 2 and lines[0].startswith("usage:"):  # argparse: that command's usage
        assert lines[0].startswith(f"usage: chatrec {command}"), err
        assert lines[-1].startswith(f"chatrec {command}") and ": error: " in lines[-1], err
    elif code in (2, 3, 4, 5, 6):  # one line that says what is wrong
        assert len(lines) == 1 and lines[0].startswith("chatrec: error:"), err
        assert len(lines[0]) < 300, err
    elif code == 1:  # which model failed and why
        assert any(line.endswith("(RuntimeError: popularity exploded)") for line in lines), err
    elif code == 130:
        assert lines == ["interrupted"]
    assert "Traceback" not in err
