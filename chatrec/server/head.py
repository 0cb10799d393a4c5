"""HEAD wherever GET works (RFC 9110 9.3.2): monitoring probes and link checkers send
`HEAD /` or `HEAD /health`, which FastAPI's GET routes answered 405.

`HeadAsGet` is a pure ASGI middleware: a HEAD request is routed as a GET (in a copy of
the scope: the server's own scope keeps "HEAD", so uvicorn also knows to send no body),
and the body of the answer is dropped; status and headers, Content-Length included,
are the GET's. Any other request passes through after one comparison.
"""
from __future__ import annotations


class HeadAsGet:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
