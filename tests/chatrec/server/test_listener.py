"""How `chatrec serve` listens (chatrec/server/listener.py), below the real-server tests."""
from __future__ import annotations

import errno
import logging
import socket

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
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "Too many open files" in lines[0]
    other = {"message": "something else", "exception": ValueError("x")}
    loop.handler(loop, other)
    assert loop.default == [other]
