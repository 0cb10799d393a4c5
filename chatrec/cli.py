"""The `chatrec` console script: builds the argument parser from the command modules
and translates errors into exit codes. Each subcommand lives in chatrec/commands/."""
from __future__ import annotations

import argparse
import errno
import importlib
import sys

from chatrec import __version__
from chatrec.errors import KNOWN_ERRORS, exit_code

# module name in chatrec.commands; each defines register(subparsers) which adds its
# subparser(s) and sets `func=handler(args) -> int`.
COMMANDS = ("data", "train", "evaluate", "parse", "ask", "chat", "serve", "sessions")
# a file the data home needs cannot be written: one line, exit 3 (like a data error)
_CANNOT_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatrec",
        description="A conversational movie recommender: chat, ask, serve, train, evaluate.",
        epilog="Data lives in $CHATREC_HOME (default ~/.local/share/chatrec). "
        "Run 'chatrec COMMAND --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"chatrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"chatrec.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"chatrec.commands.{name}":
                raise
            continue  # command not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KNOWN_ERRORS as e:
        print(f"chatrec: error: {e}", file=sys.stderr)
        return exit_code(e)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:
        if e.errno not in _CANNOT_WRITE:
            raise
        where = f" {e.filename}" if e.filename else ""
        print(f"chatrec: error: cannot write{where}: {e.strerror} (is $CHATREC_HOME "
              "writable?)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
