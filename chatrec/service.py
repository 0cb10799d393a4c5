"""The facade every front door (ask, chat, HTTP, web page) uses.

`ChatService.turn(message, session_id, user_id)` validates its input, loads the
session, parses the message into a Query, dispatches it, commits the turn's effects
and returns exactly the `POST /chat` body. Validation failures raise the typed
errors of chatrec.errors, which each front door translates in one place.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from chatrec.conversation.checklist.offer import enabled as checklist_enabled
from chatrec.conversation.dispatch import Context, Dispatcher
from chatrec.conversation.experiments import Experiments
from chatrec.conversation.search import TitleSearch
from chatrec.errors import NotFound, UsageError
from chatrec.parsers import parse_in_context, parser_blocks, title_catalog
from chatrec.sessions.factory import open_store
from chatrec.sessions.state import (
    SessionState,
    TurnEffects,
    new_session_id,
    validate_session_id,
)
from chatrec.sessions.store import SessionStore
from chatrec.training.bundle import Bundle
from chatrec.training.warmup import warm_up_routes
from intents.query import MAX_K, MIN_K
from models.errors import UnknownItem, UnknownUser

MAX_MESSAGE = 2000
MAX_USER_ID = 64
SEARCH_LIMIT = 20
TRANSCRIPT_SHOWN = 20      # turns of transcript GET /sessions/{id} returns
UNSET = object()           # "no user_id given" as opposed to an explicit None


def validate_message(message) -> str:
    if not isinstance(message, str):
        raise UsageError("message must be a string")
    if not message.strip():
        raise UsageError("message is empty: type a request such as 'movies like Alien'")
    if len(message) > MAX_MESSAGE:
        raise UsageError(f"message is too long ({len(message)} characters; at most "
                         f"{MAX_MESSAGE})")
    return message


def validate_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not MIN_K <= k <= MAX_K:
        raise UsageError(f"k must be an integer from {MIN_K} to {MAX_K}, got {k!r}")
    return int(k)


def normalize_user_id(user_id) -> int | str | None:
    """None, an int, or a non-empty string of at most 64 characters."""
    if user_id is None:
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, (int, str, np.integer)):
        raise UsageError("user id must be an integer or a string")
    if isinstance(user_id, np.integer):
        return int(user_id)
    if isinstance(user_id, str):
        user_id = user_id.strip()
        if not user_id or len(user_id) > MAX_USER_ID:
            raise UsageError(f"user id must be 1-{MAX_USER_ID} characters")
    return user_id


def parse_user_id(text: str) -> int | str:
    """A user id typed on the command line or in the REPL: dataset user ids are ints
    for MovieLens ('42' -> 42, as the JSON API sends them), strings for other data."""
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def jsonable(x):
    """Query dicts may hold numpy scalars or NaN: make them plain JSON values."""
    t = type(x)
    if x is None or t is str or t is int or t is bool:   # most values: nothing to do
        return x
    if t is dict:                   # the exact types first: a turn converts ~40 values
        return {k if type(k) is str else str(k): jsonable(v) for k, v in x.items()}
    if t is list:
        return [jsonable(v) for v in x]
    if t is float:
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    return x if x is None or isinstance(x, (str, int, bool)) else str(x)


class ChatService:
    """Chat turns and the read-only queries of the HTTP API."""

    def __init__(self, bundle: Bundle, parser, sessions: SessionStore,
                 client_session_ids: bool = False,
                 experiments: Experiments | None = None, checklist: bool = True):
        self.bundle, self.parser, self.sessions = bundle, parser, sessions
        self.experiments = (experiments or Experiments()).check(bundle.models)
        self.dispatcher = Dispatcher(bundle, checklist=checklist)
        self.parser_blocks = parser_blocks(parser)
        # True: an unknown session id starts a session under that name (the CLI, and
        # `serve --client-session-ids`); False: only ids this service issued are valid
        self.client_session_ids = client_session_ids
        self._view = title_catalog(bundle.catalog, bundle.ratings)   # cached, shared
        self._search: TitleSearch | None = None     # built on the first search

    # ---- chat ---------------------------------------------------------------------
    def turn(self, message: str, session_id: str | None = None,
             user_id=UNSET, owner: str | None = None, panel: bool = False) -> dict:
        """One chat turn -> {"session_id", "reply", "query", "items", "checklist"}.

        user_id: a dataset user for personal picks (kept by the session); an explicit
        None forgets the session's user; leaving it out keeps whatever the session has.
        owner: who is asking (the API key's owner id, see chatrec/server/access.py).
        panel: the client draws a checklist as a panel of marks (the web page)."""
        message = validate_message(message)
        drop_user = user_id is None
        user_id = None if user_id is UNSET else normalize_user_id(user_id)
        sid, state = self._session_for_turn(session_id, owner)
        who = None if drop_user else (user_id if user_id is not None else state.user_id)
        ctx = self._context(who, state)
        ctx.routes = self.experiments.assign(sid)  # A/B arms, sticky per session
        ctx.panel = bool(panel)
        query = parse_in_context(self.parser, message, state, self._view)
        if state.exists and self.dispatcher.reads_transcript(query):   # an earlier list
            state.transcript = self.sessions.get(sid, transcript=TRANSCRIPT_SHOWN).transcript
        reply = self.dispatcher.handle(query, state, ctx)
        effects: TurnEffects = reply.effects
        if (user_id is not None and user_id != state.user_id) or \
                (drop_user and state.user_id is not None):
            effects.user_id, effects.set_user = user_id, True
        body = {"session_id": sid, "reply": reply.text,
                "query": jsonable(query.to_dict()), "items": reply.items,
                "checklist": reply.checklist}
        effects.transcript = {"message": message, "reply": reply.text,
                              "intent": body["query"]["intent"],
                              "items": jsonable(reply.items), "checklist": reply.checklist}
        if ctx.routes:
            body["query"]["arm"] = effects.transcript["arm"] = ctx.routes
        self.sessions.apply(sid, effects, owner=owner)
        return body

    def warm_up(self) -> None:
        """Each route's model and first-use caches, built before the first request by
        one scratch turn per route, never stored (chatrec/training/warmup.py)."""
        def scratch(message: str, user) -> None:
            state = SessionState(id="warm-up")
            self.dispatcher.handle(parse_in_context(self.parser, message, state, self._view),
                                   state, self._context(user, state))
        warm_up_routes(self.bundle, None if self.parser_blocks else scratch)

    def _context(self, user_id, state: SessionState) -> Context:
        ctx = Context(user_label=user_id, tastes=dict(state.tastes))
        if user_id is not None:
            try:
                ctx.user_index = self.bundle.ratings.index_of(user_id)
            except UnknownUser:
                ctx.unknown_user = True
        index_of = self.bundle.item_index   # catalog.index_of, remembered
        for item, value in state.ratings.items():
            try:
                ctx.profile[index_of(item)] = value
            except UnknownItem:
                continue  # rated under another dataset: not usable here
        for source, target in ((state.shown, ctx.shown), (state.seen, ctx.seen)):
            for item in source:
                try:
                    target.add(index_of(item))
                except UnknownItem:
                    continue
        return ctx

    # ---- session ownership -------------------------------------------------------------
    def _session_for_turn(self, session_id: str | None, owner) -> tuple[str, SessionState]:
        """A new server-issued id when none is given. A given id must name a session of
        this owner; an unknown one is NotFound unless client_session_ids allows creating
        it (another owner's session is unknown too: its existence is not revealed)."""
        if session_id is None:
            sid = new_session_id()  # 128 random bits: nothing stored under it yet
            return sid, SessionState(id=sid)
        sid = validate_session_id(session_id)
        state = self.sessions.load(sid)
        if (state.exists and state.owner == owner) or \
                (not state.exists and self.client_session_ids):
            return sid, state
        raise NotFound(f"unknown session {sid!r}: leave session_id out to start a new "
                       "conversation (ids are issued by the server)")

    def _own_session(self, session_id: str, owner, transcript: int = 0) -> SessionState:
        state = self.sessions.get(validate_session_id(session_id), transcript=transcript)
        if state.owner != owner:
            raise NotFound(f"no session {session_id!r}")
        return state

    # ---- sessions ---------------------------------------------------------------------
    def get_session(self, session_id: str, transcript: int = TRANSCRIPT_SHOWN,
                    owner: str | None = None) -> dict:
        """{"session_id", "user_id", "ratings", "seen", "turns", "transcript"}: the
        films rated and seen, and the last `transcript` turns (message, reply, films)."""
        state = self._own_session(session_id, owner, transcript)
        facts = self.dispatcher.facts

        def film(item) -> dict:
            try:
                i = self.bundle.catalog.index_of(item)
                return {"item_id": facts.item_ids[i], "title": facts.titles[i]}
            except UnknownItem:
                return {"item_id": item, "title": None}

        return {"session_id": state.id, "user_id": state.user_id,
                "ratings": [film(item) | {"rating": value}
                            for item, value in state.ratings.items()],
                "seen": [film(item) for item in sorted(state.seen)],
                "turns": state.turns, "transcript": state.transcript}

    def delete_session(self, session_id: str, owner: str | None = None) -> bool:
        """Forget a session of `owner`; False if there was none."""
        return self.sessions.delete(validate_session_id(session_id), owner=owner)

    # ---- direct queries -------------------------------------------------------------------
    def recommend_for_user(self, user_id, k: int = 10) -> dict:
        """Personal picks for a dataset user. Raises UnknownUser, UsageError."""
        k = validate_k(k)
        user_id = normalize_user_id(user_id)
        if user_id is None:
            raise UsageError("a user id is required")
        u = self.bundle.ratings.index_of(user_id)
        ctx = Context(user_index=u, user_label=user_id)
        reply = self.dispatcher.lists.make({"intent": "recommend", "k": k}, ctx)
        return {"user_id": jsonable(self.bundle.ratings.user_ids[u]),
                "items": reply.items}

    def similar_items(self, item_id, k: int = 10) -> dict:
        """Films like one item. Raises UnknownItem, UsageError."""
        k = validate_k(k)
        i = self.bundle.catalog.index_of(item_id)
        facts = self.dispatcher.facts
        reply = self.dispatcher.lists.make(
            {"intent": "similar", "item_ids": [facts.item_ids[i]], "k": k}, Context())
        return {"item": facts.item(i), "items": reply.items}

    def search_items(self, text: str | None, limit: int = SEARCH_LIMIT) -> dict:
        """Catalog items whose title matches `text` as the chat would match it, plus
        titles that contain what was typed so far (chatrec/conversation/search.py); with no text,
        the most-rated items."""
        limit = validate_k(limit)
        if len(text or "") > MAX_MESSAGE:
            raise UsageError(f"search text is too long (at most {MAX_MESSAGE} characters)")
        if self._search is None:
            self._search = TitleSearch(self._view)
        d = self.dispatcher.facts
        return {"search": text or "", "items": [
            dict(d.item(i), ratings=int(d.counts[i]), average=round(float(d.means[i]), 2))
            for i in self._search.find(text or "", limit)]}

    def health(self) -> dict:
        """The models, the parser and the sessions store; status "ok", "degraded"
        (reads work, writes fail: a full disk, a read-only file) or "unavailable" (the
        store cannot be used); the HTTP app answers 503 unless "ok"."""
        b = self.bundle
        store = self.sessions.check()
        status = "ok" if store.ok else \
            "degraded" if getattr(store, "degraded", False) else "unavailable"
        return {"status": status, "dataset": b.dataset, "noun": b.noun,
                "items": len(b.catalog),
                "users": int(b.ratings.n_users), "ratings": len(b.ratings),
                "models": sorted(b.models), "routes": dict(b.routes),
                "parser": getattr(self.parser, "name", type(self.parser).__name__),
                "sessions": {"ok": store.ok, "backend": store.backend,
                             "detail": store.detail}}


def build_service(dataset: str | None = None, parser_spec: str | None = None,
                  progress: Callable | None = None, sessions_path=None,
                  client_session_ids: bool = False) -> ChatService:
    """Load (on first run: fetch, and train the routes' models, reporting progress) the
    bundle, build the parser, open the sessions store (`sessions_path`, else
    $CHATREC_SESSIONS_URL, else the data home's SQLite file)."""
    from chatrec.data.home import artifacts_dir
    from chatrec.parsers import build_parser
    from chatrec.training.title_index import use_cached_title_index
    from chatrec.training.trainer import load_or_train
    from chatrec.training.warmup import single_thread_blas

    experiments = Experiments.from_env()  # a start trains the routes' models and the arms
    bundle = load_or_train(dataset=dataset, progress=progress, routes_only=True,
                           extra=[m for e in experiments.by_route.values() for m, _ in e.arms])
    view = title_catalog(bundle.catalog, bundle.ratings)
    use_cached_title_index(view, artifacts_dir(bundle.dataset))
    parser = build_parser(parser_spec, view)
    experiments.check(bundle.models)  # before opening the store
    checklist = checklist_enabled()
    single_thread_blas()
    return ChatService(bundle, parser, open_store(sessions_path),
                       client_session_ids=client_session_ids, experiments=experiments,
                       checklist=checklist)


__all__ = ["ChatService", "build_service", "NotFound", "validate_message"]
