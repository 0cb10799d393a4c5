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


def test_a_log_line_held_back_by_the_rate_limit_is_written_when_its_time_is_up():
    """Plain lines (not a TTY) come at most one per `every` seconds, but the step that
    starts right after another ends is written once the interval is up, not dropped:
    the ML-25M start's log said "rank-blend done" and nothing about the three-minute
    hybrid fit that followed."""
    import time
    log = io.StringIO()
    bar = StderrProgress("training", stream=log, every=0.1)
    bar(0, 3, "fitting rank-blend (about 65 s)")
    bar(1, 3, "rank-blend done")                      # too soon: held back...
    bar(1, 3, "fitting hybrid (about 94 s)")          # ...and superseded by this one
    assert log.getvalue().count("\n") == 1
    deadline = time.monotonic() + 5
    while "fitting hybrid" not in log.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "fitting hybrid (about 94 s)" in lines[1]
    assert not any("rank-blend done" in line for line in lines)
    bar(3, 3, "done")                                 # the end is always written at once
    assert log.getvalue().splitlines()[-1].startswith("training [####################] 3/3")


def test_finish_drops_a_held_back_log_line():
    import time
    log = io.StringIO()
    bar = StderrProgress("training", stream=log, every=0.1)
    bar(0, 2, "fitting mf")
    bar(1, 2, "mf done")
    bar.finish()
    time.sleep(0.3)
    assert log.getvalue().count("\n") == 1 and "mf done" not in log.getvalue()


def test_lazy_progress_draws_no_bar_for_a_start_that_ended_before_it_drew_one(monkeypatch):
    """A warm start on a loaded machine can report its last "up to date" after `after`
    seconds but before the timer ran: nothing was shown, and a bar at 100% now would
    only put a line before the reply (the CLI's one-line errors then had two)."""
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    lazy = LazyProgress(after=0.5)
    lazy(1, 3, "rank-blend up to date")
    lazy(2, 3, "hybrid up to date")
    lazy.first -= 1.0                                  # as if loading took a second
    lazy(3, 3, "popularity up to date")
    lazy.finish()
    assert tty.getvalue() == ""
    slow = LazyProgress(after=0.0)                     # a start that did draw...
    slow(0, 1, "fitting mf")
    slow(1, 1, "mf done")                              # ...ends its bar as before
    slow.finish()
    assert "1/1 mf done" in tty.getvalue() and tty.getvalue().endswith("\n")
