"""The LLM client honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the dataset download
(urllib) does: an http URL goes to the proxy in absolute form (with the proxy's
credentials), an https URL is tunnelled with CONNECT, and NO_PROXY hosts are direct.
The proxy is a recording stub on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from intents.errors import LLMRejected
from intents.llm.transport import post_json
from tests.intents.fake_llm import FakeLLM, Reply, tool_call

PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY",
              "https_proxy", "http_proxy", "no_proxy", "all_proxy")


class RecordingProxy:
    """Reads one request head per connection; answers a POST with a fixed JSON object
    and a CONNECT with 403 (no tunnel needed to see that one was asked for)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.heads: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                head = data.split(b"\r\n\r\n")[0].decode()
                self.heads.append(head)
                if head.startswith("CONNECT"):
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    continue
                body = b'{"via": "proxy"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                             % (len(body), body))

    def close(self):
        self.sock.close()


@pytest.fixture
def proxy(monkeypatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    p = RecordingProxy()
    yield p
    p.close()


def soon() -> float:
    return time.monotonic() + 5


def test_http_goes_through_http_proxy_in_absolute_form_with_credentials(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://me:s%40cret@{proxy.url}")
    reply = post_json("http://llm.example:8080/v1/chat/completions?x=1", {"a": 1}, {},
                      soon())
    assert reply == {"via": "proxy"}
    request_line, *headers = proxy.heads[0].split("\r\n")
    assert request_line == "POST http://llm.example:8080/v1/chat/completions?x=1 HTTP/1.1"
    assert "Proxy-Authorization: Basic bWU6c0BjcmV0" in headers   # me:s@cret


def test_https_is_tunnelled_through_https_proxy(proxy, monkeypatch):
    monkeypatch.setenv("https_proxy", f"http://{proxy.url}")
    with pytest.raises(LLMRejected, match="connection error"):   # the stub refuses
        post_json("https://llm.example/v1/chat/completions", {}, {}, soon())
    assert proxy.heads[0].split("\r\n")[0].startswith("CONNECT llm.example:443 HTTP/1.")


def test_no_proxy_hosts_are_reached_directly(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://{proxy.url}")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    with FakeLLM() as llm:
        llm.answer(Reply(body=tool_call({"intent": "help"})))
        reply = post_json(f"{llm.url}/chat/completions", {"model": "m"}, {}, soon())
        assert json.loads(reply["choices"][0]["message"]["tool_calls"][0]["function"]
                          ["arguments"]) == {"intent": "help"}
        assert len(llm.requests) == 1
    assert proxy.heads == []


def test_an_https_proxy_url_is_a_clear_error(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "https://proxy.example:3128")
    with pytest.raises(LLMRejected, match=r"unsupported proxy https://proxy.example"):
        post_json("http://llm.example/v1/chat/completions", {}, {}, soon())
