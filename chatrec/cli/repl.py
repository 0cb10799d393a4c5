"""The terminal chat: `chatrec chat`.

Three layers, so that everything but the terminal itself is testable without one:
- pure formatting (`format_item`, `format_reply`, `HELP`),
- `Repl.handle(line) -> Outcome`: slash commands and chat turns, never raises,
- two loops: `run_interactive` (prompt-toolkit: history, completion, Ctrl-C/Ctrl-D)
  and `run_plain` (one line in, one reply out) for pipes and scripts.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from chatrec.cli.completion import CatalogCompleter
from chatrec.errors import KNOWN_ERRORS
from chatrec.service import UNSET, parse_user_id
from models.data import natural_title

COMMANDS = ("/help", "/user", "/reset", "/quit", "/exit")
PROMPT = "you> "

HELP = """\
Ask for films in plain words, for example:
  movies like Star Wars        top 10 comedies          something scary
  I loved Fargo                recommend a thriller     show me more
Commands:
  /help          this help
  /user ID       chat as dataset user ID (personal picks); /user none to forget it
  /user          show the current user and session
  /reset         start a new conversation (new session)
  /quit          leave (also Ctrl-D); Ctrl-C clears the line
Tab completes film titles and genres."""


# ---------------------------------------------------------------- formatting (pure)

def format_item(rank: int, item: dict) -> str:
    """'1. Title (Year) — Genres — reason' for one listed film, article first as
    people say it ('The Empire Strikes Back'; the JSON keeps the catalog's form)."""
    title = natural_title(str(item.get("title") or f"item {item.get('item_id')}"))
    year = item.get("year")
    head = f"{title} ({year})" if year else title
    parts = [f"{rank}. {head}"]
    genres = item.get("genres") or []
    if isinstance(genres, str):
        genres = [genres]
    if genres:
        parts.append(", ".join(str(g) for g in genres))
    if item.get("reason"):
        parts.append(str(item["reason"]))
    return " — ".join(parts)


def format_reply(body: dict) -> str:
    """The reply text, then one numbered line per film."""
    lines = [str(body.get("reply") or "").rstrip()]
    lines += [format_item(i, it) for i, it in enumerate(body.get("items") or [], 1)]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- commands and turns

@dataclass
class Outcome:
    """What one input line produced: text to show, whether it is an error, and
    whether the REPL should stop."""

    text: str = ""
    error: bool = False
    quit: bool = False


class Repl:
    """Conversation state (session and user) plus the handling of one line."""

    def __init__(self, service: Any, session_id: str | None = None,
                 user_id: int | str | None = None) -> None:
        self.service = service
        self.session_id = session_id
        self.user_id = user_id
        self._forget_user = False      # `/user none`: the next turn drops the session's user

    def handle(self, line: str) -> Outcome:
        """Act on one input line. Never raises for bad input: errors become a line."""
        line = line.strip()
        if not line:
            return Outcome()
        if line.startswith("/"):
            return self._command(line)
        try:
            if self.user_id is not None:
                who = self.user_id
            else:   # keep the session's user, unless `/user none` asked to forget it
                who = None if self._forget_user else UNSET
            body = self.service.turn(line, session_id=self.session_id, user_id=who)
            self._forget_user = False
        except KNOWN_ERRORS as e:
            return Outcome(f"error: {_one_line(e)}", error=True)
        except Exception as e:  # noqa: BLE001 — a REPL must survive a bug in one turn
            return Outcome(f"internal error ({type(e).__name__}): {_one_line(e)}", error=True)
        self.session_id = body.get("session_id") or self.session_id
        return Outcome(format_reply(body))

    def _command(self, line: str) -> Outcome:
        name, _, arg = line.partition(" ")
        name, arg = name.lower(), arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return Outcome(quit=True)
        if name in ("/help", "/?"):
            return Outcome(HELP)
        if name == "/reset":
            self.session_id = None
            return Outcome("New conversation started.")
        if name == "/user":
            return self._user(arg)
        return Outcome(f"unknown command {name} (try /help)", error=True)

    def _user(self, arg: str) -> Outcome:
        if not arg:
            who = f"user {self.user_id}" if self.user_id is not None else "no user"
            return Outcome(f"Chatting as {who}; session {self.session_id or '(new)'}.")
        if arg.lower() in ("none", "-", "off"):
            self.user_id, self._forget_user = None, True
            return Outcome("No user: picks will be based on this conversation only.")
        user_id = parse_user_id(arg)
        ratings = getattr(getattr(self.service, "bundle", None), "ratings", None)
        if ratings is not None:
            try:
                ratings.index_of(user_id)
            except KNOWN_ERRORS as e:  # UnknownUser: keep the current user
                return Outcome(f"error: {_one_line(e)}", error=True)
        self.user_id, self._forget_user = user_id, False
        return Outcome(f"Now chatting as user {user_id}.")


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:300] or type(e).__name__


# ---------------------------------------------------------------- loops

def completer_for(service: Any) -> CatalogCompleter:
    """Titles and genres from the service's catalog, most-rated titles first."""
    catalog = service.bundle.catalog
    return CatalogCompleter(catalog.titles.tolist(), catalog.genre_names, COMMANDS,
                            years=catalog.years.tolist(),
                            popularity=service.bundle.ratings.item_counts())


def make_history(path: Path | None):
    """A FileHistory at `path`; in-memory if the data home is not writable."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        return FileHistory(str(path))
    except OSError:
        return InMemoryHistory()


def run_interactive(repl: Repl, history_path: Path | None = None, *, banner: str = "",
                    input=None, output=None, write: Callable[[str], None] | None = None,
                    completer: CatalogCompleter | None = None) -> int:
    """The prompt-toolkit loop. `input`/`output` are for tests (pipe input, DummyOutput)."""
    from prompt_toolkit import PromptSession

    write = write or print
    session = PromptSession(
        history=make_history(history_path),
        completer=completer if completer is not None else completer_for(repl.service),
        complete_while_typing=False,  # Tab opens the menu; typing stays uncluttered
        input=input, output=output,
    )
    if banner:
        write(banner)
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:  # Ctrl-C: drop the line, prompt again
            continue
        except EOFError:  # Ctrl-D
            break
        outcome = repl.handle(line)
        if outcome.text:
            write(outcome.text)
        if outcome.quit:
            break
    return 0


def run_plain(repl: Repl, stdin: TextIO | None = None, stdout: TextIO | None = None,
              stderr: TextIO | None = None) -> int:
    """Line in, reply out: for pipes (`echo "movies like alien" | chatrec chat`).

    Replies go to stdout separated by a blank line, errors to stderr; returns 0 even
    if some lines failed, like an interactive session would.
    """
    stdin = stdin or sys.stdin
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if hasattr(stdin, "reconfigure"):  # a stray non-UTF-8 byte must not end the session
        stdin.reconfigure(errors="replace")
    replied = False  # a blank line separates consecutive replies
    for line in stdin:
        outcome = repl.handle(line)
        if outcome.error:
            stderr.write(outcome.text + "\n")
            stderr.flush()
        elif outcome.text:
            stdout.write(("\n" if replied else "") + outcome.text + "\n")
            stdout.flush()
            replied = True
        if outcome.quit:
            break
    return 0


def is_interactive(stdin: TextIO | None = None, stdout: TextIO | None = None) -> bool:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    return bool(stdin.isatty() and stdout.isatty())
