"""The `chatrec` console script: builds the argument parser from the command modules
and translates errors into exit codes. Each subcommand lives in chatrec/cli/commands/."""
from __future__ import annotations

import argparse
import errno
import importlib
import sys

from chatrec import __version__
from chatrec.errors import KNOWN_ERRORS, exit_code

# module name in chatrec.cli.commands; each defines register(subparsers) which adds its
# subparser(s) and sets `func=handler(args) -> int`.
COMMANDS = ("data", "train", "evaluate", "parse", "ask", "chat", "serve", "sessions",
            "report")
# a file the data home needs cannot be written: one line, exit 3 (like a data error)
_CANNOT_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT)


class HelpFormatter(argparse.HelpFormatter):
    """Wraps prose to the terminal and keeps indented lines (examples) as written, so
    one formatter serves descriptions and example epilogs alike."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        prose: list[str] = []
        for line in text.splitlines() + [""]:
            if line and not line[0].isspace():
                prose.append(line)
                continue
            if prose:
                out.append(super()._fill_text(" ".join(prose), width, indent))
                prose = []
            out.append(indent + line)
        return "\n".join(out[:-1])


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


EXIT_CODES = ("Exit codes: 0 done; 1 some models failed to train; 2 bad usage; 3 data, "
              "artifact, storage or install problem; 4 unknown user or session; 5 sessions "
              "database busy (try again); 6 serve cannot listen (port in use); "
              "130 interrupted (see README.md).")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="chatrec",
        description="A conversational movie recommender: chat, ask, serve, train, evaluate, report.",
        epilog="Data lives in $CHATREC_HOME (default ~/.local/share/chatrec). "
        "Run 'chatrec COMMAND --help' for details.\n\n" + EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"chatrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"chatrec.cli.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"chatrec.cli.commands.{name}":
                raise
            continue  # command not built yet
        module.register(sub)
    _remember_parsers(parser)
    return parser


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Let every (sub)command record its own parser in the parsed arguments, so an
    unknown flag is reported with that command's usage, not the top-level one."""
    parser.set_defaults(usage_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _remember_parsers(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # exits 2 with the subcommand's usage
        args.usage_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
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
