"""What uvicorn's access log may say about a request (issue 18: at `--log-level info`
it wrote every session id, which is all a caller needs to read that conversation when
the server was started with `--client-session-ids` and no keys).

`SessionIdRedaction` is a logging filter on the `uvicorn.access` logger: the path's
session id becomes `{session_id}`, as in the metrics' route label; everything else of
the line stays. `install()` adds it once per process.
"""
from __future__ import annotations

import logging
import re

_SESSION_PATH = re.compile(r"^(/sessions/)[^/?#]+")


class SessionIdRedaction(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access record: (client address, method, full path, version, status)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) \
                and args[2].startswith("/sessions/"):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def redact(path: str) -> str:
    """'/sessions/abc?x=1' -> '/sessions/{session_id}?x=1'; any other path as it is."""
    return _SESSION_PATH.sub(r"\1{session_id}", path)


def install() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, SessionIdRedaction) for f in logger.filters):
        logger.addFilter(SessionIdRedaction())
