"""`chatrec ask MESSAGE`: one chat turn from the shell.

With --json it prints exactly the `POST /chat` body; otherwise the reply and one line
per film with year, genres and reason. Pass --session ID to continue a conversation
(ratings and `more` carry over between invocations)."""
from __future__ import annotations

import argparse
import json
import sys

from chatrec.cli.commands.options import add_dataset
from chatrec.errors import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ask", help="one chat turn: print the reply and the films",
        description="Send one message and print the answer, e.g. "
        "chatrec ask 'movies like Star Wars'  or  chatrec ask 'top 10 comedies' --json. "
        "Use '-' to read the message from stdin.",
        epilog="The first run on a machine fetches MovieLens 100K and trains (seconds). "
        "Exit codes: 0 done, 2 bad usage, 3 data problem, 4 unknown --user or --session.",
    )
    p.add_argument("message", metavar="MESSAGE", help="what to ask ('-' reads stdin)")
    p.add_argument("--user", metavar="ID", help="a user id of the ratings data (personal picks)")
    p.add_argument("--session", metavar="ID",
                   help="continue or name a session (1-64 of A-Z a-z 0-9 _ -)")
    p.add_argument("--json", action="store_true", help="print the POST /chat JSON body")
    add_dataset(p)
    p.add_argument("--parser", metavar="SPEC", default=None,
                   help="regex | llm | llm-only | pkg.module:factory "
                   "(default: $CHATREC_PARSER or regex)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from chatrec.conversation.replies import render_text
    from chatrec.service import UNSET, build_service, parse_user_id, validate_message
    from chatrec.sessions.state import validate_session_id
    from models.progress import LazyProgress

    message = sys.stdin.read() if args.message == "-" else args.message
    validate_message(message)  # fail fast, before loading models
    if args.session is not None:
        validate_session_id(args.session)
    if args.user is not None and not args.user.strip():
        raise UsageError("--user needs a non-empty id")
    # the CLI is the operator: --session NAME continues that session or starts one
    progress = LazyProgress()
    service = build_service(dataset=args.dataset, parser_spec=args.parser,
                            progress=progress, client_session_ids=True)
    progress.finish()   # a first run's progress line ends before anything else prints
    user = parse_user_id(args.user) if args.user is not None else UNSET  # keep the session's
    if user is not UNSET:  # an unknown user is exit 4, as for `chat --user`
        service.bundle.ratings.index_of(user)
    body = service.turn(message.strip(), args.session, user)
    if args.json:   # the POST /chat body, display titles included (server/schemas.py)
        from models.data import natural_title
        body["items"] = [{**it, "display_title": natural_title(it["title"])}
                         for it in body["items"]]
        print(json.dumps(body, ensure_ascii=False))
        return 0
    print(render_text(body))
    if args.session is None:  # how to continue this conversation
        print(f"(session {body['session_id']}: continue with --session "
              f"{body['session_id']})", file=sys.stderr)
    return 0
