"""A fake OpenAI-compatible Chat Completions server on 127.0.0.1 (random port), for
the LLM parser tests. Each test sets `server.reply` to a function
request_json -> Reply; every request (path, headers, JSON body) is recorded.

Besides the OpenAI shape (`tool_call`), it speaks the shapes real servers were seen
to answer with (issue 12): the call as the whole `content` (llama.cpp with a template
it cannot parse: `in_content`), inside `<tool_call>` tags (`tagged`), a function named
after the intent, text when the request has no `tool_choice` (llama-cpp-python:
`llama_cpp_python`), and a model that rambles without `max_tokens` (`runaway`)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    delay: float = 0.0          # sleep before answering
    drip: float = 0.0           # seconds between body bytes (a slow, alive stream)


def completion(message: dict, finish_reason: str = "stop") -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "model": "fake",
                       "choices": [{"index": 0, "message": {"role": "assistant", **message},
                                    "finish_reason": finish_reason}]}).encode()


def tool_call(arguments, name: str = "parse_request", finish_reason="tool_calls") -> bytes:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return completion({"content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]},
        finish_reason)


def in_content(arguments: dict, name: str = "parse_request", fence: bool = False) -> bytes:
    text = json.dumps({"name": name, "arguments": arguments})
    return completion({"content": f"```json\n{text}\n```" if fence else text})


def tagged(arguments: dict, name: str = "parse_request", prose: str = "") -> bytes:
    call = json.dumps({"name": name, "arguments": arguments})
    return completion({"content": f"{prose}<tool_call>\n{call}\n</tool_call>"})


def llama_cpp_python(arguments: dict):
    """llama-cpp-python's server: a missing tool_choice means "none", and the model,
    shown no tools, answers in prose."""
    def reply(body: dict) -> Reply:
        if body.get("tool_choice") in (None, "none"):
            return Reply(body=completion({"content": "Sure! Here are some movies..."}))
        return Reply(body=tool_call(arguments))
    return reply


def runaway(arguments: dict, ramble_seconds: float = 5.0):
    """A small model that rambles to the context limit unless max_tokens stops it."""
    def reply(body: dict) -> Reply:
        cap = body.get("max_tokens")
        if not cap:
            return Reply(body=completion({"content": "la " * 4096}, "length"),
                         delay=ramble_seconds)
        if cap < 40:        # cut mid-call: the reply says so with finish_reason
            return Reply(body=completion({"content": '{"name": "parse_request", "argu'},
                                         "length"))
        return Reply(body=tool_call(arguments))
    return reply


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        server = self.server
        server.requests.append({"path": self.path, "headers": dict(self.headers),
                                "json": body})
        reply = server.reply(body)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.drip:
                for i in range(len(reply.body)):
                    self.wfile.write(reply.body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass                     # the client gave up (deadline): expected

    def log_message(self, *args):  # keep test output clean
        pass


class FakeLLM:
    """Context manager: `with FakeLLM() as srv: srv.url, srv.reply = ...`"""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.reply = lambda body: Reply(body=tool_call({"intent": "help"}))
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def answer(self, reply: Reply) -> None:
        self.httpd.reply = lambda body: reply

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
