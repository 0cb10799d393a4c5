"""The operator's knobs for `chatrec serve`: one `ServerSettings`, filled from flags or
from the environment (flags win), and handed to uvicorn workers through the environment.

Durations are written `90`, `90s`, `15m`, `12h` or `30d`; sizes `65536`, `64k`, `1m`.

A value that would switch a safety feature off by accident is refused at start with a
UsageError (issue 18), never taken quietly: a key list with no usable key (`","`, `" "`:
the server would run open), a session TTL under MIN_SESSION_TTL (`--session-ttl 0`
deleted every session at the first sweep), zero or negative limits and timeouts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

from chatrec.errors import UsageError
from chatrec.server.access import ApiKeys
from chatrec.sessions.factory import MIN_SESSION_TTL
from chatrec.units import DAY, parse_duration, parse_size


@dataclass(frozen=True)
class ServerSettings:
    """Limits, timeouts and access rules of the HTTP service (README, "Configuration").

    Each field has an environment variable (ENV below); `chatrec serve` flags override
    them and are passed on to worker processes the same way."""

    max_body: int = 64 * 1024          # bytes of request body; more is a 413
    body_timeout: float = 10.0         # seconds to receive a whole body; else 408
    header_timeout: float = 5.0        # seconds to receive the request line and headers
    keep_alive: float = 5.0            # idle seconds between requests on one connection
    limit_concurrency: int = 1000      # connections + requests at once; more get a 503
    backlog: int = 2048                # pending connections the kernel queues
    client_session_ids: bool = False   # accept session ids the server never issued
    trusted_hosts: tuple[str, ...] = ()  # Host headers accepted; () = every host
    session_ttl: float = 30 * DAY      # idle seconds before a session is deleted
    sweep_every: float = 3600.0        # seconds between expiry sweeps
    public_report: bool = False        # /report open even when API keys are set

    ENV = {
        "max_body": "CHATREC_MAX_BODY", "body_timeout": "CHATREC_BODY_TIMEOUT",
        "header_timeout": "CHATREC_HEADER_TIMEOUT", "keep_alive": "CHATREC_KEEP_ALIVE",
        "limit_concurrency": "CHATREC_LIMIT_CONCURRENCY", "backlog": "CHATREC_BACKLOG",
        "client_session_ids": "CHATREC_CLIENT_SESSION_IDS",
        "trusted_hosts": "CHATREC_TRUSTED_HOSTS", "session_ttl": "CHATREC_SESSION_TTL",
        "sweep_every": "CHATREC_SESSION_SWEEP", "public_report": "CHATREC_PUBLIC_REPORT",
    }

    def __post_init__(self):
        if self.max_body < 1024:
            raise UsageError(f"--max-body must be at least 1k, got {self.max_body}")
        for name in ("body_timeout", "header_timeout", "keep_alive", "sweep_every"):
            if getattr(self, name) <= 0:
                raise UsageError(f"--{name.replace('_', '-')} must be positive")
        if self.limit_concurrency < 1 or self.backlog < 1:
            raise UsageError("--limit-concurrency and --backlog must be at least 1")
        if self.session_ttl < MIN_SESSION_TTL:
            raise UsageError(
                f"--session-ttl (CHATREC_SESSION_TTL) must be at least "
                f"{MIN_SESSION_TTL:g} s (got {self.session_ttl:g} s): a shorter one deletes "
                "sessions while people are using them; to clear sessions now, run "
                "'chatrec sessions prune --ttl 0s'")

    @classmethod
    def from_env(cls, env=None, **overrides) -> "ServerSettings":
        """Settings from the environment, then `overrides` (None values are ignored).
        Also refuses an API key list with no usable key (access.ApiKeys.from_env)."""
        env = os.environ if env is None else env
        ApiKeys.from_env(env)
        values = {}
        for f in fields(cls):
            raw = overrides.get(f.name)
            if raw is None:
                raw = env.get(cls.ENV[f.name])
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes `from_env()` in a worker return these settings."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[self.ENV[f.name]] = (",".join(value) if isinstance(value, tuple)
                                     else ("1" if value else "0") if isinstance(value, bool)
                                     else str(value))
        return out


def _convert(name: str, raw):
    flag = "--" + name.replace("_", "-")
    if name == "max_body":
        return parse_size(raw, flag)
    if name in ("limit_concurrency", "backlog"):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise UsageError(f"{flag} must be an integer, got {raw!r}") from None
    if name in ("client_session_ids", "public_report"):
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in (
            "1", "true", "yes", "on")
    if name == "trusted_hosts":
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
        return tuple(h.strip().lower() for h in items if h.strip())
    return parse_duration(raw, flag)
