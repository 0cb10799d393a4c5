"""The list routes (DESIGN §3): films like one or more seeds, personal picks, top-rated
and most-watched — every one under the request's constraints, never offering a film
the session rated, marked seen or (for `more`) was already shown.

A list request is a plain dict, stored in the session as the last query:
    {"intent": "similar" | "recommend" | "popular", "k": int, "item_ids": [...],
     "rank_by": "rating" | "count" | "hidden" | None, "filter": Filter.to_dict(),
     "tastes": {genre: net mentions} (a cold-start list: what it leaned on)}
"hidden" keeps every route to the less-watched films (constraints.LessWatched): the
similar and personal routes rank them as always, the others by weighted average.
`ListMaker.make(request, ctx, more)` turns one into a `Reply` with a header that says
what was applied and a true reason per film.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from chatrec.conversation import replies
from chatrec.conversation.constraints import Filter, LessWatched
from chatrec.conversation.tastes import Starters, lean_reason, lean_text
from chatrec.training.score_memo import ScoreMemo, profile_key
from models.diversity import pool_size
from models.errors import PredictionImpossible
from models.ranking import top_k

LIKED = 4.0              # on a 1-5 scale: a rating at or above this is "liked"
DISLIKED = 2.0           # at or below this, "disliked": films close to it are pushed down
DISLIKE_WEIGHT = 3.0     # standard deviations of score a fully similar film loses
BECAUSE_MIN = 0.25       # similar-route similarity needed to say "because you liked X"
SEEN = 4.0               # a seen film counts as this (1-5) in a profile with no ratings
SEEN_BESIDE = 0.0        # ... and beside ratings (0: then a seen mark only excludes it)


@dataclass
class Context:
    """Who is asking: a dataset user index and/or the session's ratings (indices)."""

    user_index: int | None = None
    user_label: object = None          # the user id as given, for messages
    unknown_user: bool = False          # a user id was given but is not in the data
    profile: dict[int, float] = field(default_factory=dict)  # session ratings
    seen: set[int] = field(default_factory=set)
    shown: set[int] = field(default_factory=set)
    routes: dict[str, str] = field(default_factory=dict)  # A/B arm: route -> model
    tastes: dict[str, float] = field(default_factory=dict)  # genres heard (tastes.py)
    panel: bool = False        # the client draws a checklist as a panel (checklist/)


@dataclass
class Reply:
    text: str
    items: list[dict] = field(default_factory=list)


def scale_rating(value: float, scale: tuple[float, float]) -> float:
    """A 1..5 opinion on the data's scale (1-10 books, 0.5-5 half stars...)."""
    lo, hi = scale
    return float(lo + (min(5.0, max(1.0, value)) - 1.0) / 4.0 * (hi - lo))


class ListMaker:
    """Builds ranked lists from a trained bundle; `facts` gives item metadata."""

    def __init__(self, bundle, facts, similarity) -> None:
        self.bundle, self.facts, self.similarity = bundle, facts, similarity
        self.catalog, self.ratings = bundle.catalog, bundle.ratings
        self.popular = bundle.route("popular")
        self.pop_scores = self.popular.score_profile(np.empty(0, np.int64), np.empty(0))
        counts = np.asarray(self.popular.counts, dtype=np.float64)
        # IMDb-style weighted rating (facts.py): unrated films are never "top-rated"
        self.min_votes = facts.min_votes
        self.weighted = np.where(counts > 0, facts.weighted, -np.inf)
        # most watched: the count, the average breaking ties
        self.watched = counts + self.popular.means / 10.0
        self.years = np.asarray(self.catalog.years, dtype=np.int64)
        # "popular to start with": watched and liked, leaning to the genres heard
        self.starters = Starters(self.catalog, counts, self.popular.means,
                                 self.ratings.scale)
        self.duplicates = _duplicates(facts)
        self.less_watched = LessWatched(counts)
        lo, hi = self.ratings.scale
        self.liked_at, self.disliked_at = scale_rating(LIKED, (lo, hi)), \
            scale_rating(DISLIKED, (lo, hi))
        self.seen_value = scale_rating(SEEN, (lo, hi))
        self.memo = ScoreMemo(len(self.catalog))  # an asker's scores, for `more` & co.

    # ---- entry point ------------------------------------------------------------------
    def make(self, req: dict, ctx: Context, more: bool = False) -> Reply:
        flt = Filter.from_dict(req.get("filter"))
        f = self.facts
        problem = flt.problem(f.first_year, f.last_year, f.catalog_name)
        if problem:
            return Reply(problem)
        k = int(req["k"])
        allowed = flt.mask(self.catalog, self.years)
        if req.get("rank_by") == "hidden":            # "hidden gems", "less famous"
            allowed = self.less_watched.allowed(allowed)
        exclude = self._exclusions(ctx, more)
        intent = req["intent"]
        if intent == "similar":
            return self._similar(req, flt, k, allowed, exclude, more)
        if intent == "recommend" and (ctx.user_index is not None or ctx.profile or ctx.seen):
            return self._personal(req, flt, k, allowed, exclude, ctx, more)
        return self._popular(req, flt, k, allowed, exclude, ctx, more)

    def _exclusions(self, ctx: Context, more: bool) -> np.ndarray:
        """Rated and seen films always; with `more`, everything shown."""
        ids = set(ctx.profile) | set(ctx.seen) | self.duplicates
        if more:
            ids |= ctx.shown
        return np.fromiter(ids, dtype=np.int64, count=len(ids))

    # ---- similar ----------------------------------------------------------------------
    def _similar(self, req, flt, k, allowed, exclude, more) -> Reply:
        seeds = [self.catalog.index_of(i) for i in req.get("item_ids") or []]
        if not seeds:
            return Reply(f"Which {self.facts.noun_one} should I match? e.g. 'movies like "
                         f"{self.facts.example_titles[0]}'.")
        sims = np.vstack([self.similarity(s) for s in seeds])
        # close to all of them: the mean, pulled towards the weakest link
        scores = 0.5 * sims.mean(axis=0) + 0.5 * sims.min(axis=0) if len(seeds) > 1 \
            else sims[0]
        idx, vals = top_k(scores, k, exclude=np.concatenate([exclude, seeds]),
                          allowed=allowed)
        names = replies.join_words([self.facts.display[s] for s in seeds])
        lead = "more " if more else ""
        text = _cap(lead + flt.describe(self.facts.noun, like=names) + self._hidden(req)
                    + ":")
        reasons = self.facts.reasons.similar_to_seeds(seeds, idx, sims)
        return self._reply(idx, vals, reasons, text, k, flt, more,
                           flt.describe(self.facts.noun, like=names))

    # ---- popular --------------------------------------------------------------------------
    def _popular(self, req, flt, k, allowed, exclude, ctx, more) -> Reply:
        intent, rank_by = req["intent"], req.get("rank_by")
        lead = "more " if more else ""
        what = flt.describe(self.facts.noun)
        if rank_by == "hidden":           # quality among the less-watched
            idx, vals = self._diverse("popular", self.weighted, k, exclude, allowed)
            reasons = [self._weighted_reason(i) for i in idx.tolist()]
            text = _cap(f"{lead}hidden gems: top-rated {what} "
                        f"{self.less_watched.words()}, by weighted average:")
        elif intent == "popular" and rank_by == "count":
            idx, vals = self._diverse("popular", self.watched, k, exclude, allowed)
            reasons = [self.popular.reason(i) for i in idx.tolist()]
            text = _cap(f"{lead}most-watched {what} (by number of ratings):")
        elif intent == "popular":
            idx, vals = self._diverse("popular", self.weighted, k, exclude, allowed)
            reasons = [self._weighted_reason(i) for i in idx.tolist()]
            one = self.facts.noun_one
            text = _cap(f"{lead}top-rated {what}, by weighted average "
                        f"(a {one} needs about {self.min_votes:.0f} ratings to count fully):")
        else:
            # the tastes this list leaned on stay with it, so `more` pages the same
            # order and `why` can say so (the dispatcher stores `req` as it is now)
            tastes = req.setdefault("tastes", dict(ctx.tastes))
            idx, vals = self._diverse("popular", self.starters.scores(tastes), k, exclude,
                                      allowed)
            # a genre the filter already requires or rules out leans nothing: unsaid
            said = {g: v for g, v in tastes.items() if g not in flt.genres + flt.exclude}
            reasons = [self._starter_reason(i, said) for i in idx.tolist()]
            who = (f"User {ctx.user_label} is not in the ratings. " if ctx.unknown_user
                   else "")
            hint = replies.PERSONAL_HINT.format(example=self.facts.example_titles[-1])
            lean = lean_text(said, replies.join_words)
            text = f"{who}{_cap(lead + 'popular ' + what)} to start with{lean}. {hint}"
        return self._reply(idx, vals, reasons, text, k, flt, more, what)

    def _diverse(self, route: str, scores, k, exclude, allowed):
        """The k best after the route's diversity stage (MMR on the similar route's
        item vectors, its weight chosen at training; keeps score order for `popular`)."""
        idx, vals = top_k(scores, pool_size(k), exclude=exclude, allowed=allowed)
        return self.bundle.diversify(route, idx, vals, k)

    def _hidden(self, req: dict) -> str:
        return self.less_watched.only() if req.get("rank_by") == "hidden" else ""

    def _starter_reason(self, i: int, tastes: dict) -> str:
        said = lean_reason(self.facts.genres[i], tastes)
        stats = self.popular.reason(i)
        return f"{said}; {stats}" if said else stats

    def _weighted_reason(self, i: int) -> str:
        mean, n = self.popular.item_stats(i)
        return (f"{self.weighted[i]:.2f} weighted average "
                f"({mean:.2f} from {n} rating{'s' if n != 1 else ''})")

    # ---- personal ----------------------------------------------------------------------------
    def _personal(self, req, flt, k, allowed, exclude, ctx: Context, more) -> Reply:
        """MF ranking for a dataset user, folding in the session's ratings (the
        session's word wins); liked films drive it, disliked ones push down what is
        close to them."""
        model = self.bundle.route("recommend", ctx.routes)
        profile: dict[int, float] = {}
        if ctx.user_index is not None:
            items, values = self.ratings.user_items(ctx.user_index)
            profile.update(zip(items.tolist(), values.tolist()))
        # a film you chose to watch says something too, but only until you rate: seen
        # marks join a profile with no ratings as positives (bench/session_path.py: on
        # validation users this lifts a stranger from 0.38 to 0.45 success; for a user
        # who named 3 liked films any seen value costs, 0.73 -> 0.69-0.71)
        if ctx.user_index is None and not ctx.profile:
            profile.update((i, self.seen_value) for i in ctx.seen)
        elif ctx.user_index is None and SEEN_BESIDE:
            profile.update((i, scale_rating(SEEN_BESIDE, self.ratings.scale)) for i in ctx.seen)
        profile.update(ctx.profile)
        items = np.fromiter(profile, dtype=np.int64, count=len(profile))
        values = np.fromiter(profile.values(), dtype=np.float64, count=len(profile))
        positive = values > self.disliked_at
        scores = self._personal_scores(model, ctx, items, values, positive)
        disliked = [i for i, v in ctx.profile.items() if v <= self.disliked_at]
        if disliked:
            scores = self._push_down(scores, disliked)
        idx, vals = self._diverse("recommend", scores, k, np.concatenate([exclude, items]),
                                  allowed)
        # "because you liked X" only for films you rated, never for a seen mark
        said = np.isin(items, list(ctx.seen)) & ~np.isin(items, list(ctx.profile)) \
            if ctx.seen else np.zeros(len(items), bool)
        liked = (values >= self.liked_at) & ~said
        reasons = self.facts.reasons.personal(idx, items[liked], values[liked],
                                              self.similarity, BECAUSE_MIN)
        who = f"user {ctx.user_label}" if ctx.user_index is not None else "you"
        what = flt.describe(self.facts.noun)
        lead = "more " if more else ""
        text = _cap(f"{lead}picks for {who}" + (f" ({what})" if flt.active else "")
                    + self._hidden(req))
        if disliked:
            names = replies.join_words([self.facts.display[i] for i in disliked[:3]])
            text += f", keeping away from {self.facts.noun} like {names}"
        text += ":"
        return self._reply(idx, vals, reasons, text, k, flt, more, what)

    def _personal_scores(self, model, ctx, items, values, positive) -> np.ndarray:
        try:
            if ctx.user_index is not None and not ctx.profile:   # read-only, remembered
                u = ctx.user_index
                return self.memo(model, u, lambda: model.score_users(np.array([u]))[0])
            if positive.any():
                its, vals = items[positive], values[positive]
                return self.memo(model, profile_key(its, vals),
                                 lambda: model.score_profile(its, vals))
        except PredictionImpossible:
            if positive.any():
                return self._content_fold_in(items[positive], values[positive])
        return np.asarray(self.pop_scores, float).copy()   # only dislikes so far

    def _content_fold_in(self, items, values) -> np.ndarray:
        """Similarity to the liked films, when the recommend model cannot fold in."""
        scores = np.zeros(len(self.catalog))
        for i, v in zip(items.tolist(), values.tolist()):
            scores += v * self.similarity(int(i))
        return scores

    def _push_down(self, scores: np.ndarray, disliked: list[int]) -> np.ndarray:
        """Standardise the scores, then subtract DISLIKE_WEIGHT x the similarity to the
        closest disliked film: "I hated Star Wars" keeps its sequels off the list."""
        s = np.asarray(scores, float)
        finite = np.isfinite(s)
        z = np.full_like(s, -np.inf)
        sd = s[finite].std() or 1.0
        z[finite] = (s[finite] - s[finite].mean()) / sd
        close = np.max(np.vstack([np.clip(self.similarity(d), 0, 1) for d in disliked]),
                       axis=0)
        return z - DISLIKE_WEIGHT * close

    # ---- the reply ------------------------------------------------------------------------------
    def _reply(self, idx, vals, reasons, text, k, flt: Filter, more, what) -> Reply:
        items = [self.facts.item(i) | {"score": round(float(s), 4) if math.isfinite(s)
                                       else 0.0, "reason": why}
                 for i, s, why in zip(idx.tolist(), np.asarray(vals).tolist(), reasons)]
        if not items:
            if more:
                return Reply(f"That's all: there are no more {what} I haven't shown you.")
            return Reply(f"No {what} qualify" + (" that you haven't rated or seen"
                                                  if flt.active else "") + ".")
        if len(items) < k:
            text += (f" (only {len(items)} qualif{'ies' if len(items) == 1 else 'y'}"
                     f"{' that I have not shown you yet' if more else ''})")
        return Reply(text, items)


def _duplicates(facts) -> set[int]:
    """Items that repeat another's title and year (the recbole copy of ML-100K lists
    some films twice): the less-rated copy never appears in a list."""
    best: dict[tuple, int] = {}
    dupes = set()
    for i, key in enumerate(zip(facts.titles, facts.years)):
        j = best.get(key)
        if j is None:
            best[key] = i
            continue
        keep, drop = (i, j) if facts.counts[i] > facts.counts[j] else (j, i)
        best[key] = keep
        dupes.add(drop)
    return dupes


def _cap(text: str) -> str:
    """Upper-case the first letter only ('sci-Fi' stays 'Sci-Fi', not 'Sci-fi')."""
    return text[:1].upper() + text[1:]
