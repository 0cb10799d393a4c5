"""The HTTP front door: a thin FastAPI app over `ChatService`.

`create_app(service)` builds the app (tests pass a service; with None it is built
on first use). `app_factory()` is what `uvicorn chatrec.server.app:app_factory --factory`
calls in each worker: it loads the already-trained artifacts (the parent process
trained them before starting workers) and opens the shared sessions database.

Handlers are `async def` on purpose: a turn is ~0.5 ms of CPU and a few µs of
SQLite, so running it on the event loop beats a hop to the thread pool (more
requests/s, and a far better p99: docs/benchmarks/reliability.md); a worker's
concurrency comes from more workers. But the event loop must never *wait*
(offloop.py says how).

Around the routes (outermost first): Starlette's TrustedHostMiddleware (the Host
header, chatrec/server/access.py), the metrics middleware (chatrec/server/metrics.py),
HeadAsGet (HEAD wherever GET works, chatrec/server/head.py), RequestLimits (body size,
body time, JSON shape, framing headers, chatrec/server/limits.py). API keys are a
dependency of the data routes, /metrics and /report. The page, its static files and the
report carry security headers (chatrec/server/page_headers.py). /docs serves Swagger UI
from the fastapi-offline package: no CDN.

Errors are answered as error_handlers.py says: a status and {"detail": "..."}, never a
traceback.
"""
from __future__ import annotations

import asyncio
import html
import logging
import os
import random
import threading
from functools import partial
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.middleware.trustedhost import TrustedHostMiddleware

from chatrec import __version__
from chatrec.errors import (
    KNOWN_ERRORS,
    MissingExtra,
    NotFound,
)
from chatrec.server import metrics as prometheus
from chatrec.server import schemas
from chatrec.server.access import ApiKeys, in_scope
from chatrec.server import access_log, page_headers, parse_process
from chatrec.server.error_handlers import install_error_handlers
from chatrec.server.head import HeadAsGet
from chatrec.server.limits import RequestLimits
from chatrec.server.listener import quiet_accept_errors
from chatrec.server.lock_gate import LockGate
from chatrec.server.offloop import HeavyLane, run_turn
from chatrec.server.pages import install_pages
from chatrec.server.settings import ServerSettings
from chatrec.service import UNSET, ChatService, build_service
from chatrec.sessions.state import SESSION_ID_PATTERN
from chatrec.training.warmup import warm_up_parser
from intents.query import MAX_K, MIN_K

log = logging.getLogger("chatrec.server.app")
STATIC = Path(__file__).with_name("static")
PLACEHOLDER = ("<!doctype html><meta charset=utf-8><title>chatrec</title>"
               "<h1>chatrec</h1><p>The web page is not installed. Use "
               "<code>POST /chat</code> or see <a href=/docs>/docs</a>.</p>")

REPORT_MISSING = ("<!doctype html><meta charset=utf-8><title>chatrec report</title>"
                  "<h1>No report here yet</h1><p>{}</p><p><a href=./>Back to the chat</a></p>")

ERRORS = {404: {"model": schemas.ErrorMessage, "description": "unknown user, item or session"},
          401: {"model": schemas.ErrorMessage, "description": "API keys are configured and "
                "the request has none of them"}}
BUSY = {503: {"model": schemas.ErrorMessage, "description": "the sessions database is "
              "locked or unavailable; see Retry-After"}}
K = Annotated[int, Query(ge=MIN_K, le=MAX_K, description=f"number of films ({MIN_K}-{MAX_K})")]
SessionIdPath = Annotated[str, PathParam(pattern=SESSION_ID_PATTERN)]
IdPath = Annotated[str, PathParam(min_length=1, max_length=64)]


async def _service(request: Request) -> ChatService:
    app = request.app
    if app.state.service is None:
        with app.state.lock:  # build once even when the first requests race
            if app.state.service is None:
                app.state.service = build_service()
                parse_process.offload_parses(app.state.service)
                if app.state.metrics:
                    app.state.metrics.attach(app.state.service)
    return app.state.service


Service = Annotated[ChatService, Depends(_service)]


def _owner(request: Request) -> str | None:
    """Who is asking: the owner id of the request's API key (None without keys).
    Called in the handlers rather than as a Depends: the hot path skips FastAPI's
    dependency machinery when no keys are configured."""
    keys = request.app.state.keys
    return keys.owner(request.headers.get("authorization")) if keys.enabled else None


async def _require_key(request: Request) -> None:
    """The same check as a dependency (async: FastAPI runs sync ones in a thread)."""
    _owner(request)


async def _sweep_sessions(app: FastAPI) -> None:
    """Delete expired sessions every `sweep_every` seconds (first after a short, random
    delay, so N workers do not all start at once)."""
    settings: ServerSettings = app.state.settings
    delay = min(settings.sweep_every, 60.0) * random.uniform(0.5, 1.0)
    while True:
        await asyncio.sleep(delay)
        delay = settings.sweep_every
        svc = app.state.service
        if svc is None:
            continue
        try:
            n = await run_in_threadpool(svc.sessions.prune, settings.session_ttl)
            if n:
                log.info("deleted %d sessions idle for more than %.0f s", n,
                         settings.session_ttl)
        except KNOWN_ERRORS as e:  # busy or unavailable: try again next time
            log.warning("session sweep skipped: %s", e)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    quiet_accept_errors(asyncio.get_running_loop())
    sweeper = asyncio.create_task(_sweep_sessions(app))
    try:
        yield
    finally:
        sweeper.cancel()
        parse_process.close(app.state.service)


def create_app(service: ChatService | None = None, settings: ServerSettings | None = None,
               keys: ApiKeys | None = None) -> "FastAPI":
    """The app over `service` (built on first use when None). settings: limits and
    access rules (defaults: ServerSettings(), every Host accepted); keys: API keys
    (default: $CHATREC_API_KEYS)."""
    settings = settings or ServerSettings()
    access_log.install()  # no session id in uvicorn's access log
    app = FastAPIOffline(
        title="chatrec", version=__version__, lifespan=_lifespan, redoc_url=None,
        description="A conversational movie recommender. POST a message to /chat.",
    )
    app.state.service, app.state.lock = service, threading.Lock()
    app.state.settings, app.state.lock_gate = settings, LockGate()
    app.state.heavy_lane = HeavyLane()
    app.state.keys = keys if keys is not None else ApiKeys.from_env()
    # add_middleware puts the last one outermost: the Host check runs first
    app.add_middleware(RequestLimits, max_body=settings.max_body)
    app.add_middleware(HeadAsGet)  # HEAD is a GET to the routes (metrics still see HEAD)
    keyed = [Depends(_require_key)]  # API keys, when configured, guard these routes too
    # None when CHATREC_METRICS=off; inside the Host check: a refused Host is not counted
    app.state.metrics = prometheus.install(app, dependencies=keyed)
    if settings.trusted_hosts and "*" not in settings.trusted_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts))
    if service is not None:
        parse_process.offload_parses(service)  # long messages parse in a child process
    if service is not None and app.state.metrics:
        app.state.metrics.attach(service)

    install_error_handlers(app)

    @app.post("/chat", response_model=schemas.ChatResponse, tags=["chat"],
              response_model_exclude_unset=True, responses={
        400: {"model": schemas.ErrorMessage, "description": "the body is not UTF-8 JSON, "
              "or nests or spells numbers beyond the caps"},
        404: {"model": schemas.ErrorMessage, "description": "unknown session"},
        413: {"model": schemas.ErrorMessage, "description": "the body is over --max-body"},
        **{k: v for k, v in ERRORS.items() if k != 404}, **BUSY})
    async def chat(request: Request, body: schemas.ChatRequest, svc: Service) -> dict:
        """One chat turn. Omit `session_id` to start a conversation; pass the returned
        one to continue it (it remembers ratings and what it showed). An id the server
        did not issue (or that expired) is a 404."""
        # an explicit "user_id": null forgets the session's user; absent keeps it
        user = body.user_id if "user_id" in body.model_fields_set else UNSET
        owner = _owner(request)
        answer = await run_turn(request, svc, in_scope(
            svc, owner, body.session_id,
            lambda sid: svc.turn(body.message, sid, user, owner, body.panel)),
            message=body.message)
        if request.app.state.metrics:
            request.app.state.metrics.observe_chat(answer)
        return answer

    @app.get("/health", response_model=schemas.Health, tags=["meta"],
             responses={503: {"model": schemas.Health, "description": "the sessions "
                              "database cannot be used"}})
    async def health(svc: Service):
        """Models, parser and the sessions database; 503 when the database is unusable."""
        report = svc.health()
        if report["status"] != "ok":
            return JSONResponse(report, status_code=503)
        return report

    @app.get("/users/{user_id}/recommendations", response_model=schemas.Recommendations,
             responses=ERRORS, tags=["recommend"], dependencies=keyed)
    async def recommendations(user_id: IdPath, svc: Service, k: K = 10) -> dict:
        """Personal picks for a user of the ratings data."""
        return svc.recommend_for_user(user_id, k)

    @app.get("/items/{item_id}/similar", response_model=schemas.Similar, responses=ERRORS,
             tags=["recommend"], dependencies=keyed)
    async def similar(item_id: IdPath, svc: Service, k: K = 10) -> dict:
        """Films like one item (content blended with collaborative similarity)."""
        return svc.similar_items(item_id, k)

    @app.get("/items", response_model=schemas.SearchResult, tags=["catalog"],
             dependencies=keyed)
    async def items(svc: Service, search: Annotated[str, Query(max_length=200)] = "",
              limit: K = 20) -> dict:
        """Search titles as the chat matches them (whole titles, typos), plus titles
        containing the typed text (completion); most-rated first."""
        return svc.search_items(search, limit)

    @app.get("/sessions/{session_id}", response_model=schemas.SessionOut,
             responses={**ERRORS, **BUSY}, tags=["sessions"])
    async def get_session(request: Request, session_id: SessionIdPath, svc: Service) -> dict:
        owner = _owner(request)
        return await run_turn(request, svc, in_scope(
            svc, owner, session_id, lambda sid: svc.get_session(sid, owner=owner)))

    @app.delete("/sessions/{session_id}", response_model=schemas.Deleted,
                responses={**ERRORS, **BUSY}, tags=["sessions"])
    async def delete_session(request: Request, session_id: SessionIdPath,
                             svc: Service) -> dict:
        owner = _owner(request)
        if not await run_turn(request, svc, in_scope(
                svc, owner, session_id, lambda sid: svc.delete_session(sid, owner))):
            raise NotFound(f"no session {session_id!r}")
        return {"session_id": session_id, "deleted": True}

    @app.get("/", include_in_schema=False)
    def index():
        page = STATIC / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html", headers=page_headers.PAGE)
        return HTMLResponse(PLACEHOLDER, headers=page_headers.PAGE)

    if STATIC.is_dir():  # the page's script and style sheet
        app.mount("/static", page_headers.SecureStaticFiles(directory=STATIC), name="static")

    # with API keys the report needs one too, unless the operator opens it (README)
    @app.get("/report", include_in_schema=False,
             dependencies=[] if settings.public_report else keyed)
    async def report(svc: Service):
        """The `chatrec report` page for the served dataset (chatrec/report/page.py)."""
        from chatrec.report.page import current_report
        try:   # served pages link back to the chat (chat_link)
            path = await run_in_threadpool(partial(current_report, svc.bundle, chat_link="./"))
        except MissingExtra as e:
            return HTMLResponse(REPORT_MISSING.format(html.escape(str(e), quote=False)),
                                status_code=503, headers=page_headers.REPORT)
        return FileResponse(path, media_type="text/html", headers=page_headers.REPORT)

    install_pages(app)   # /favicon.ico, and /redoc without its CDN logo
    _docs_last(app)
    return app


def _docs_last(app: FastAPI) -> None:
    """Move the docs routes (added first by FastAPIOffline) behind the API's own: the
    router tries routes in order, and /chat should not be compared with five others."""
    docs = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
            "/static-offline-docs"}
    routes = app.router.routes
    routes[:] = [r for r in routes if getattr(r, "path", None) not in docs] + \
        [r for r in routes if getattr(r, "path", None) in docs]


def app_factory() -> "FastAPI":
    """Entry point for uvicorn workers (`--factory`); settings come from the env that
    `chatrec serve` sets: CHATREC_DATASET, CHATREC_PARSER, CHATREC_HOME and the
    ServerSettings variables."""
    settings = ServerSettings.from_env()
    service = build_service(dataset=os.environ.get("CHATREC_DATASET"),
                            parser_spec=os.environ.get("CHATREC_PARSER"),
                            client_session_ids=settings.client_session_ids)
    warm_up_parser(service.parser)
    service.warm_up()  # each worker: models and first-use caches, before any request
    return create_app(service, settings)
