"""How the HTTP app answers errors: request validation -> FastAPI's standard 422 without
echoing the input; typed errors of every package -> the status chatrec.errors assigns, as
{"detail": "..."} (with Retry-After or WWW-Authenticate where they apply); anything else
is logged and answered with a bare 500 JSON — never a traceback.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatrec.errors import KNOWN_ERRORS, Overloaded, StoreBusy, Unauthorized, http_status

log = logging.getLogger("chatrec.server.app")


def _error_body(exc: BaseException, status: int) -> dict:
    if status == 422:  # same shape as FastAPI's own 422, so /openapi.json stays true
        return {"detail": [{"loc": ["request"], "msg": str(exc), "type": "value_error"}]}
    return {"detail": str(exc)}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on `app`."""
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
            headers = {}
            if isinstance(exc, (StoreBusy, Overloaded)):
                headers["Retry-After"] = str(exc.retry_after)
            elif isinstance(exc, Unauthorized):
                headers["WWW-Authenticate"] = "Bearer"
            elif status >= 500:
                log.error("service unavailable: %s", exc)
            return JSONResponse(_error_body(exc, status), status_code=status, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)
