"""Who may talk to `chatrec serve`: API keys (optional) and trusted Host headers.

API keys: CHATREC_API_KEYS="key1,key2". When set, every data endpoint needs
`Authorization: Bearer <key>` (else 401), and a session belongs to the key that created
it: the store records an *owner* derived from the key (a hash prefix, never the key),
and to any other key the session does not exist. Without keys every caller is the
same owner (None), as the CLI is.

Trusted hosts: a browser page on another site can reach a server on localhost through
DNS rebinding, but its requests carry that site's name in `Host`. So by default only
the bind address and the loopback names are accepted (Starlette's
TrustedHostMiddleware answers 400 otherwise); `--trusted-hosts` / CHATREC_TRUSTED_HOSTS
widens the list, "*" turns the check off. A wildcard bind (0.0.0.0, ::) accepts every
host unless a list is given: the server is then meant to be reached under names it
cannot know.
"""
from __future__ import annotations

import hashlib
import hmac
import os

from chatrec.errors import Unauthorized

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_BINDS = ("0.0.0.0", "::", "")


class ApiKeys:
    """The configured keys, kept only as SHA-256 digests."""

    def __init__(self, keys=()):
        self._digests = [_digest(k) for k in keys if k]

    @classmethod
    def from_env(cls, env=None) -> "ApiKeys":
        raw = (os.environ if env is None else env).get("CHATREC_API_KEYS", "")
        return cls(k.strip() for k in raw.split(","))

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def owner(self, authorization: str | None) -> str | None:
        """The owner id for a request's Authorization header: None when no keys are
        configured; Unauthorized when they are and the header holds none of them."""
        if not self._digests:
            return None
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            digest = _digest(token)
            # compare with every key: the time taken does not say which one matched
            if sum(hmac.compare_digest(digest, d) for d in self._digests):
                return "key:" + digest.hex()[:32]
        raise Unauthorized("this server needs an API key: send 'Authorization: Bearer <key>'")


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def trusted_hosts(bind_host: str, extra=()) -> tuple[str, ...]:
    """The Host names to accept: `extra` when given ("*" = any); else the loopback names
    plus the bind address, or any host for a wildcard bind."""
    extra = tuple(h.strip().lower() for h in extra if h.strip())
    if extra:
        return ("*",) if "*" in extra else tuple(dict.fromkeys(LOOPBACK_HOSTS + extra))
    if bind_host in WILDCARD_BINDS:
        return ("*",)
    host = f"[{bind_host}]" if ":" in bind_host and not bind_host.startswith("[") \
        else bind_host
    return tuple(dict.fromkeys(LOOPBACK_HOSTS + (host.lower(),)))
