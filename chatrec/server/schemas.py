"""Pydantic request and response models of the HTTP API (they also make /docs).

Request validation lives here so a bad request is refused with FastAPI's standard
422 body before it reaches the service; the service validates again for the CLI
and REPL, which have no schema layer.
"""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    computed_field,
    field_validator,
)

from chatrec.service import MAX_MESSAGE
from chatrec.sessions.state import SESSION_ID_PATTERN
from models.data import natural_title

SessionId = Annotated[str, StringConstraints(pattern=SESSION_ID_PATTERN), Field(
    description="1-64 characters of [A-Za-z0-9_-]; created when absent",
    examples=["my-session-1"])]
UserId = Union[StrictInt, Annotated[str, StringConstraints(
    min_length=1, max_length=64, pattern=r"\S")]]
ItemId = Union[int, str]


class ChatRequest(BaseModel):
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE,
                                  examples=["movies like Star Wars"])]
    session_id: SessionId | None = None
    user_id: Annotated[UserId | None, Field(
        description="a user id of the ratings data for personal picks; null forgets the "
        "session's user, leaving it out keeps it", examples=[42])] = None
    panel: bool = Field(default=False, description="true when the client draws a "
                        "newcomer's checklist as a panel of seen / loved marks (the web "
                        "page): its films then do not count as recommendations shown, and "
                        "those left unmarked stay on offer for the next list")

    @field_validator("message")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("message is empty: type a request such as 'movies like Alien'")
        return v


class Item(BaseModel):
    item_id: ItemId
    title: str = Field(description="the catalog's title, as the data files spell it",
                       examples=["Usual Suspects, The"])
    year: int | None = Field(description="release year; null when unknown")
    genres: list[str]

    @computed_field(description="the title as a reply says it: a trailing article moved "
                    "to the front", examples=["The Usual Suspects"])
    @property
    def display_title(self) -> str:
        return natural_title(self.title)


class ScoredItem(Item):
    score: float = Field(description="the model's score; higher is better")
    reason: str = Field(examples=["4.36 average from 583 ratings"])
    rating_counts: list[int] | None = Field(
        default=None, description="in `info` answers: how many ratings of each star, "
        "lowest first")


class CandidateOut(BaseModel):
    title: str
    item_id: ItemId | None = None
    score: float | None = None


class QueryOut(BaseModel):
    """The structured call the parser made of the message."""

    model_config = ConfigDict(extra="allow")  # parsers may add fields
    intent: str
    genre: str | None = None
    title: str | None = None
    item_id: ItemId | None = None
    k: int
    k_requested: int | None = None
    rating: float | None = None
    candidates: list[CandidateOut] = []
    parser: str | None = None
    fallback_reason: str | None = None
    arm: dict[str, str] | None = Field(
        default=None, description="A/B arms of this session (CHATREC_EXPERIMENTS): "
        "route -> model", examples=[{"recommend": "item-knn"}])


CHECKLIST = Field(default=False, description="the items are a newcomer's checklist: mark "
                  "the ones seen and loved (answer like 'seen 2 5 7, loved 5'); the next "
                  "list uses the answer")


class ChatResponse(BaseModel):
    session_id: str
    reply: str = Field(description="the answer's text; never empty")
    query: QueryOut
    items: list[ScoredItem]
    checklist: bool = CHECKLIST


class SessionsHealth(BaseModel):
    ok: bool
    backend: str = Field(examples=["sqlite"])
    detail: str = Field(description="'ok', or what is wrong with the sessions database")


class Health(BaseModel):
    status: str = Field(description="'ok'; 'degraded' (HTTP 503) while writes to the "
                        "sessions database fail (a full disk, a read-only file) until one "
                        "succeeds; 'unavailable' (HTTP 503) when it cannot be used")
    dataset: str
    noun: str = Field(default="films", description="what the dataset's items are called",
                      examples=["films", "books"])
    items: int
    users: int
    ratings: int
    models: list[str]
    routes: dict[str, str]
    parser: str
    sessions: SessionsHealth


class Recommendations(BaseModel):
    user_id: ItemId
    items: list[ScoredItem]


class Similar(BaseModel):
    item: Item
    items: list[ScoredItem]


class SearchItem(Item):
    ratings: int = Field(description="number of ratings")
    average: float = Field(description="mean rating")


class SearchResult(BaseModel):
    search: str
    items: list[SearchItem]


class SessionRating(BaseModel):
    item_id: ItemId
    title: str | None
    rating: float


class SessionFilm(BaseModel):
    item_id: ItemId
    title: str | None


class TranscriptTurn(BaseModel):
    n: int = Field(description="the turn's number in the session")
    at: float = Field(description="when (Unix time)")
    message: str
    reply: str
    intent: str
    items: list[ScoredItem]
    checklist: bool = CHECKLIST


class SessionOut(BaseModel):
    session_id: str
    user_id: ItemId | None
    ratings: list[SessionRating]
    seen: list[SessionFilm] = Field(description="films marked as seen; never offered again")
    turns: int = Field(description="how many turns the session has had")
    transcript: list[TranscriptTurn] = Field(description="the most recent turns, oldest first")


class Deleted(BaseModel):
    session_id: str
    deleted: bool


class ErrorMessage(BaseModel):
    detail: str = Field(examples=["unknown user id '99999'"])
