"""How `chatrec serve` listens: the port, slow clients, and running out of files.

* `bind(host, port)`: the listening socket is bound here, before "serving..." is
  printed, so a busy port is one line and its own exit code (ListenError, 6) instead of
  uvicorn's log line and exit 1 after the banner.
* `GuardedH11Protocol`: uvicorn's h11 protocol plus deadlines for the request line and
  headers, and for the body. uvicorn only closes a connection that stays silent after
  a response; one that trickles a header or body byte a second, or says nothing at
  all after connecting, would stay open forever. A body not complete in time gets a
  408 and the connection is closed. A request whose body arrives with its headers (as
  almost every one does) never arms the body timer at all. Idle keep-alive
  connections are uvicorn's `timeout_keep_alive`.
* `raise_file_limit()` and `quiet_accept_errors(loop)`: use the hard limit on open
  files, and when it is reached anyway, log one line every 10 s instead of asyncio's
  traceback per failed accept().
"""
from __future__ import annotations

import errno
import json
import logging
import socket
import time

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from chatrec.errors import BodyTimeout, ListenError, http_status

log = logging.getLogger("chatrec.server.listener")
OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
LOG_EVERY = 10.0  # seconds between two "out of file descriptors" lines


def bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket for uvicorn (which listens on it with its backlog)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every keep-alive response waits 40 ms for a delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ListenError(f"port {port} on {host} is already in use: stop the other "
                              "server or choose another --port") from None
        raise ListenError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(True)  # worker processes serve on it
    return sock


class GuardedH11Protocol(H11Protocol):
    """H11Protocol that closes a connection whose request headers are not complete
    `config.header_timeout` seconds after it opened or after the previous response,
    or whose body is not complete `config.body_timeout` seconds after its headers."""

    def __init__(self, config, server_state, app_state, _loop=None):
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = float(getattr(config, "header_timeout", 5.0))
        self.body_timeout = float(getattr(config, "body_timeout", 10.0))
        self._header_timer = None
        self._body_timer = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        state = self.conn.their_state
        if self._header_timer is not None and state is not h11.IDLE:
            self._disarm()  # headers complete
        if state is h11.SEND_BODY:
            if self._body_timer is None:  # once per request: a deadline, not an idle time
                self._body_timer = self.loop.call_later(self.body_timeout, self._body_late)
        elif self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # waiting for the next request on this connection

    def connection_lost(self, exc) -> None:
        self._disarm()
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()

    def _body_late(self) -> None:
        """408 (unless the app already answered) and close: the app's receive() then
        says the client went away."""
        self._body_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
            return
        if self.cycle is not None and not self.cycle.response_started:
            self.cycle.response_started = True  # the app must not answer after this
            self.transport.write(_request_timeout(self.body_timeout))
        self.transport.close()


def _request_timeout(seconds: float) -> bytes:
    error = BodyTimeout(f"the request body did not arrive within {seconds:g} s")
    body = json.dumps({"detail": str(error)})
    return (f"HTTP/1.1 {http_status(error)} Request Timeout\r\ncontent-type: "
            f"application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n"
            f"\r\n{body}").encode()


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one; returns the limit."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        return soft
    except (ImportError, ValueError, OSError):  # not POSIX, or not allowed: keep it
        return -1


def quiet_accept_errors(loop) -> None:
    """Route the event loop's out-of-file-descriptor errors to one throttled line."""
    previous = loop.get_exception_handler()
    state = {"last": 0.0, "suppressed": 0}

    def handler(loop, context):
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in OUT_OF_FILES:
            now = time.monotonic()
            if now - state["last"] >= LOG_EVERY:
                more = f" ({state['suppressed']} more since the last report)" \
                    if state["suppressed"] else ""
                log.error("cannot accept connections: %s; raise the open-files limit "
                          "(ulimit -n) or lower --limit-concurrency%s", exc.strerror, more)
                state["last"], state["suppressed"] = now, 0
            else:
                state["suppressed"] += 1
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
