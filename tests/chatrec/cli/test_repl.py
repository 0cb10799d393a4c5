"""The terminal REPL: formatting, slash commands, completion, the prompt-toolkit loop
through a pipe input, and the plain (non-TTY) mode. A stub service stands in for
chatrec.service so these run in milliseconds; one test drives the real thing."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from chatrec.cli.completion import CatalogCompleter
from chatrec.cli.repl import (
    COMMANDS,
    Repl,
    completer_for,
    format_item,
    format_reply,
    run_interactive,
    run_plain,
)
from chatrec.errors import UsageError
from chatrec.service import UNSET
from tests.factories import make_catalog, make_ratings

TITLES = ["Star Wars", "Empire Strikes Back, The", "Return of the Jedi", "Godfather, The",
          "Stargate", "Fargo", "Cape Fear", "Cape Fear"]
YEARS = [1977, 1980, 1983, 1972, 1994, 1996, 1962, 1991]
GENRES = [("Sci-Fi",), ("Sci-Fi",), ("Sci-Fi",), ("Crime",), ("Sci-Fi",), ("Crime",),
          ("Thriller",), ("Thriller",)]


class StubService:
    """Same surface as chatrec.service.ChatService: .bundle and .turn()."""

    def __init__(self):
        catalog = make_catalog(TITLES, YEARS, GENRES)
        # user 1 rated Star Wars a lot more than Stargate (popularity ordering)
        rows = [(0, 0, 5), (1, 0, 4), (2, 0, 5), (0, 4, 3)]
        self.bundle = SimpleNamespace(dataset="tiny", catalog=catalog,
                                      ratings=make_ratings(rows, len(TITLES)))
        self.calls = []

    def turn(self, message, session_id=None, user_id=None):
        self.calls.append((message, session_id, user_id))
        if len(message) > 2000:
            raise UsageError("message is longer than 2,000 characters")
        if message == "boom":
            raise RuntimeError("bug in a model")
        sid = session_id or f"s{len(self.calls)}"
        items = [{"item_id": 2, "title": "Empire Strikes Back, The", "year": 1980,
                  "genres": ["Action", "Sci-Fi"], "score": 0.9, "reason": "same series"}]
        return {"session_id": sid, "reply": f"Films like {message}:", "query": {},
                "items": items}


@pytest.fixture
def service():
    return StubService()


def complete(completer, text):
    doc = Document(text, len(text))
    return list(completer.get_completions(doc, CompleteEvent(completion_requested=True)))


# ---------------------------------------------------------------- formatting

def test_format_item_has_title_year_genres_reason():
    item = {"item_id": 1, "title": "Alien", "year": 1979, "genres": ["Horror", "Sci-Fi"],
            "score": 1.0, "reason": "4.2 average from 300 ratings"}
    assert format_item(1, item) == "1. Alien (1979) — Horror, Sci-Fi — 4.2 average from 300 ratings"


def test_format_item_puts_the_article_first():
    item = {"title": "Godfather, The", "year": 1972, "genres": ["Crime"], "reason": "r"}
    assert format_item(2, item) == "2. The Godfather (1972) — Crime — r"


def test_format_item_without_year_or_genres():
    assert format_item(3, {"item_id": 9, "title": "X", "year": 0, "genres": [],
                           "reason": "r"}) == "3. X — r"


def test_format_reply_numbers_items_after_text():
    body = {"reply": "Here you go:", "items": [
        {"title": "A", "year": 2000, "genres": ["Drama"], "reason": "r1"},
        {"title": "B", "year": 2001, "genres": ["Comedy"], "reason": "r2"}]}
    assert format_reply(body).splitlines() == [
        "Here you go:", "1. A (2000) — Drama — r1", "2. B (2001) — Comedy — r2"]


# ---------------------------------------------------------------- commands and turns

def test_turn_keeps_session_id(service):
    repl = Repl(service)
    out = repl.handle("movies like star wars")
    assert "1. The Empire Strikes Back (1980) — Action, Sci-Fi — same series" in out.text
    assert repl.session_id == "s1"
    repl.handle("more")
    assert service.calls[-1] == ("more", "s1", UNSET)   # no user given: keep the session's


def test_slash_commands(service):
    repl = Repl(service)
    repl.handle("hello")
    assert "Commands" in repl.handle("/help").text
    assert repl.handle("/user 2").text == "Now chatting as user 2."
    assert repl.user_id == 2
    assert "user 2" in repl.handle("/user").text
    assert repl.handle("/reset").text == "New conversation started."
    assert repl.session_id is None
    repl.handle("hi again")
    assert service.calls[-1] == ("hi again", None, 2)
    assert repl.handle("/user none").text.startswith("No user")
    assert repl.user_id is None
    repl.handle("recommend")          # the next turn forgets the session's user...
    assert service.calls[-1] == ("recommend", "s2", None)
    repl.handle("more")               # ...and later turns leave the session as it is
    assert service.calls[-1] == ("more", "s2", UNSET)
    assert repl.handle("/quit").quit and repl.handle("/exit").quit


def test_user_none_really_drops_the_user(tmp_path):
    from tests.chatrec.fakes import tiny_service
    repl = Repl(tiny_service(tmp_path / "s.db"), user_id=1)
    assert repl.handle("recommend").text.startswith("Picks for user 1")
    repl.handle("/user none")
    assert not repl.handle("recommend").text.startswith("Picks for user 1")
    assert repl.service.get_session(repl.session_id)["user_id"] is None


def test_unknown_user_and_command_are_errors_not_crashes(service):
    repl = Repl(service, user_id=1)
    out = repl.handle("/user 999")
    assert out.error and "999" in out.text and repl.user_id == 1
    out = repl.handle("/frobnicate")
    assert out.error and "/help" in out.text


def test_bad_input_does_not_crash(service):
    repl = Repl(service)
    out = repl.handle("x" * 2001)
    assert out.error and out.text.startswith("error: message is longer")
    out = repl.handle("boom")  # an unexpected bug in one turn is reported, not raised
    assert out.error and "RuntimeError" in out.text and "\n" not in out.text
    assert repl.handle("   ").text == ""  # blank line: nothing
    assert not repl.handle("movies like fargo").error  # and the REPL keeps going


# ---------------------------------------------------------------- completion

def test_completes_title_prefix_over_several_words(service):
    c = completer_for(service)
    got = complete(c, "movies like star w")
    assert [x.text for x in got] == ["Star Wars"]
    assert got[0].start_position == -len("star w")


def test_title_completion_orders_by_popularity_and_offers_article_form(service):
    c = completer_for(service)
    assert [x.text for x in complete(c, "like sta")][:2] == ["Star Wars", "Stargate"]
    assert "The Godfather" in [x.text for x in complete(c, "something like the godf")]
    assert [x.text for x in complete(c, "cape f")] == ["Cape Fear"]  # duplicates merged
    assert complete(c, "cape f")[0].display_meta_text == "1962, 1991"


def test_completes_genre(service):
    c = completer_for(service)
    got = [x.text for x in complete(c, "top 10 sci")]
    assert got == ["Sci-Fi"]
    assert "Thriller" in [x.text for x in complete(c, "a good thr")]


def test_completes_slash_commands_and_nothing_after_space(service):
    c = completer_for(service)
    assert [x.text for x in complete(c, "/re")] == ["/reset"]
    assert complete(c, "movies like ") == []
    assert complete(c, "") == []


def test_completion_is_fast_and_limited_on_a_large_catalog():
    titles = [f"Film {i:05d} of the Night" for i in range(20000)]
    c = CatalogCompleter(titles, ["Drama"], COMMANDS, limit=20)
    start = time.perf_counter()
    for _ in range(200):
        got = complete(c, "a movie like film 1")
    per_call = (time.perf_counter() - start) / 200
    assert len(got) == 20  # limited, though 1,000+ titles match
    assert per_call < 0.01, f"{per_call * 1000:.2f} ms per keystroke"


# ---------------------------------------------------------------- the prompt-toolkit loop

def run_pipe(service, keys, tmp_path, repl=None):
    out: list[str] = []
    repl = repl or Repl(service)
    with create_pipe_input() as inp:
        inp.send_text(keys)
        code = run_interactive(repl, tmp_path / "hist", input=inp, output=DummyOutput(),
                               write=out.append)
    return code, out, repl


def test_interactive_turns_commands_and_history(service, tmp_path):
    code, out, repl = run_pipe(service, "movies like alien\n/user 3\n/quit\nnever read\n",
                               tmp_path)
    assert code == 0
    assert out[0].startswith("Films like movies like alien:")
    assert out[1] == "Now chatting as user 3."
    assert len(out) == 2 and service.calls == [("movies like alien", None, UNSET)]
    history = (tmp_path / "hist").read_text()
    assert "+movies like alien" in history and "+/user 3" in history


def test_interactive_ctrl_c_clears_line_and_ctrl_d_exits(service, tmp_path):
    # Ctrl-C abandons "half typed", the next line is sent alone; Ctrl-D ends the loop.
    code, out, _ = run_pipe(service, "half typed\x03top comedies\n\x04", tmp_path)
    assert code == 0
    assert [c[0] for c in service.calls] == ["top comedies"]


def test_interactive_tab_completes_a_title(service, tmp_path):
    # Completion runs as a task in the event loop, so Enter is sent once it had time
    # to finish, as a person pressing keys would.
    out: list[str] = []
    with create_pipe_input() as inp:
        def keys():
            inp.send_text("movies like return of\t")
            time.sleep(0.5)
            inp.send_text("\n\x04")
        sender = threading.Thread(target=keys)
        sender.start()
        run_interactive(Repl(service), tmp_path / "h", input=inp, output=DummyOutput(),
                        write=out.append)
        sender.join()
    assert service.calls[0][0] == "movies like Return of the Jedi"


def test_interactive_survives_bad_input(service, tmp_path):
    code, out, _ = run_pipe(service, "boom\n" + "y" * 2500 + "\nfargo\n\x04", tmp_path)
    assert code == 0 and len(out) == 3
    assert "internal error" in out[0] and out[1].startswith("error:")
    assert out[2].startswith("Films like fargo")


# ---------------------------------------------------------------- plain mode

def test_plain_mode_line_by_line(service):
    stdin = io.StringIO("movies like star wars\n\nboom\n/help\nfargo\n/quit\nignored\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_plain(Repl(service), stdin, stdout, stderr) == 0
    text = stdout.getvalue()
    assert text.startswith("Films like movies like star wars:\n1. The Empire Strikes Back")
    assert "Commands:" in text and "Films like fargo" in text and "ignored" not in text
    assert stderr.getvalue().startswith("internal error (RuntimeError)")
    assert [c[0] for c in service.calls] == ["movies like star wars", "boom", "fargo"]


def test_chat_command_plain_mode_with_user(service, monkeypatch, capsys):
    """`chatrec chat --user 1` with piped stdin, the service stubbed."""
    import chatrec.service
    from chatrec.cli.main import main

    monkeypatch.setattr(chatrec.service, "build_service", lambda **kw: service)
    monkeypatch.setattr(sys, "stdin", io.StringIO("top comedies\n"))
    assert main(["chat", "--user", "1", "--session", "abc_1"]) == 0
    assert capsys.readouterr().out.startswith("Films like top comedies:")
    assert service.calls == [("top comedies", "abc_1", 1)]


def test_chat_command_rejects_unknown_user_and_bad_session(service, monkeypatch, capsys):
    import chatrec.service
    from chatrec.cli.main import main

    monkeypatch.setattr(chatrec.service, "build_service", lambda **kw: service)
    monkeypatch.setattr(sys, "stdin", io.StringIO("hi\n"))
    assert main(["chat", "--user", "999"]) == 4
    assert "unknown user" in capsys.readouterr().err
    assert main(["chat", "--session", "bad id!"]) == 2
    assert "invalid session id" in capsys.readouterr().err
    assert service.calls == []


@pytest.mark.movielens
def test_chat_command_piped_uses_the_real_service(chatrec_home):
    """`echo ... | chatrec chat` end to end: plain output, Star Wars sequels listed."""
    env = {**os.environ, "CHATREC_HOME": str(chatrec_home)}
    proc = subprocess.run(
        [sys.executable, "-m", "chatrec.cli.main", "chat"],
        input="movies like star wars\n/user 1\nrecommend a comedy\n\xff bad bytes\n",
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("1. ") for line in lines), proc.stdout
    assert "Empire Strikes Back" in proc.stdout and "Return of the Jedi" in proc.stdout
    assert "Now chatting as user 1." in proc.stdout
    assert "Traceback" not in proc.stderr
