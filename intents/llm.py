"""`LLMParser`: the message -> Query step done by an LLM with function calling, over the
OpenAI-compatible Chat Completions API (OpenAI, Ollama, vLLM, llama.cpp server).

    POST {base_url}/chat/completions  {model, messages, tools: [parse_request]}

Only the standard library is used (urllib), so the service needs no HTTP client.
A chat turn never fails because the LLM did: on any failure the rule parser answers
and the Query says so — parser="llm-fallback" and fallback_reason one of
    timeout after N s | connection refused | connection error: ... | http NNN: ...
    bad response: ... | no tool call (...) | tool arguments are not valid JSON |
    k is not an integer (...) | unknown intent '...' | unknown genre '...' |
    off-catalog title '...' | intent X without a title | internal error: ...
The deadline is wall-clock for the whole call (connect + send + a slowly dripping
reply), not urllib's per-socket-operation timeout. The API key is sent only in the
Authorization header: never logged, never in a reason, a repr or the Query.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace

from intents.catalog import TitleCatalog
from intents.errors import ParserConfigError
from intents.llm_schema import (
    SYSTEM_PROMPT, TOOL_NAME, Rejected, arguments_from_content, canonicalize,
    decode_arguments, tool_definition,
)
from intents.query import Query
from intents.rules import RuleParser

log = logging.getLogger(__name__)

ENV_BASE_URL, ENV_MODEL = "CHATREC_LLM_BASE_URL", "CHATREC_LLM_MODEL"
ENV_API_KEY, ENV_TIMEOUT = "CHATREC_LLM_API_KEY", "CHATREC_LLM_TIMEOUT"
DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1"     # Ollama's OpenAI-compatible endpoint
DEFAULT_TIMEOUT = 8.0
FALLBACK = "llm-fallback"
_MAX_REPLY = 1 << 20                                # 1 MiB: a parse reply is tiny

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    """Shared workers that carry the HTTP calls, so the caller can stop waiting."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="chatrec-llm")
        return _pool


class LLMParser:
    """Any object with parse(text) -> Query is a parser; this one asks an LLM."""

    name = "llm"

    def __init__(self, catalog: TitleCatalog, *, base_url: str, model: str,
                 api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 fallback=None) -> None:
        if not base_url or not model:
            raise ParserConfigError("the LLM parser needs a base URL and a model name")
        if timeout <= 0:
            raise ParserConfigError("the LLM timeout must be a positive number of seconds")
        self.catalog = catalog
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = float(timeout)
        self.fallback = fallback if fallback is not None else RuleParser(catalog)
        self.__key = api_key or None                 # kept out of repr() and reasons
        self._tool = tool_definition(catalog)
        # warm the shared matchers now, not inside the first call's deadline
        catalog.titles_matcher, catalog.genres_matcher  # noqa: B018

    @classmethod
    def from_env(cls, catalog: TitleCatalog, environ=None) -> "LLMParser":
        """Settings from CHATREC_LLM_BASE_URL / _MODEL / _API_KEY / _TIMEOUT."""
        env = os.environ if environ is None else environ
        model = env.get(ENV_MODEL, "").strip()
        if not model:
            raise ParserConfigError(
                f"--parser llm needs {ENV_MODEL} (e.g. llama3.1 for Ollama) and "
                f"{ENV_BASE_URL} (default {DEFAULT_BASE_URL}); see docs/parsers.md")
        raw_timeout = env.get(ENV_TIMEOUT, "").strip()
        try:
            timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
        except ValueError:
            raise ParserConfigError(f"{ENV_TIMEOUT} must be a number of seconds, "
                                    f"not {raw_timeout!r}") from None
        return cls(catalog, base_url=env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL,
                   model=model, api_key=env.get(ENV_API_KEY) or None, timeout=timeout)

    def __repr__(self) -> str:
        return (f"LLMParser(base_url={self.base_url!r}, model={self.model!r}, "
                f"timeout={self.timeout}, api_key={'set' if self.__key else 'unset'})")

    # -- parse ------------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """The LLM's Query, or the rule parser's with the reason it had to answer."""
        text = text if isinstance(text, str) else str(text or "")
        try:
            return canonicalize(self._arguments(text), self.catalog)
        except Rejected as e:
            reason = str(e)
        except Exception as e:  # never let an LLM problem fail the chat turn
            reason = f"internal error: {type(e).__name__}"
            log.debug("LLM parser internal error", exc_info=True)
        reason = self._redact(reason)
        log.warning("LLM parser fell back to the rules: %s", reason)
        return replace(self.fallback.parse(text), parser=FALLBACK, fallback_reason=reason)

    def _arguments(self, text: str) -> dict:
        """Call the API within the wall-clock deadline; return the tool arguments."""
        future = _executor().submit(self._post, text)
        try:
            reply = future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            raise Rejected(f"timeout after {self.timeout:g} s") from None
        message = _message(reply)
        calls = message.get("tool_calls") or []
        if calls:                           # detected by tool_calls, not finish_reason
            call = calls[0] if isinstance(calls, list) else None
            fn = call.get("function") if isinstance(call, dict) else None
            if not isinstance(fn, dict):
                raise Rejected("bad response: malformed tool_calls")
            if fn.get("name") != TOOL_NAME:
                raise Rejected(f"unexpected tool {str(fn.get('name'))[:40]!r}")
            return decode_arguments(fn.get("arguments"))
        content = message.get("content")
        if isinstance(content, str) and content.strip():
            return arguments_from_content(content)
        raise Rejected("no tool call (empty reply)")

    def _post(self, text: str) -> dict:
        """One HTTP round trip (runs in a worker thread). Raises Rejected."""
        body = json.dumps({
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                         {"role": "user", "content": text}],
            "tools": [self._tool],
            "temperature": 0,
            "stream": False,
        }).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.__key:
            headers["Authorization"] = f"Bearer {self.__key}"
        request = urllib.request.Request(f"{self.base_url}/chat/completions", data=body,
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_REPLY + 1)
        except urllib.error.HTTPError as e:
            raise Rejected(f"http {e.code}: {_error_detail(e)}") from None
        except urllib.error.URLError as e:
            raise Rejected(_connection_reason(e.reason, self.timeout)) from None
        except (TimeoutError, socket.timeout):
            raise Rejected(f"timeout after {self.timeout:g} s") from None
        except (ConnectionError, OSError) as e:
            raise Rejected(_connection_reason(e, self.timeout)) from None
        if len(raw) > _MAX_REPLY:
            raise Rejected("bad response: reply too large")
        try:
            reply = json.loads(raw)
        except ValueError:
            raise Rejected("bad response: not JSON") from None
        if not isinstance(reply, dict):
            raise Rejected("bad response: not a JSON object")
        return reply

    def _redact(self, reason: str) -> str:
        """A server may echo the request; the key must not travel on in a reason."""
        key = self.__key
        return reason.replace(key, "[redacted]") if key and key in reason else reason


def _message(reply: dict) -> dict:
    choices = reply.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise Rejected("bad response: no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise Rejected("bad response: no message")
    return message


def _connection_reason(err, timeout: float) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, (TimeoutError, socket.timeout)):
        return f"timeout after {timeout:g} s"
    return f"connection error: {type(err).__name__}"


def _error_detail(e: urllib.error.HTTPError) -> str:
    """The server's error message (OpenAI/Ollama: {"error": {"message": ...}}), short."""
    try:
        raw = e.read(4096).decode("utf-8", "replace")
    except Exception:
        raw = ""
    detail = raw
    try:
        obj = json.loads(raw)
        err = obj.get("error", obj) if isinstance(obj, dict) else obj
        detail = err.get("message", err) if isinstance(err, dict) else err
    except ValueError:
        pass
    detail = " ".join(str(detail).split()) or (e.reason or "")
    return detail[:160]
