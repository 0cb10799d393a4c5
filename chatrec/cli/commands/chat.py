"""`chatrec chat`: the terminal REPL (see chatrec/cli/repl.py)."""
from __future__ import annotations

import argparse
import sys
import threading

from chatrec.cli.commands.options import add_dataset


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "chat",
        help="chat in the terminal (history, Tab completion of titles and genres)",
        description="Chat with the recommender. Type a request ('movies like Alien', "
        "'top 10 comedies', 'I loved Fargo'), or /help, /user ID, /reset, /quit. "
        "With stdin or stdout not a terminal, reads one message per line and prints "
        "plain replies, e.g.  echo 'movies like star wars' | chatrec chat",
        epilog="The first run on a machine fetches MovieLens 100K and trains (seconds). "
        "History is kept in $CHATREC_HOME/repl_history.",
    )
    p.add_argument("--user", metavar="ID",
                   help="chat as this dataset user (personal recommendations)")
    p.add_argument("--session", metavar="ID",
                   help="resume or name a session (1-64 of A-Z a-z 0-9 _ -)")
    p.add_argument("--parser", metavar="SPEC", default=None,
                   help="regex | llm | llm-only | pkg.module:factory "
                   "(default: $CHATREC_PARSER or regex)")
    add_dataset(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imports are deferred so that `chatrec --help` stays instant.
    from chatrec.cli import repl
    from chatrec.data.home import data_home
    from chatrec.service import build_service
    from chatrec.sessions.state import validate_session_id
    from chatrec.training.warmup import warm_up_parser
    from models.progress import LazyProgress

    if args.session is not None:
        validate_session_id(args.session)  # fail before loading the models
    # the CLI is the operator: --session NAME continues that session or starts one
    progress = LazyProgress()
    service = build_service(dataset=args.dataset, parser_spec=args.parser,
                            progress=progress, client_session_ids=True)
    progress.finish()   # a first run's progress line ends before anything else prints
    state = repl.Repl(service, session_id=args.session)
    if args.user is not None:
        outcome = state.handle(f"/user {args.user}")
        if outcome.error:  # an unknown user at startup is a usage error, not a chat
            print(f"chatrec: {outcome.text}", file=sys.stderr)
            return 4
    if not repl.is_interactive():
        return repl.run_plain(state)
    warm_up_parser(service.parser)      # the LLM reads its long prompt while you type
    # and the route models load, and each route's first-use caches are built
    threading.Thread(target=service.warm_up, name="chatrec-warm-up", daemon=True).start()
    catalog = service.bundle.catalog
    banner = (f"chatrec — {service.bundle.dataset}, {len(catalog):,} {service.bundle.noun}. "
              "Type /help for commands, Tab to complete titles, Ctrl-D to quit.")
    return repl.run_interactive(state, data_home() / "repl_history", banner=banner)
