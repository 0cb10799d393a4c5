"""The small pages around the API: /favicon.ico, and /redoc without a CDN.

fastapi-offline serves ReDoc's script from the package, but ReDoc's sidebar still asks
cdn.redoc.ly for the Redocly logo. Our /redoc is the same page with a Content-Security-
Policy that allows images only from this server: the browser never makes that request,
and ReDoc drops the image when it fails (its onError hides it).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import FileResponse, HTMLResponse, Response

STATIC = Path(__file__).with_name("static")
OFFLINE_STATIC = "/static-offline-docs"   # where fastapi-offline mounts its assets
REDOC_CSP = ("<meta http-equiv=\"Content-Security-Policy\" "
             "content=\"img-src 'self' data: blob:\">")


def install_pages(app: FastAPI) -> None:
    """Add /favicon.ico and /redoc (create the app with redoc_url=None)."""

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(openapi_url=f"{root}{app.openapi_url}",
                              title=f"{app.title} - ReDoc",
                              redoc_js_url=f"{root}{OFFLINE_STATIC}/redoc.standalone.js",
                              redoc_favicon_url=f"{root}/favicon.ico",
                              with_google_fonts=False)
        body = page.body.decode().replace("<head>", "<head>\n" + REDOC_CSP, 1)
        return HTMLResponse(body)
