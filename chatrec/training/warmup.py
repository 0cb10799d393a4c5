"""Readying a process to answer: the parser's first (slow) LLM call, the routes'
models (they load on first use otherwise) and what each route builds on its first turn,
one BLAS thread per process. Used by the front doors after
`chatrec.service.build_service`."""
from __future__ import annotations

import logging
import threading
from typing import Callable

import numpy as np

from chatrec.training.bundle import Bundle

log = logging.getLogger("chatrec.service")


def warm_up_parser(parser) -> None:
    """Let a parser that talks to a server (the LLM) send its first, slow call in the
    background now, so the first user does not pay for the cold prompt."""
    warm = getattr(parser, "warm_up", None)
    if callable(warm):
        warm()


def warm_up_models(bundle: Bundle, background: bool = False) -> None:
    """Load the routes' models now instead of on their first request (they load lazily,
    chatrec/training/bundle.py): a server before it answers, the REPL in the background while
    the person types (a turn that needs a model meanwhile waits for that load)."""
    def load() -> None:
        try:
            for name in dict.fromkeys(bundle.routes.values()):
                bundle.models.get(name)
        except Exception as e:  # noqa: BLE001 - the turn that needs it reports it
            log.warning("loading the models failed: %s", e)

    if background:
        threading.Thread(target=load, name="chatrec-warm-up", daemon=True).start()
    else:
        load()


def warm_up_routes(bundle: Bundle, scratch_turn: Callable[[str, object], None] | None
                   ) -> None:
    """Load the routes' models, then answer one message per route with
    `scratch_turn(message, user)` (ChatService.warm_up: a turn in a session that is never
    stored): what's popular, a known user's picks, films like the most rated one. What a
    route builds on its first use (the parser's phrase index, the ratings' per-user
    index, the lists' caches: seconds at ML-25M size) is then ready before the first
    request. None (a parser that waits on a server, an LLM) skips the turns. A failure
    is logged: the turn that needs the part reports it."""
    warm_up_models(bundle)
    if scratch_turn is None:
        return
    ratings, catalog = bundle.ratings, bundle.catalog
    try:
        top = int(np.argmax(ratings.item_counts())) if len(ratings) else 0
        user = ratings.user_ids[0].item() if ratings.n_users else None
        for message, who in (("what's popular", None), ("recommend something", user),
                             (f"like {catalog.titles[top]}", None)):
            scratch_turn(message, who)
    except Exception as e:  # noqa: BLE001 - warming is an optimisation only
        log.warning("warming up the routes failed: %s: %s", type(e).__name__, e)


def single_thread_blas() -> None:
    """Serve with one BLAS thread per process. A turn's linear algebra is tiny
    (a k x k fold-in solve); waking a BLAS thread pool for it costs more than the
    work and made p99 jump to 10+ ms. Concurrency comes from workers instead."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only a latency optimisation
        return
    threadpool_limits(limits=1, user_api="blas")
