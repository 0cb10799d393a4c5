"""The structured call: what a message asks for. The contract between parsers and
the service (DESIGN.md §2)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

DEFAULT_K = 5
MIN_K, MAX_K = 1, 50


class Intent(str, Enum):
    SIMILAR = "similar"
    RECOMMEND = "recommend"
    POPULAR = "popular"
    MORE = "more"
    RATE = "rate"
    HELP = "help"
    GREET = "greet"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Candidate:
    """A possible title match offered as "did you mean"."""

    title: str
    item_id: object
    score: float


@dataclass(frozen=True)
class Query:
    """One parsed message.

    title/item_id: the canonical catalog title and its external id, or None.
    k: items asked for, already clamped to MIN_K..MAX_K; `k_requested` keeps the
       number the message said when it had to be clamped.
    rating: 1..5 for `rate` (liked ~ 5/4, disliked ~ 1/2).
    candidates: "did you mean" titles when a title was mentioned but not matched.
    parser: which parser produced this ("regex", "llm", or "llm-fallback" when the LLM
       parser fell back to the rules); fallback_reason: why it fell back.
    confidence: the title match score (0..100) when a title was linked.
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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["intent"] = self.intent.value
        d["candidates"] = [asdict(c) for c in self.candidates]
        return d


def clamp_k(k: int) -> tuple[int, int | None]:
    """(clamped k, the requested k if it was out of range else None)."""
    if k < MIN_K:
        return MIN_K, k
    if k > MAX_K:
        return MAX_K, k
    return k, None
