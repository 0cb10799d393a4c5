"""One Chat Completions round trip under a hard wall-clock deadline:
`post_json(url, body, headers, deadline) -> dict`.

The deadline covers everything — connecting, sending, waiting, and a reply that drips
one byte a second: a watchdog timer shuts the socket down when it passes, so the worker
thread is freed at the deadline too, not only the caller (urllib's timeout is per socket
operation and never fires while bytes keep trickling in). Standard library only.

Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case forms) are honoured
as urllib honours them for the dataset download: an https URL is tunnelled through the
proxy with CONNECT, an http one is sent to the proxy in absolute form, and a host that
NO_PROXY names is reached directly.
Failures raise LLMRejected with the full detail; the caller redacts, then shortens.
"""
from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.request
from urllib.parse import SplitResult, unquote, urlsplit

from intents.errors import LLMRejected

MAX_REPLY = 1 << 20          # 1 MiB: a parse reply is tiny
MAX_ERROR_BODY = 1 << 16     # read this much of an error body for its message
_CHUNK = 8192


def post_json(url: str, body: dict, headers: dict, deadline: float) -> dict:
    """POST `body` as JSON; the decoded JSON object of a 2xx reply. `deadline` is a
    time.monotonic() value."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMRejected(f"connection error: unsupported URL scheme {parts.scheme!r}")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise LLMRejected("deadline passed before the call")
    conn, path, proxy_headers = _connection(parts, remaining)
    expired = threading.Event()

    def watchdog() -> None:
        expired.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)   # wakes a blocked recv at once
            except OSError:
                pass

    timer = threading.Timer(remaining, watchdog)
    timer.daemon = True
    timer.start()
    try:
        payload = json.dumps(body).encode()
        conn.request("POST", path, body=payload,
                     headers={**headers, **proxy_headers, "Content-Type": "application/json",
                              "Accept": "application/json"})
        response = conn.getresponse()
        if not 200 <= response.status < 300:
            raw = _read(response, MAX_ERROR_BODY, expired, truncate=True)
            raise LLMRejected(f"http {response.status}: {_error_detail(raw, response.reason)}")
        raw = _read(response, MAX_REPLY, expired, truncate=False)
    except LLMRejected:
        raise
    except (TimeoutError, socket.timeout):
        raise LLMRejected("timeout") from None
    except ConnectionRefusedError:
        raise LLMRejected("connection refused") from None
    except (OSError, http.client.HTTPException) as e:
        if expired.is_set():
            raise LLMRejected("timeout") from None
        raise LLMRejected(f"connection error: {type(e).__name__}") from None
    finally:
        timer.cancel()
        conn.close()
    if expired.is_set():
        raise LLMRejected("timeout")
    try:
        reply = json.loads(raw)
    except ValueError:
        raise LLMRejected("bad response: not JSON") from None
    if not isinstance(reply, dict):
        raise LLMRejected("bad response: not a JSON object")
    return reply


def _proxy(parts: SplitResult) -> SplitResult | None:
    """The proxy for this URL from the environment (as urllib finds it), or None."""
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.netloc):
        return None
    found = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if found.scheme != "http" or not found.hostname:
        raise LLMRejected(f"connection error: unsupported proxy {found.scheme}://"
                          f"{found.hostname or ''} (only http:// proxies)")
    return found


def _connection(parts: SplitResult, timeout: float):
    """(connection, request target, extra headers): direct, or through the proxy."""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    proxy = _proxy(parts)
    auth = {}
    if proxy is not None and proxy.username is not None:
        pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
        auth = {"Proxy-Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if proxy is None:
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                               context=context), path, {}
        conn = http.client.HTTPSConnection(proxy.hostname, proxy.port or 80, timeout=timeout,
                                           context=context)
        conn.set_tunnel(parts.hostname, parts.port or 443, headers=auth)
        return conn, path, {}
    if proxy is None:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout), path, {}
    conn = http.client.HTTPConnection(proxy.hostname, proxy.port or 80, timeout=timeout)
    return conn, f"http://{parts.netloc}{path or '/'}", auth


def _read(response, limit: int, expired: threading.Event, truncate: bool) -> bytes:
    chunks, size = [], 0
    while size <= limit:
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if expired.is_set():
            raise LLMRejected("timeout")
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    if size > limit:
        if not truncate:
            raise LLMRejected("bad response: reply too large")
        data = data[:limit]
    return data


def _error_detail(raw: bytes, reason: str) -> str:
    """The server's message (OpenAI/Ollama: {"error": {"message": ...}}), whole: the
    caller redacts secrets first and shortens afterwards."""
    text = raw.decode("utf-8", "replace")
    detail = text
    try:
        obj = json.loads(text)
        err = obj.get("error", obj) if isinstance(obj, dict) else obj
        detail = err.get("message", err) if isinstance(err, dict) else err
    except ValueError:
        pass
    return " ".join(str(detail).split()) or (reason or "")
