"""Query -> route table (DESIGN §3) -> Reply.

`Dispatcher(bundle)` precomputes at build time everything a turn would otherwise
redo (item metadata as plain Python, popularity scores, mean/count per item, a
"liked" item x user matrix for co-like reasons), so a turn is a few vector
operations. It is pure with respect to storage: it reads a `SessionState` and
returns the `TurnEffects` the service then commits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from chatrec import replies
from chatrec.bundle import Bundle
from chatrec.reasons import Reasons
from chatrec.sessions import SessionState, TurnEffects
from intents.query import DEFAULT_K, MAX_K, MIN_K, Intent, Query
from models.errors import PredictionImpossible, UnknownItem
from models.ranking import top_k

LIKED = 4.0            # a rating at or above this counts as "liked"
LIST_INTENTS = ("similar", "recommend", "popular")


@dataclass
class Reply:
    text: str
    items: list[dict] = field(default_factory=list)
    effects: TurnEffects = field(default_factory=TurnEffects)


@dataclass
class Context:
    """Who is asking: a dataset user index and/or the session's ratings (indices)."""

    user_index: int | None = None
    user_label: object = None          # the user id as given, for messages
    unknown_user: bool = False          # a user id was given but is not in the data
    profile: dict[int, float] = field(default_factory=dict)  # session ratings
    shown: set[int] = field(default_factory=set)


def _sentence(text: str) -> str:
    """Upper-case the first letter only ('sci-Fi' stays 'Sci-Fi', not 'Sci-fi')."""
    return text[:1].upper() + text[1:]


def _native(x):
    """numpy scalar -> Python scalar so replies serialise as JSON."""
    return x.item() if isinstance(x, np.generic) else x


class Dispatcher:
    """Routes a Query to the bundle's models and words the reply."""

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        cat, rat = bundle.catalog, bundle.ratings
        self.catalog, self.ratings = cat, rat
        n = len(cat)
        self.item_ids = [_native(x) for x in cat.item_ids.tolist()]
        self.titles = [str(t) for t in cat.titles.tolist()]
        self.years = [int(y) or None for y in cat.years.tolist()]
        self.genres = [[g for g in gs if g != "unknown"] for gs in cat.genres]
        self.display = [cat.display(i) for i in range(n)]
        # the popular route's model: its scores, and the mean/count behind each reason
        self.popular = bundle.route("popular")
        self.pop_scores = self.popular.score_profile(np.empty(0, np.int64), np.empty(0))
        self.counts = np.asarray(self.popular.counts, dtype=np.int64)
        self.means = self.popular.means
        self.reasons = Reasons(cat, rat, self.display, self.genres, LIKED)
        # the similar-route model's vectors cost milliseconds each; `more`, repeated
        # seeds and reasons reuse them (lru_cache is thread-safe)
        self.similarity = lru_cache(maxsize=256)(self._similarity)
        order = np.lexsort((np.arange(n), -self.counts))
        self.example_titles = [self.titles[i] for i in order[:2]]
        self.genre_names = list(cat.genre_names)

    # ---- precomputation ------------------------------------------------------------
    def _similarity(self, item: int) -> np.ndarray:
        v = np.asarray(self.bundle.route("similar").item_similarity(item), dtype=np.float64)
        v.flags.writeable = False  # shared by the cache: nobody may modify it
        return v

    # ---- entry point -----------------------------------------------------------------
    def handle(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        intent = query.intent.value if isinstance(query.intent, Intent) else str(query.intent)
        if (query.item_id is None and query.candidates
                and intent not in ("more", "help", "greet")):
            return Reply(self._did_you_mean(query))
        if intent in LIST_INTENTS:
            req = {"intent": intent, "item_id": _native(query.item_id),
                   "genre": query.genre, "k": int(query.k)}
            reply = self.ranked_list(req, ctx, exclude_shown=False)
            if reply.items:
                reply.effects.set_last_query = True
                reply.effects.last_query, reply.effects.page = req, 1
        elif intent == "more":
            reply = self._more(query, state, ctx)
        elif intent == "rate":
            reply = self._rate(query)
        elif intent == "help":
            reply = Reply(replies.help_text(self.example_titles, self.genre_names))
        elif intent == "greet":
            reply = Reply(replies.greet_text(self.example_titles))
        else:
            reply = Reply(replies.unknown_text(self.example_titles))
        if query.k_requested is not None and reply.items:
            reply.text = replies.clamp_note(query.k_requested, MIN_K, MAX_K) + " " \
                + reply.text
        reply.effects.shown = [str(it["item_id"]) for it in reply.items]
        return reply

    # ---- intents -----------------------------------------------------------------------
    def _did_you_mean(self, query: Query) -> str:
        names = []
        for c in query.candidates[:3]:
            try:
                names.append(self.display[self.catalog.index_of(c.item_id)])
            except UnknownItem:
                names.append(str(c.title))
        return replies.did_you_mean(names)

    def _more(self, query: Query, state: SessionState, ctx: Context) -> Reply:
        last = state.last_query
        if not last or last.get("intent") not in LIST_INTENTS:
            return Reply("There is no list to continue yet. Try: "
                         + replies.examples(self.example_titles) + ".")
        # "show me more" keeps the last list's size; "3 more" asks for 3
        k = int(query.k) if query.k != DEFAULT_K or query.k_requested else int(last["k"])
        reply = self.ranked_list(dict(last, k=k), ctx, exclude_shown=True, more=True)
        if reply.items:
            reply.effects.page = state.page + 1
        return reply

    def _rate(self, query: Query) -> Reply:
        if query.item_id is None:
            return Reply("Which film? Tell me like this: 'I loved "
                         f"{self.example_titles[-1] if self.example_titles else 'Fargo'}' "
                         "or 'rate Fargo 4 stars'.")
        i = self.catalog.index_of(query.item_id)
        lo, hi = self.ratings.scale
        value = float(query.rating) if query.rating is not None else LIKED
        value = min(hi, max(lo, value))
        reply = Reply(f"Noted: you rated {self.display[i]} {value:g}/{hi:g}. "
                      "Ask 'recommend something' for picks that use it.")
        reply.effects.rating = (str(self.item_ids[i]), value)
        return reply

    # ---- lists -----------------------------------------------------------------------------
    def ranked_list(self, req: dict, ctx: Context, exclude_shown: bool,
                    more: bool = False) -> Reply:
        """A similar / recommend / popular list for `req` ({"intent", "k", "genre"?,
        "item_id"?}); with exclude_shown, never a film the session was already shown."""
        k, genre = int(req["k"]), req.get("genre")
        allowed = self.catalog.genre_mask(genre)
        shown = np.fromiter(ctx.shown, dtype=np.int64) if exclude_shown else None
        what = f"{genre} films" if genre else "films"
        lead = "more " if more else ""
        intent = req["intent"]
        if intent == "similar":
            if req.get("item_id") is None:
                return Reply("Which film should I match? e.g. 'movies like "
                             f"{self.example_titles[0] if self.example_titles else 'Alien'}'.")
            seed = self.catalog.index_of(req["item_id"])
            mask = np.ones(len(self.catalog), bool) if allowed is None else allowed.copy()
            if shown is not None and shown.size:
                mask[shown] = False
            mask[seed] = False
            idx, scores = top_k(self.similarity(seed), k, allowed=mask)
            reasons = self.reasons.similar(seed, idx)
            text = _sentence(f"{lead}{what} like {self.display[seed]}:")
            return self._items(idx, scores, reasons, text, f"No more {what} like "
                               f"{self.display[seed]}.")
        if intent == "recommend" and (ctx.user_index is not None or ctx.profile):
            return self._personal(k, allowed, shown, ctx, what, lead)
        idx, scores = self._popular(k, allowed, shown)
        reasons = [self.popular.reason(i) for i in idx.tolist()]
        if intent == "recommend":
            who = (f"User {ctx.user_label} is not in the ratings. " if ctx.unknown_user else "")
            hint = replies.PERSONAL_HINT.format(
                example=self.example_titles[-1] if self.example_titles else "Fargo")
            text = f"{who}{_sentence(lead + 'popular ' + what)} to start with. {hint}"
        else:
            text = _sentence(f"{lead}top-rated {what}:")
        return self._items(idx, scores, reasons, text, f"No more {what} to show.")

    def _popular(self, k, allowed, exclude):
        return top_k(self.pop_scores, k, exclude=exclude, allowed=allowed)

    def _personal(self, k, allowed, shown, ctx: Context, what: str, lead: str) -> Reply:
        """MF ranking for a dataset user; fold-in of the session's ratings (merged with
        the user's own when both exist); excludes everything the user rated."""
        model = self.bundle.route("recommend")
        profile: dict[int, float] = {}
        if ctx.user_index is not None:
            items, values = self.ratings.user_items(ctx.user_index)
            profile.update(zip(items.tolist(), values.tolist()))
        profile.update(ctx.profile)  # the session's word wins over the dataset's
        items = np.fromiter(profile.keys(), dtype=np.int64, count=len(profile))
        exclude = items if shown is None or not shown.size else np.concatenate([items, shown])
        values = np.fromiter(profile.values(), dtype=np.float64, count=len(profile))
        try:
            if ctx.profile or ctx.user_index is None:
                idx, scores = model.recommend(k=k, exclude=exclude, allowed=allowed,
                                              profile=(items, values))
            else:
                idx, scores = model.recommend(ctx.user_index, k=k, exclude=exclude,
                                              allowed=allowed)
        except PredictionImpossible:
            if ctx.user_index is not None and not ctx.profile:
                raise
            idx, scores = self._content_fold_in(items, values, k, exclude, allowed)
        reasons = self.reasons.because(idx, items, values)
        who = f"user {ctx.user_label}" if ctx.user_index is not None else "you"
        text = _sentence(f"{lead}picks for {who}" + (f" ({what})" if what != "films" else "") + ":")
        return self._items(idx, scores, reasons, text, f"No more {what} to recommend.")

    def _content_fold_in(self, items, values, k, exclude, allowed):
        """Fallback when the recommend model cannot fold in: similarity to liked films
        minus similarity to disliked ones."""
        scores = np.zeros(len(self.catalog))
        centre = (self.ratings.scale[0] + self.ratings.scale[1]) / 2
        for i, v in zip(items.tolist(), values.tolist()):
            scores += (v - centre) * self.similarity(int(i))
        return top_k(scores, k, exclude=exclude, allowed=allowed)

    # ---- reasons and items ---------------------------------------------------------------
    def _items(self, idx, scores, reasons, text: str, empty_text: str) -> Reply:
        items = [self.item_dict(i) | {"score": round(float(s), 4) if math.isfinite(s) else 0.0,
                                      "reason": why}
                 for i, s, why in zip(idx.tolist(), np.asarray(scores).tolist(), reasons)]
        return Reply(text if items else empty_text, items)

    def item_dict(self, i: int) -> dict:
        """Metadata of item index i (used by search and session views)."""
        return {"item_id": self.item_ids[i], "title": self.titles[i], "year": self.years[i],
                "genres": list(self.genres[i])}
