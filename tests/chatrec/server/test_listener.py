"""How `chatrec serve` listens (chatrec/server/listener.py), below the real-server tests."""
from __future__ import annotations

import asyncio
import errno
import logging
import socket

import h11
import pytest

from chatrec.errors import ListenError
from chatrec.server.listener import bind, quiet_accept_errors


def test_the_socket_says_it_is_tcp_so_asyncio_sets_tcp_nodelay():
    """Found while hardening: a socket made with proto 0 made asyncio skip
    TCP_NODELAY, and every keep-alive response waited 40 ms for a delayed ACK."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
    finally:
        sock.close()


def test_a_busy_port_is_a_listen_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ListenError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)


class FakeLoop:
    def __init__(self):
        self.handler, self.default = None, []

    def get_exception_handler(self):
        return None

    def set_exception_handler(self, handler):
        self.handler = handler

    def default_exception_handler(self, context):
        self.default.append(context)


def test_out_of_files_is_one_line_per_period_and_other_errors_pass_through(caplog):
    loop = FakeLoop()
    quiet_accept_errors(loop)
    flood = {"message": "socket.accept() out of system resource",
             "exception": OSError(errno.EMFILE, "Too many open files")}
    with caplog.at_level(logging.ERROR, logger="chatrec.server.listener"):
        for _ in range(1000):
            loop.handler(loop, flood)
    # only this logger's records: a thread left by another test may log meanwhile
    lines = [r.getMessage() for r in caplog.records if r.name == "chatrec.server.listener"]
    assert len(lines) == 1 and "Too many open files" in lines[0]
    other = {"message": "something else", "exception": ValueError("x")}
    loop.handler(loop, other)
    assert loop.default == [other]


# ---- what GuardedH11Protocol takes from uvicorn's private H11Protocol ------------------
# pyproject.toml bounds uvicorn below 1.0; within that range a release may still change
# this private class. These two tests say exactly what changed, before a slow-client
# test fails for a reason nobody can read.
RELIED_ON = {"__init__": ["self", "config", "server_state", "app_state", "_loop"],
             "connection_made": ["self", "transport"], "handle_events": ["self"],
             "on_response_complete": ["self"], "connection_lost": ["self", "exc"]}


def test_uvicorns_h11protocol_still_has_the_methods_we_override():
    import inspect

    from uvicorn.protocols.http.h11_impl import H11Protocol
    changed = []
    for name, params in RELIED_ON.items():
        method = getattr(H11Protocol, name, None)
        got = list(inspect.signature(method).parameters) if method else None
        if got != params:
            changed.append(f"H11Protocol.{name}{tuple(params)} is now {got}")
    assert not changed, ("uvicorn changed the private class chatrec/server/listener.py "
                         f"subclasses: {'; '.join(changed)}")


class FakeTransport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.out, self.closed = [], False

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name)

    def is_closing(self):
        return self.closed

    def write(self, data):
        self.out.append(data)

    def close(self):
        self.closed = True

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


def test_uvicorns_h11protocol_still_keeps_the_state_we_read():
    """conn (an h11.Connection), transport, loop, and cycle.response_started: what
    the timers read and write. A body that stops arriving gets our 408."""
    import uvicorn
    from uvicorn.server import ServerState

    from chatrec.server.listener import GuardedH11Protocol

    async def app(scope, receive, send):
        await receive()

    loop = asyncio.new_event_loop()
    try:
        config = uvicorn.Config(app, log_level="error")
        config.load()
        proto = GuardedH11Protocol(config, ServerState(), {}, loop)
        transport = FakeTransport()
        proto.connection_made(transport)
        state = {"conn": isinstance(getattr(proto, "conn", None), h11.Connection),
                 "transport": getattr(proto, "transport", None) is transport,
                 "loop": getattr(proto, "loop", None) is loop,
                 "header timer armed": proto._header_timer is not None}
        proto.data_received(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
        cycle = getattr(proto, "cycle", None)
        state["cycle.response_started"] = getattr(cycle, "response_started", None) is False
        state["body timer armed"] = proto._body_timer is not None
        proto._body_late()
        state["408 sent"] = b"".join(transport.out).startswith(b"HTTP/1.1 408 ")
        assert all(state.values()), f"uvicorn's H11Protocol changed under listener.py: {state}"
        proto.connection_lost(None)
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
