"""`LLMParser`: the message -> Query step done by an LLM with function calling, over the
OpenAI-compatible Chat Completions API (OpenAI, Ollama, vLLM, llama.cpp's server,
llama-cpp-python). `--parser llm-only` uses it alone; `--parser llm` puts it behind the
rule parser (intents/llm/cascade.py).

A chat turn never fails because the LLM did: on any failure the rule parser answers
and the Query says so — parser="llm-fallback" and fallback_reason one of
    timeout after N s | connection refused | connection error: ... | http NNN: ... |
    bad response: ... | no tool call (...) | reply cut at max_tokens (...) |
    tool arguments are not valid JSON | unknown intent '...' | unknown genre '...' |
    intent X without a title | guard: <kind>: ... | LLM skipped: circuit open ... |
    internal error: ...
An answer that parses is still only evidence: intents/llm/guards.py checks it against the
message before it is used. Resilience: a wall-clock deadline for the whole call
(intents/llm/transport.py), a circuit breaker after consecutive failures (intents/llm/breaker.py),
and an optional background warm-up call. The API key is sent only in the Authorization
header; every reason and log line is redacted before it is shortened (intents/llm/redact.py).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace

from intents.catalog import TitleCatalog
from intents.context import ConversationContext
from intents.errors import LLMRejected, ParserConfigError
from intents.llm.breaker import DEFAULT_COOLDOWN, DEFAULT_THRESHOLD, CircuitBreaker
from intents.llm.guards import guard
from intents.llm.redact import Redactor
from intents.llm.schema import SYSTEM_PROMPT, canonicalize, tool_definition
from intents.llm.transport import post_json
from intents.llm.wire import DEFAULT_MAX_TOKENS, read_call, request_body
from intents.query import Query
from intents.rules.parser import RuleParser

log = logging.getLogger(__name__)

ENV = {"base_url": "CHATREC_LLM_BASE_URL", "model": "CHATREC_LLM_MODEL",
       "api_key": "CHATREC_LLM_API_KEY", "timeout": "CHATREC_LLM_TIMEOUT",
       "max_tokens": "CHATREC_LLM_MAX_TOKENS", "failures": "CHATREC_LLM_BREAKER_FAILURES",
       "cooldown": "CHATREC_LLM_BREAKER_COOLDOWN"}
DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1"     # Ollama's OpenAI-compatible endpoint
DEFAULT_TIMEOUT = 8.0
WARM_UP_TIMEOUT = 180.0     # a cold CPU server reads the ~650-token prompt slowly
FALLBACK = "llm-fallback"
REASON_CHARS = 200


@dataclass
class Outcome:
    """One consultation of the LLM, for the parser and the bench."""

    query: Query | None                  # the guarded answer; None -> fall back
    reason: str | None = None            # why it fell back (redacted, short)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # guard drops
    called: bool = False                 # an HTTP call was made
    seconds: float = 0.0


class LLMParser:
    """Any object with parse(text) -> Query is a parser; this one asks an LLM."""

    name = "llm-only"
    blocking = True                      # waits on the network: run turns off the loop

    def __init__(self, catalog: TitleCatalog, *, base_url: str, model: str,
                 api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_tokens: int = DEFAULT_MAX_TOKENS, fallback=None,
                 breaker: CircuitBreaker | None = None) -> None:
        if not base_url or not model:
            raise ParserConfigError("the LLM parser needs a base URL and a model name")
        if timeout <= 0:
            raise ParserConfigError("the LLM timeout must be a positive number of seconds")
        if max_tokens < 16:
            raise ParserConfigError("the LLM max_tokens must be at least 16")
        self.catalog = catalog
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = float(timeout)
        self.max_tokens = int(max_tokens)
        self.fallback = fallback if fallback is not None else RuleParser(catalog)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self.__key = api_key or None                 # kept out of repr() and reasons
        self._redactor = Redactor(self.__key)
        self._tool = tool_definition(catalog)
        # warm the shared matchers now, not inside the first call's deadline
        catalog.titles_matcher, catalog.genres_matcher  # noqa: B018

    @classmethod
    def from_env(cls, catalog: TitleCatalog, environ=None) -> "LLMParser":
        """Settings from the CHATREC_LLM_* variables (docs/parsers.md)."""
        env = os.environ if environ is None else environ
        model = env.get(ENV["model"], "").strip()
        if not model:
            raise ParserConfigError(
                f"--parser llm needs {ENV['model']} (e.g. llama3.1 for Ollama) and "
                f"{ENV['base_url']} (default {DEFAULT_BASE_URL}); see docs/parsers.md")
        timeout = _number(env, "timeout", DEFAULT_TIMEOUT)
        max_tokens = int(_number(env, "max_tokens", DEFAULT_MAX_TOKENS))
        failures = int(_number(env, "failures", DEFAULT_THRESHOLD))
        cooldown = _number(env, "cooldown", DEFAULT_COOLDOWN)
        if failures < 1 or cooldown <= 0:
            raise ParserConfigError(f"{ENV['failures']} must be >= 1 and "
                                    f"{ENV['cooldown']} > 0 seconds")
        return cls(catalog, base_url=env.get(ENV["base_url"], "").strip() or DEFAULT_BASE_URL,
                   model=model, api_key=env.get(ENV["api_key"]) or None, timeout=timeout,
                   max_tokens=max_tokens, breaker=CircuitBreaker(failures, cooldown))

    def __repr__(self) -> str:
        return (f"LLMParser(base_url={self.base_url!r}, model={self.model!r}, "
                f"timeout={self.timeout}, api_key={'set' if self.__key else 'unset'})")

    # -- parse ------------------------------------------------------------------------
    def parse(self, text: str, context: ConversationContext | None = None) -> Query:
        """The LLM's guarded Query, or the rule parser's with the reason."""
        text = text if isinstance(text, str) else str(text or "")
        rules = self.fallback.parse(text)
        outcome = self.consult(text, rules, context)
        return outcome.query if outcome.query is not None else self.fell_back(rules, outcome)

    def fell_back(self, rules: Query, outcome: Outcome) -> Query:
        return replace(rules, parser=FALLBACK, fallback_reason=outcome.reason)

    def consult(self, text: str, rules: Query,
                context: ConversationContext | None = None) -> Outcome:
        """Ask the LLM about `text` and guard its answer against the message and the
        rules' reading `rules`. Never raises."""
        started = time.monotonic()
        outcome = Outcome(None)
        try:
            skip = self.breaker.before_call()
            if skip:
                outcome.reason = skip
            else:
                outcome.called = True
                args = self._call(text, context)
                verdict = guard(canonicalize(args, self.catalog), text, rules,
                                self.catalog, context)
                outcome.rejected = verdict.rejected
                if verdict.query is None:
                    outcome.reason = "guard: " + verdict.reason
                else:
                    outcome.query = verdict.query
        except LLMRejected as e:
            outcome.reason = str(e)
        except Exception as e:  # never let an LLM problem fail the chat turn
            outcome.reason = f"internal error: {type(e).__name__}"
            log.debug("LLM parser internal error: %s",
                      self._redactor.clean(f"{type(e).__name__}: {e}", 500))
        outcome.seconds = time.monotonic() - started
        if outcome.reason is not None:
            outcome.reason = self._redactor.clean(outcome.reason, REASON_CHARS)
            log.warning("LLM parser fell back to the rules: %s", outcome.reason)
        return outcome

    def _call(self, text: str, context: ConversationContext | None,
              timeout: float | None = None) -> dict:
        """One HTTP round trip within the wall-clock deadline; the tool arguments.
        Availability failures (not wrong answers) feed the circuit breaker."""
        timeout = self.timeout if timeout is None else timeout
        messages = [{"role": "system", "content": SYSTEM_PROMPT}]
        if context is not None and not context.empty:      # after the cached prefix
            messages.append({"role": "system", "content": context.describe()})
        messages.append({"role": "user", "content": text})
        headers = {"Authorization": f"Bearer {self.__key}"} if self.__key else {}
        try:
            reply = post_json(f"{self.base_url}/chat/completions",
                              request_body(self.model, messages, self._tool, self.max_tokens),
                              headers, time.monotonic() + timeout)
        except LLMRejected as e:
            reason = f"timeout after {timeout:g} s" if str(e) == "timeout" else str(e)
            self.breaker.record(False, self._redactor.clean(reason, 80))
            raise LLMRejected(reason) from None
        except Exception as e:           # a bug: still settle a half-open probe
            self.breaker.record(False, f"internal error: {type(e).__name__}")
            raise
        self.breaker.record(True)
        return read_call(reply)[0]

    def warm_up(self, block: bool = False) -> threading.Thread | None:
        """One call in the background so the server reads (and caches) the long,
        fixed prompt prefix before the first user waits for it. Its outcome only
        goes to the log."""
        def run() -> None:
            started = time.monotonic()
            try:
                self._call("hello", None, timeout=max(self.timeout, WARM_UP_TIMEOUT))
                log.info("LLM warm-up answered in %.1f s", time.monotonic() - started)
            except Exception as e:
                log.warning("LLM warm-up failed: %s", self._redactor.clean(str(e), 200))

        if block:
            run()
            return None
        thread = threading.Thread(target=run, name="chatrec-llm-warm-up", daemon=True)
        thread.start()
        return thread


def _number(env, key: str, default: float) -> float:
    raw = env.get(ENV[key], "").strip()
    try:
        return float(raw) if raw else float(default)
    except ValueError:
        raise ParserConfigError(f"{ENV[key]} must be a number, not {raw!r}") from None
