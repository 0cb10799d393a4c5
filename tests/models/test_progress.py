"""The progress bar on a terminal: a bar whose last step never reports done == total
(the diversity weight step reports 0/1) is ended by finish(), so the REPL banner or the
reply starts on its own line (issue 19: "...diversity weight 8.3sWelcome")."""
from __future__ import annotations

import io

from models.progress import LazyProgress, StderrProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_finish_ends_an_unfinished_bar_once():
    tty = Terminal()
    bar = StderrProgress("training", stream=tty)
    bar(0, 1, "choosing the recommend route's diversity weight")
    assert not tty.getvalue().endswith("\n")
    bar.finish()
    bar.finish()
    assert tty.getvalue().endswith("\n") and tty.getvalue().count("\n") == 1
    tty.write("Welcome")
    assert tty.getvalue().splitlines()[-1] == "Welcome"


def test_a_finished_bar_gets_no_second_newline():
    tty = Terminal()
    bar = StderrProgress("training", stream=tty)
    bar(3, 3, "done")
    bar.finish()
    assert tty.getvalue().count("\n") == 1


def test_lazy_progress_finishes_its_bar_and_is_silent_when_it_never_drew_one(monkeypatch):
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    LazyProgress(after=10).finish()          # a warm start: nothing was drawn
    assert tty.getvalue() == ""
    lazy = LazyProgress(after=0)
    lazy(0, 2, "fitting mf")
    lazy.finish()
    assert tty.getvalue().startswith("\rchatrec: preparing models") and \
        tty.getvalue().endswith("\n")


def test_lazy_progress_draws_a_long_step_while_it_runs(monkeypatch):
    """A start that fits one big model reports "fitting X (about 2 min)" once: the bar
    shows it after `after` seconds, not only when the fit ends."""
    import time
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    lazy = LazyProgress(after=0.05)
    lazy(0, 3, "fitting hybrid (about 2 min)")
    assert tty.getvalue() == ""                        # a quick step stays silent
    deadline = time.monotonic() + 5
    while "fitting hybrid" not in tty.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "fitting hybrid (about 2 min)" in tty.getvalue()
    lazy.finish()
    quick = LazyProgress(after=0.2)
    quick(0, 1, "hybrid up to date")
    quick(1, 1, "done")
    quick.finish()                                      # ended before the timer fired
    time.sleep(0.3)
    assert "up to date" not in tty.getvalue()
