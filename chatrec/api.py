"""The HTTP front door: a thin FastAPI app over `ChatService`.

`create_app(service)` builds the app (tests pass a service; with None it is built
on first use). `app_factory()` is what `uvicorn chatrec.api:app_factory --factory`
calls in each worker: it loads the already-trained artifacts (the parent process
trained them before starting workers) and opens the shared sessions database.

Handlers are `async def` on purpose: a turn is ~0.5 ms of CPU and a few µs of
SQLite, so running it on the event loop beats a hop to the thread pool (about 30%
more requests/s under wrk); a worker's concurrency comes from more workers. A parser
that may block on I/O (the LLM one) is run in the thread pool instead.

Errors: request validation -> FastAPI's standard 422; typed errors of every package
-> the status chatrec.errors assigns, as {"detail": "..."}; anything else is logged
and answered with a bare 500 JSON — never a traceback.
"""
from __future__ import annotations

import html
import logging
import os
import threading
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatrec import __version__, schemas
from chatrec.errors import KNOWN_ERRORS, MissingExtra, NotFound, http_status
from chatrec.service import UNSET, ChatService, build_service, warm_up_parser
from chatrec.sessions import SESSION_ID_PATTERN
from intents.query import MAX_K, MIN_K

log = logging.getLogger("chatrec.api")
STATIC = Path(__file__).with_name("static")
PLACEHOLDER = ("<!doctype html><meta charset=utf-8><title>chatrec</title>"
               "<h1>chatrec</h1><p>The web page is not installed. Use "
               "<code>POST /chat</code> or see <a href=/docs>/docs</a>.</p>")

REPORT_MISSING = ("<!doctype html><meta charset=utf-8><title>chatrec report</title>"
                  "<h1>No report here yet</h1><p>{}</p><p><a href=./>Back to the chat</a></p>")

ERRORS = {404: {"model": schemas.ErrorMessage, "description": "unknown user, item or session"}}
K = Annotated[int, Query(ge=MIN_K, le=MAX_K, description=f"number of films ({MIN_K}-{MAX_K})")]
SessionIdPath = Annotated[str, PathParam(pattern=SESSION_ID_PATTERN)]
IdPath = Annotated[str, PathParam(min_length=1, max_length=64)]


async def _service(request: Request) -> ChatService:
    app = request.app
    if app.state.service is None:
        with app.state.lock:  # build once even when the first requests race
            if app.state.service is None:
                app.state.service = build_service()
    return app.state.service


Service = Annotated[ChatService, Depends(_service)]


def _error_body(exc: BaseException, status: int) -> dict:
    if status == 422:  # same shape as FastAPI's own 422, so /openapi.json stays true
        return {"detail": [{"loc": ["request"], "msg": str(exc), "type": "value_error"}]}
    return {"detail": str(exc)}


def create_app(service: ChatService | None = None) -> "FastAPI":
    app = FastAPI(
        title="chatrec", version=__version__,
        description="A conversational movie recommender. POST a message to /chat.",
    )
    app.state.service, app.state.lock = service, threading.Lock()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # drop "input"/"ctx": they can echo 2,000+ characters or undecodable bytes
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"),
                   "type": e.get("type", "value_error")} for e in exc.errors()]
        return JSONResponse(jsonable_encoder({"detail": errors}), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            # FastAPI's words for a body that is not UTF-8: say what is wrong
            exc = StarletteHTTPException(400, "the request body is not valid UTF-8 JSON")
        return await http_exception_handler(request, exc)

    for cls in KNOWN_ERRORS:
        @app.exception_handler(cls)
        async def _known(request: Request, exc: Exception):
            status = http_status(exc)
            if status >= 500:
                log.error("service unavailable: %s", exc)
            return JSONResponse(_error_body(exc, status), status_code=status)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    @app.post("/chat", response_model=schemas.ChatResponse, tags=["chat"],
              response_model_exclude_unset=True, responses={
        400: {"model": schemas.ErrorMessage, "description": "the body is not UTF-8 JSON"}})
    async def chat(body: schemas.ChatRequest, svc: Service) -> dict:
        """One chat turn. Omit `session_id` to start a conversation; pass the returned
        one to continue it (it remembers ratings and what it showed)."""
        # an explicit "user_id": null forgets the session's user; absent keeps it
        user = body.user_id if "user_id" in body.model_fields_set else UNSET
        if svc.parser_blocks:  # e.g. the LLM parser: never stall the event loop on it
            return await run_in_threadpool(svc.turn, body.message, body.session_id, user)
        return svc.turn(body.message, body.session_id, user)

    @app.get("/health", response_model=schemas.Health, tags=["meta"])
    async def health(svc: Service) -> dict:
        return svc.health()

    @app.get("/users/{user_id}/recommendations", response_model=schemas.Recommendations,
             responses=ERRORS, tags=["recommend"])
    async def recommendations(user_id: IdPath, svc: Service, k: K = 10) -> dict:
        """Personal picks for a user of the ratings data."""
        return svc.recommend_for_user(user_id, k)

    @app.get("/items/{item_id}/similar", response_model=schemas.Similar, responses=ERRORS,
             tags=["recommend"])
    async def similar(item_id: IdPath, svc: Service, k: K = 10) -> dict:
        """Films like one item (content blended with collaborative similarity)."""
        return svc.similar_items(item_id, k)

    @app.get("/items", response_model=schemas.SearchResult, tags=["catalog"])
    async def items(svc: Service, search: Annotated[str, Query(max_length=200)] = "",
              limit: K = 20) -> dict:
        """Search titles as the chat matches them (whole titles, typos), plus titles
        containing the typed text (completion); most-rated first."""
        return svc.search_items(search, limit)

    @app.get("/sessions/{session_id}", response_model=schemas.SessionOut, responses=ERRORS,
             tags=["sessions"])
    async def get_session(session_id: SessionIdPath, svc: Service) -> dict:
        return svc.get_session(session_id)

    @app.delete("/sessions/{session_id}", response_model=schemas.Deleted, responses=ERRORS,
                tags=["sessions"])
    async def delete_session(session_id: SessionIdPath, svc: Service) -> dict:
        if not svc.delete_session(session_id):
            raise NotFound(f"no session {session_id!r}")
        return {"session_id": session_id, "deleted": True}

    @app.get("/", include_in_schema=False)
    def index():
        page = STATIC / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html")
        return HTMLResponse(PLACEHOLDER)

    if STATIC.is_dir():  # the page's script and style sheet
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/report", include_in_schema=False)
    async def report(svc: Service):
        """The `chatrec report` page for the served dataset (chatrec/report.py)."""
        from chatrec.report import current_report
        try:
            path = await run_in_threadpool(current_report, svc.bundle)
        except MissingExtra as e:
            return HTMLResponse(REPORT_MISSING.format(html.escape(str(e), quote=False)),
                                status_code=503)
        return FileResponse(path, media_type="text/html")

    return app


def app_factory() -> "FastAPI":
    """Entry point for uvicorn workers (`--factory`); settings come from the env that
    `chatrec serve` sets: CHATREC_DATASET, CHATREC_PARSER, CHATREC_HOME."""
    service = build_service(dataset=os.environ.get("CHATREC_DATASET"),
                            parser_spec=os.environ.get("CHATREC_PARSER"))
    warm_up_parser(service.parser)
    return create_app(service)
