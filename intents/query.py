"""The structured call: what a message asks for. The contract between parsers and
the service (DESIGN.md §2).

The four fields every parser fills are `intent`, `genre`, `title` (+ `item_id`) and
`k`. The rest are optional refinements, each None / empty when the message does not
say them; `genre` is always `genres[0]` and `title` always `titles[0]`, so a consumer
of the original four fields keeps working.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import asdict, dataclass, field, replace
from enum import Enum

DEFAULT_K = 5
MIN_K, MAX_K = 1, 50
# special values of `ref` (positions are 1-based)
LAST = -1                  # "the last one"
FOCUS = 0                  # "it", "that one": the film just talked about / the only one shown
ALL = -2                   # "all of them", "none of those": every film of the last list
THEM = -3                  # "them", "those", "both": the last list, said loosely (never
                           # enough to write an opinion on more than two films)


class Intent(str, Enum):
    SIMILAR = "similar"        # films like one or more seeds
    RECOMMEND = "recommend"    # suggestions, no seed, no popularity cue
    POPULAR = "popular"        # top-rated / most watched
    MORE = "more"              # the last list's next page
    REFINE = "refine"          # a bare constraint or count applied to the last list
    RATE = "rate"              # an opinion about one or more films
    SEEN = "seen"              # has seen a film, no opinion
    INFO = "info"              # a question about one film
    WHY = "why"                # why a listed film was suggested
    CHOOSE = "choose"          # answers the last "did you mean"
    HELP = "help"
    GREET = "greet"
    THANKS = "thanks"          # thanks / bye / great
    UNKNOWN = "unknown"


_SEEN_FIELDS = ("seen_refs", "seen_titles", "seen_item_ids")

#: intents that produce a list of films
LIST_INTENTS = frozenset({Intent.SIMILAR, Intent.RECOMMEND, Intent.POPULAR, Intent.MORE,
                          Intent.REFINE})
#: intents that write to the session's ratings or seen marks
WRITING_INTENTS = frozenset({Intent.RATE, Intent.SEEN})


@dataclass(frozen=True)
class Candidate:
    """A possible title match offered as "did you mean"."""

    title: str
    item_id: object
    score: float


@dataclass(frozen=True)
class Query:
    """One parsed message.

    title/item_id: the first seed film (canonical catalog title, external id) or None;
       `titles`/`item_ids` hold every film the message names, in order.
    genre: the first required genre; `genres` every genre the films must have;
       `exclude_genres` genres no film may have.
    year_from/year_to: inclusive release-year bounds.
    k: items asked for, clamped to MIN_K..MAX_K; `k_requested` is the count exactly
       as the message said it (before clamping), None when it said none.
    rating: for `rate` (and `seen` with an opinion), on a 1..5 scale (loved ~ 5,
       liked ~ 4, disliked ~ 2, hated ~ 1); the service maps it to the data's scale.
       With `similar` / `recommend` it is the opinion stated of the seeds ("I loved
       X, what next?"). `ratings`: one per film when they differ ("I loved X but
       hated Y"), titles first, then references, in the order said; else empty.
    fewer: for `refine`: "fewer" / "less of them" without a number.
    ref: a film of the last list by 1-based position; LAST (-1) for "the last one",
       FOCUS (0) for "it" / "that one", ALL (-2) for "all of them", THEM (-3) for
       "them" / "both". `refs` holds every
       reference when there are several ("the first one and the third one").
    rank_by: for `popular`: "rating" (top / best / highest rated) or "count"
       (popular / most watched / trending). On any list intent, "hidden" (less famous,
       obscure, hidden gems, underrated, cult, not so mainstream): only films outside
       the most-watched quarter, best first where nothing personal ranks them.
    years_relative: "older" / "newer" when the years were said as a comparison
       ("something older", "more recent ones"): relative to the last list, which the
       service knows; year_from / year_to then hold the catalog-relative meaning ("old"
       / "recent") for when there is nothing to compare with.
    version: "original" / "remake": which of several films of one title ("the
       original", "the remake", "no, the first version", "the original Cape Fear").
    topic: for `info`: what was asked about ("director", "cast", "plot", ...) when
       it is more than the film itself; None for "tell me about X".
    unknown_title: the words the message used for a film that matched nothing well
       (for "I don't know 'The Matrix'").
    said: opinions of other films stated beside a request, as (item_id, rating 1..5)
       pairs ("I hated Titanic, anything like Heat?": Titanic's 1 is recorded too).
    then: a second request made in the same message, as a Query dict, to be answered
       next ("a couple of musicals and also what's good in sci-fi").
    seen_refs / seen_titles + seen_item_ids: films a `rate` message also marks as seen,
       without an opinion (an answer to the checklist: "seen 2 5 7, loved 5" is rate,
       refs (5,), rating 5, seen_refs (2, 5, 7); "seen Fargo and Heat, loved Heat" is
       rate Heat with seen_titles (Fargo, Heat)). A message that only marks films seen
       is `seen` with its films in refs / titles as before. A film named twice with
       different opinions ("loved 3, hated 3") keeps both, for the service to query.
       An `unknown` message may carry refs too: "all of them" alone points at the last
       list without saying what about it (after a checklist it means "seen all").
    candidates: "did you mean" titles when a title was mentioned but not matched.
    parser: which parser produced this ("regex", "llm", or "llm-fallback" when the LLM
       parser fell back to the rules); fallback_reason: why it fell back.
    confidence: the title match score (0..100) when a title was linked; with several,
       the lowest (100 = every title written exactly; the service writes an opinion or
       seen mark from a lower one only once the person confirms the film).
    """

    intent: Intent
    genre: str | None = None
    title: str | None = None
    item_id: object = None
    k: int = DEFAULT_K
    k_requested: int | None = None
    rating: float | None = None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    parser: str = "regex"
    fallback_reason: str | None = None
    confidence: float | None = None
    genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    titles: tuple[str, ...] = ()
    item_ids: tuple = ()
    ref: int | None = None
    rank_by: str | None = None
    topic: str | None = None
    unknown_title: str | None = None
    ratings: tuple[float, ...] = ()
    fewer: bool = False
    refs: tuple[int, ...] = ()
    said: tuple[tuple[object, float], ...] = ()
    then: dict | None = None
    years_relative: str | None = None
    version: str | None = None
    seen_refs: tuple[int, ...] = ()
    seen_titles: tuple[str, ...] = ()
    seen_item_ids: tuple = ()

    def __post_init__(self) -> None:
        # keep the first-of-list fields and the lists consistent whichever was given
        if self.genre is not None and not self.genres:
            object.__setattr__(self, "genres", (self.genre,))
        elif self.genres and self.genre != self.genres[0]:
            object.__setattr__(self, "genre", self.genres[0])
        if self.item_id is not None and not self.item_ids:
            object.__setattr__(self, "item_ids", (self.item_id,))
            object.__setattr__(self, "titles", (self.title,) if self.title else ())
        elif self.item_ids and self.item_id != self.item_ids[0]:
            object.__setattr__(self, "item_id", self.item_ids[0])
            object.__setattr__(self, "title", self.titles[0] if self.titles else None)
        object.__setattr__(self, "genres", tuple(self.genres))
        object.__setattr__(self, "exclude_genres", tuple(self.exclude_genres))
        object.__setattr__(self, "titles", tuple(self.titles))
        object.__setattr__(self, "item_ids", tuple(self.item_ids))
        object.__setattr__(self, "ratings", tuple(self.ratings))
        if self.ref is not None and not self.refs:
            object.__setattr__(self, "refs", (self.ref,))
        elif self.refs and self.ref != self.refs[0]:
            object.__setattr__(self, "ref", self.refs[0])
        object.__setattr__(self, "refs", tuple(self.refs))
        object.__setattr__(self, "said", tuple(tuple(x) for x in self.said))
        for name in _SEEN_FIELDS:
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def has_constraints(self) -> bool:
        """True when the message restricts which films qualify."""
        return bool(self.genres or self.exclude_genres or self.year_from is not None
                    or self.year_to is not None or self.rank_by == "hidden")

    def with_(self, **changes) -> "Query":
        """A copy with some fields changed (dataclasses.replace, re-validated)."""
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, d: dict) -> "Query":
        """Inverse of to_dict (unknown keys are ignored), e.g. a request kept in a
        session while a "did you mean" is answered."""
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in known}
        kw["intent"] = Intent(kw.get("intent", "unknown"))
        kw["candidates"] = tuple(Candidate(**c) for c in kw.get("candidates") or ())
        for name in ("genres", "exclude_genres", "titles", "item_ids", "ratings", "refs",
                     *_SEEN_FIELDS):
            kw[name] = tuple(kw.get(name) or ())
        kw["said"] = tuple(tuple(x) for x in kw.get("said") or ())
        return cls(**kw)

    def to_dict(self) -> dict:
        """Every field, tuples as lists. What `dataclasses.asdict` gives, without its
        deep copy of each scalar (a fifth of a chat turn): only `then`, the one
        mutable field, is copied."""
        d = {name: getattr(self, name) for name in _FIELDS}
        d["intent"] = self.intent.value
        d["candidates"] = [asdict(c) for c in self.candidates]
        for name in ("genres", "exclude_genres", "titles", "item_ids", "ratings", "refs",
                     *_SEEN_FIELDS):
            d[name] = list(d[name])
        d["said"] = [list(x) for x in self.said]
        if self.then is not None:
            d["then"] = deepcopy(self.then)
        return d


_FIELDS = tuple(Query.__dataclass_fields__)


def clamp_k(k: int) -> tuple[int, int | None]:
    """(clamped k, the requested k if it was out of range else None)."""
    if k < MIN_K:
        return MIN_K, k
    if k > MAX_K:
        return MAX_K, k
    return k, None
