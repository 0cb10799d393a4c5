"""Conversation state: what a turn reads (`SessionState`) and what it changes
(`TurnEffects`), with the session id rules. The interface every store implements is in
store.py, the back ends beside it, and `open_store` (which picks one) in factory.py.

Sessions are scoped by an `owner`: an opaque string the HTTP app derives from the API
key that created the session (None when no keys are configured, and for the CLI). A
session is only visible to its owner; to anyone else it does not exist.

A turn reads the state, computes its reply outside any transaction, then commits its
effects in one short transaction whose statements are idempotent merges, so two
concurrent turns on one session never lose each other's updates.
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from chatrec.errors import UsageError
from chatrec.units import DAY

#: what a session id may be; the HTTP schemas validate against the same pattern
SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
#: turns of transcript a store keeps per session (older ones are dropped)
TRANSCRIPT_KEEP = 100
#: idle time after which a session is deleted (CHATREC_SESSION_TTL overrides)
DEFAULT_TTL = 30 * DAY
#: how long a call waits for another writer's lock (CHATREC_SESSIONS_BUSY_TIMEOUT):
#: 1 s rides out many concurrent writers on a loaded machine (50 ms gave them 503s);
#: the HTTP app keeps a long external lock from costing every turn this wait
#: (chatrec/server/lock_gate.py)
DEFAULT_BUSY_TIMEOUT = 1.0


@dataclass
class SessionState:
    """What a turn needs to know about its conversation. Item ids are external ids
    as strings (the catalog resolves '42' and 42 alike).

    last_query: the last list request (a JSON-able dict), for `more` and `refine`.
    last_items: the ids of the films the last list showed, in order (for "the
        second one").
    pending: the open "did you mean" question: {"query": <the request that asked
        it, as a dict>, "candidates": [ids]}; or a write to confirm ({"confirm": <the
        request with its films, as a dict>}: "yes" makes it); "about_list": the reply
        asked about the last list (a position next still means it); None when nothing
        is pending.
    tastes: the genres heard so far, before any rating ("I like comedies"): genre ->
        net mentions (wished for +1 each, ruled out -1 each); the cold-start list
        leans on them (chatrec/conversation/tastes.py).
    checklist: the checklist turn a newcomer was shown (chatrec/conversation/checklist/):
        {"items": [ids in order], "open": numbers may still mean it, "answered": marks
        were given, "asked": the checklists so far (up to offer.TURNS), "panel": drawn as
        a panel, "before": the earlier checklists' ids}; None before one was shown.
    """

    id: str
    user_id: int | str | None = None
    ratings: dict[str, float] = field(default_factory=dict)  # insertion = rating order
    seen: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    last_query: dict | None = None
    last_items: list[str] = field(default_factory=list)
    page: int = 0
    pending: dict | None = None
    focus: str | None = None        # the film just talked about ("it", "that one")
    tastes: dict[str, float] = field(default_factory=dict)
    checklist: dict | None = None
    turns: int = 0
    created: float | None = None
    updated: float | None = None
    exists: bool = False
    owner: str | None = None   # who created it (see the module docstring)
    transcript: list[dict] = field(default_factory=list)  # filled by get(..., transcript=N)


@dataclass
class TurnEffects:
    """What a turn changes; applied in one short transaction.

    `pending` is written on every turn: a "did you mean" is open for one turn only.
    `transcript` is the turn as it should be shown again ({"message", "reply",
    "intent", "items"}); stores keep the last TRANSCRIPT_KEEP of them.
    `retract` takes back the ratings and seen marks of films (a correction: "I meant
    the 1962 one"); it is applied before this turn's own ratings and marks.
    `tastes` replaces the session's tastes when not None (the whole small dict: a
    concurrent turn's update may be overwritten, as `last_query` is).
    `checklist` replaces the session's checklist record when not None.
    """

    user_id: int | str | None = None
    set_user: bool = False
    ratings: list[tuple[str, float]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    retract: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    last_query: dict | None = None
    set_last_query: bool = False
    last_items: list[str] | None = None
    page: int | None = None
    pending: dict | None = None
    focus: str | None = None
    set_focus: bool = False
    tastes: dict[str, float] | None = None
    checklist: dict | None = None
    transcript: dict | None = None


def validate_session_id(session_id: str) -> str:
    """Return the id if it is 1-64 of [A-Za-z0-9_-], else raise UsageError."""
    if not isinstance(session_id, str) or not SESSION_ID_RE.fullmatch(session_id):
        raise UsageError(
            "invalid session id: use 1-64 characters from A-Z, a-z, 0-9, '_' and '-'"
        )
    return session_id


def scoped_id(session_id: str, owner: str | None) -> str:
    """The id under which a session id *chosen by a client* of `owner` is stored
    (`--client-session-ids` with API keys): two keys that both say "alice" get two
    sessions, and neither can tell whether the other uses the name. 'c' + 43 base64url
    characters of a SHA-256 over owner and id (within SESSION_ID_PATTERN; unguessable
    without the key, since the owner derives from it). Without an owner: the id."""
    if owner is None:
        return session_id
    digest = hashlib.sha256(f"{owner}\x00{session_id}".encode()).digest()
    return "c" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_session_id() -> str:
    """A random, URL-safe, unguessable id (22 chars of [A-Za-z0-9_-], 128 bits)."""
    return secrets.token_urlsafe(16)
