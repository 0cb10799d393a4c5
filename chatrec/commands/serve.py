"""`chatrec serve`: the HTTP service (uvicorn).

Artifacts are fetched/trained here, in the parent, BEFORE any worker starts, so
workers only load them (fast) and never race to train. With --workers 1 the app
runs in this process on the bundle already loaded; with N > 1 uvicorn starts N
processes that each call `chatrec.api:app_factory`, sharing the sessions database.
"""
from __future__ import annotations

import argparse
import os
import sys

from chatrec.commands.options import add_dataset
from chatrec.errors import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="run the HTTP API and web chat page",
        description="Serve POST /chat, the JSON API (OpenAPI docs at /docs) and the web "
        "chat page at /.",
        epilog="The first run on a machine fetches MovieLens 100K and trains before "
        "listening. Sessions are kept in $CHATREC_HOME/sessions.sqlite3.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--parser", metavar="SPEC", default=None,
                   help="regex | llm | llm-only | pkg.module:factory "
                   "(default: $CHATREC_PARSER or regex)")
    add_dataset(p, "to serve")
    p.add_argument("--log-level", default="warning",
                   choices=("critical", "error", "warning", "info", "debug"),
                   help="uvicorn log level (default warning)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from chatrec.api import create_app
    from chatrec.home import active_dataset
    from chatrec.service import build_service, warm_up_parser
    from models.progress import StderrProgress

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0-65535, got {args.port}")
    if not 1 <= args.workers <= 64:
        raise UsageError(f"--workers must be 1-64, got {args.workers}")
    dataset = args.dataset or active_dataset()
    # fetch/train and build the parser here, once: a bad --parser fails before listening
    service = build_service(dataset, args.parser, StderrProgress("chatrec: preparing models"))
    # what each worker's app_factory() reads
    os.environ["CHATREC_DATASET"] = dataset
    if args.parser:
        os.environ["CHATREC_PARSER"] = args.parser
    print(f"chatrec: serving {dataset} on http://{args.host}:{args.port} "
          f"({args.workers} worker{'s' if args.workers > 1 else ''}; API docs at /docs)",
          file=sys.stderr, flush=True)
    options = dict(host=args.host, port=args.port, log_level=args.log_level,
                   timeout_graceful_shutdown=5)
    if args.workers == 1:
        warm_up_parser(service.parser)
        uvicorn.run(create_app(service), **options)
    else:
        del service  # the workers load their own copies
        uvicorn.run("chatrec.api:app_factory", factory=True, workers=args.workers, **options)
    return 0
