"""`chatrec serve`: the HTTP service (uvicorn).

Artifacts are fetched/trained here, in the parent, BEFORE any worker starts, so
workers only load them (fast) and never race to train. The port is bound here too
(chatrec/server/listener.py), so a busy port fails before anything is printed. With
--workers 1 the app runs in this process on the bundle already loaded; with N > 1
uvicorn starts N processes that each call `chatrec.server.app:app_factory` on the shared
socket, sharing the sessions database. Settings reach the workers through the
environment (chatrec/server/settings.py).
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from chatrec.cli.commands.options import add_dataset
from chatrec.errors import UsageError
from chatrec.server.settings import ServerSettings

SETTING_FLAGS = (  # flag, setting, metavar, help
    ("--max-body", "max_body", "SIZE", "largest request body, e.g. 64k (default 64k); "
     "larger is a 413"),
    ("--body-timeout", "body_timeout", "SECONDS", "time to send a whole request body "
     "(default 10s); slower is a 408 and the connection closes"),
    ("--header-timeout", "header_timeout", "SECONDS", "time to send the request line and "
     "headers, from connecting or the previous response (default 5s)"),
    ("--keep-alive", "keep_alive", "SECONDS", "close a connection idle this long between "
     "requests (default 5s)"),
    ("--limit-concurrency", "limit_concurrency", "N", "connections plus requests at once "
     "per worker (default 1000); more are answered 503"),
    ("--backlog", "backlog", "N", "connections the kernel queues before accept "
     "(default 2048)"),
    ("--trusted-hosts", "trusted_hosts", "HOSTS", "comma-separated Host names to accept "
     "besides localhost, 127.0.0.1, [::1] and the bind address; '*' accepts any"),
    ("--session-ttl", "session_ttl", "DURATION", "delete sessions idle this long, e.g. "
     "30d or 12h (default 30d)"),
)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="run the HTTP API and web chat page",
        description="Serve POST /chat, the JSON API (OpenAPI docs at /docs) and the web "
        "chat page at /.",
        epilog="The first run on a machine fetches MovieLens 100K and trains before "
        "listening. Sessions are kept in $CHATREC_HOME/sessions.sqlite3, or in PostgreSQL "
        "with --sessions postgresql://... (shared by several servers). Prometheus metrics "
        "at /metrics. Every limit also has an environment variable (README, "
        "Configuration); flags win. Exit codes: 2 bad usage, 3 data/artifact/storage "
        "problem, 6 cannot listen (port in use).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--parser", metavar="SPEC", default=None,
                   help="regex | llm | llm-only | pkg.module:factory "
                   "(default: $CHATREC_PARSER or regex)")
    p.add_argument("--sessions", metavar="URL", default=None,
                   help="sessions store: postgresql://USER@HOST/DB or a SQLite file "
                   "(default: $CHATREC_SESSIONS_URL, else $CHATREC_HOME/sessions.sqlite3)")
    add_dataset(p, "to serve")
    p.add_argument("--log-level", default="warning",
                   choices=("critical", "error", "warning", "info", "debug"),
                   help="uvicorn log level (default warning)")
    p.add_argument("--client-session-ids", action="store_true", default=None,
                   help="accept session ids the server never issued (channel integrations "
                   "behind their own auth); by default an unknown id is a 404")
    for flag, dest, metavar, text in SETTING_FLAGS:
        p.add_argument(flag, dest=dest, metavar=metavar, default=None, help=text)
    p.set_defaults(func=run)


def settings_from(args: argparse.Namespace) -> ServerSettings:
    """Flags over environment over defaults; trusted hosts get the bind address."""
    from chatrec.server.access import trusted_hosts

    names = [dest for _, dest, _, _ in SETTING_FLAGS] + ["client_session_ids"]
    base = ServerSettings.from_env(**{n: getattr(args, n, None) for n in names})
    return replace(base, trusted_hosts=trusted_hosts(args.host, base.trusted_hosts))


def run(args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from chatrec.data.home import active_dataset
    from chatrec.server.app import create_app
    from chatrec.server.listener import GuardedH11Protocol, bind, raise_file_limit
    from chatrec.service import build_service
    from chatrec.training.warmup import warm_up_parser
    from models.progress import StderrProgress

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0-65535, got {args.port}")
    if not 1 <= args.workers <= 64:
        raise UsageError(f"--workers must be 1-64, got {args.workers}")
    settings = settings_from(args)
    sock = bind(args.host, args.port)  # ListenError (exit 6) before any work
    raise_file_limit()
    dataset = args.dataset or active_dataset()
    # fetch/train and build the parser here, once: a bad --parser fails before listening
    progress = StderrProgress("chatrec: preparing models")
    service = build_service(dataset, args.parser, progress, sessions_path=args.sessions,
                            client_session_ids=settings.client_session_ids)
    progress.finish()   # end the bar's line before "serving ..."
    port = sock.getsockname()[1]
    print(f"chatrec: serving {dataset} on http://{args.host}:{port} "
          f"({args.workers} worker{'s' if args.workers > 1 else ''}; API docs at /docs)",
          file=sys.stderr, flush=True)
    single = args.workers == 1
    config = uvicorn.Config(
        create_app(service, settings) if single else "chatrec.server.app:app_factory",
        factory=not single, workers=args.workers, log_level=args.log_level,
        http=GuardedH11Protocol, timeout_keep_alive=max(1, round(settings.keep_alive)),
        limit_concurrency=settings.limit_concurrency, backlog=settings.backlog,
        timeout_graceful_shutdown=5)
    config.header_timeout = settings.header_timeout  # read by GuardedH11Protocol
    config.body_timeout = settings.body_timeout
    if single:
        warm_up_parser(service.parser)
        service.warm_up()  # models and each route's first-use caches, before any request
        uvicorn.Server(config).run(sockets=[sock])
    else:
        del service  # the workers load their own copies
        # what each worker's app_factory() reads (set only here: an in-process
        # `serve` of one worker leaves the caller's environment alone)
        os.environ["CHATREC_DATASET"] = dataset
        os.environ.update(settings.to_env())
        if args.parser:
            os.environ["CHATREC_PARSER"] = args.parser
        if args.sessions:
            os.environ["CHATREC_SESSIONS_URL"] = args.sessions
        from chatrec.server.metrics import multiprocess_metrics
        with multiprocess_metrics():  # every worker's counters, summed by each scrape
            Multiprocess(config, sockets=[sock]).run()
    return 0
