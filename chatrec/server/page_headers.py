"""The security headers of what a browser renders: the chat page, its static files, the
report page (issue 18: none of them had any).

- Content-Security-Policy: the page runs only its own scripts (static/app.js,
  static/complete.js) and styles, talks only to its own origin, and cannot be framed;
  the report page runs no script at all (its charts are inline SVG with inline styles,
  hence 'unsafe-inline' for styles there, and there only).
- X-Frame-Options: DENY, for browsers without CSP frame-ancestors (clickjacking).
- X-Content-Type-Options: nosniff, so a static file is never read as another type.
- Referrer-Policy: no-referrer (a session's page address stays on this server).

JSON answers do not carry them: a browser never renders those as a document, and the
API's hot path stays as it was (docs/benchmarks/http.md).
"""
from __future__ import annotations

from starlette.staticfiles import StaticFiles

_COMMON = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer"}

PAGE = {**_COMMON, "Content-Security-Policy": (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'")}
REPORT = {**_COMMON, "Content-Security-Policy": (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'")}
STATIC = dict(_COMMON)


class SecureStaticFiles(StaticFiles):
    """StaticFiles whose answers carry STATIC's headers."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.update(STATIC)
        return response
