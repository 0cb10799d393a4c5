"""Readying a process to answer: the parser's first (slow) LLM call, the routes'
models (they load on first use otherwise), one BLAS thread per process. Used by the
front doors after `chatrec.service.build_service`."""
from __future__ import annotations

import logging
import threading

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


def single_thread_blas() -> None:
    """Serve with one BLAS thread per process. A turn's linear algebra is tiny
    (a k x k fold-in solve); waking a BLAS thread pool for it costs more than the
    work and made p99 jump to 10+ ms. Concurrency comes from workers instead."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only a latency optimisation
        return
    threadpool_limits(limits=1, user_api="blas")
