"""Who may talk to `chatrec serve`: API keys (optional) and trusted Host headers.

API keys: CHATREC_API_KEYS="key1,key2". When set, every data endpoint needs
`Authorization: Bearer <key>` (else 401), and a session belongs to the key that created
it: the store records an *owner* derived from the key (a hash prefix, never the key),
and to any other key the session does not exist. Without keys every caller is the
same owner (None), as the CLI is. With `--client-session-ids` too, the ids clients
choose are scoped by key (`in_scope`): two keys saying "alice" have two sessions, and
the answer never depends on whether another key uses the id.

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
from functools import partial

from chatrec.errors import NotFound, Unauthorized, UsageError
from chatrec.sessions.store import stored_session_id

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_BINDS = ("0.0.0.0", "::", "")


class ApiKeys:
    """The configured keys, kept only as SHA-256 digests."""

    def __init__(self, keys=()):
        self._digests = [_digest(k) for k in keys if k]

    @classmethod
    def from_env(cls, env=None) -> "ApiKeys":
        """The keys in $CHATREC_API_KEYS. Set but holding no key (",", " ") is a
        UsageError: taken as "no keys", it would leave the server open by accident."""
        raw = (os.environ if env is None else env).get("CHATREC_API_KEYS", "")
        keys = cls(k.strip() for k in raw.split(","))
        if raw and not keys.enabled:
            raise UsageError(f"CHATREC_API_KEYS is set ({raw!r}) but holds no key: give "
                             "comma-separated keys, or unset it to run without keys")
        return keys

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
            # compare with every key: the time taken does not say which one matched
            for digest in _token_digests(token):
                if sum(hmac.compare_digest(digest, d) for d in self._digests):
                    return "key:" + digest.hex()[:32]
        raise Unauthorized("this server needs an API key: send 'Authorization: Bearer <key>'")


def _digest(key: str | bytes) -> bytes:
    return hashlib.sha256(key.encode() if isinstance(key, str) else key).digest()


def _token_digests(token: str) -> list[bytes]:
    """Digests of what the client may have meant. Header values reach the app decoded
    as latin-1 (one character per byte), so a key sent as UTF-8 ("clé" as curl sends
    it) is the token's latin-1 bytes; a browser's fetch() sends characters up to U+00FF
    as single bytes, which is the token itself as UTF-8. ASCII keys are the same both
    ways (one digest)."""
    try:
        raw = token.encode("latin-1")
    except UnicodeEncodeError:  # not from a header: already the key's characters
        return [_digest(token)]
    return [_digest(raw)] if raw.isascii() else [_digest(raw), _digest(token)]


def in_scope(svc, owner: str | None, session_id: str | None, call):
    """A function for the thread or loop that runs it: `call(id)` with the id under which
    the store keeps the client's `session_id` for this owner, and the client's own id
    put back in the answer and in a 404 (chatrec/sessions/store.stored_session_id).
    Plain `call(session_id)` unless clients choose ids and keys are on."""
    if session_id is None or owner is None or not svc.client_session_ids:
        return partial(call, session_id)

    def run():
        try:
            result = call(stored_session_id(svc.sessions, session_id, owner))
        except NotFound:
            raise NotFound(f"no session {session_id!r}") from None
        if isinstance(result, dict) and "session_id" in result:
            result["session_id"] = session_id
        return result
    return run


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
