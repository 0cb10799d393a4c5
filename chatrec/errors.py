"""Errors of the service layer, and how every package's errors map to exit codes
and HTTP statuses. Front doors (cli, api, repl) translate here and only here."""
from __future__ import annotations

from intents.errors import IntentsError, ParserConfigError
from models.errors import (
    ArtifactError,
    DataError,
    ModelsError,
    NotFitted,
    PredictionImpossible,
    UnknownItem,
    UnknownUser,
)


class ChatrecError(Exception):
    """Base class for errors from the service layer."""


class DatasetError(ChatrecError):
    """A dataset cannot be fetched, verified or found."""


class UsageError(ChatrecError):
    """The user asked for something invalid (bad option value, bad session id...)."""


class NotFound(ChatrecError):
    """A session, user or item that does not exist."""


class EngineError(ChatrecError):
    """A training engine (Spark) cannot start or run."""


class MissingExtra(ChatrecError):
    """A feature needs an optional extra that is not installed (e.g. chatrec[report])."""


class DataHomeError(ChatrecError):
    """The data home ($CHATREC_HOME) cannot be created or written."""


class StoreBusy(ChatrecError):
    """The sessions store stayed locked longer than its busy timeout: try again.
    HTTP answers 503 with `Retry-After: retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


class StoreUnavailable(ChatrecError):
    """The sessions store cannot be used: missing, deleted or replaced while running,
    read-only, or not a database."""


class Overloaded(ChatrecError):
    """The server has more expensive requests waiting than it queues (long chat
    messages, chatrec/server/offloop.py): try again. HTTP 503 with Retry-After."""

    retry_after = 1


class MessageTooComplex(ChatrecError):
    """A message whose parse ran past the server's deadline (chatrec/server/
    parse_process.py): HTTP 422, say it in fewer words."""


class Unauthorized(ChatrecError):
    """API keys are configured and the request carries none of them."""


class ListenError(ChatrecError):
    """`chatrec serve` cannot listen on the address (in use, or not permitted)."""


class RequestRejected(ChatrecError):
    """An HTTP request refused before it reaches the app (chatrec/server/limits.py); the
    subclass says which status."""


class BodyTooLarge(RequestRejected):
    """The request body exceeds --max-body."""


class BodyTimeout(RequestRejected):
    """The request body did not arrive within --body-timeout."""


class BadFraming(RequestRejected):
    """The request's headers disagree on its body (Transfer-Encoding and Content-Length,
    two Content-Types): 400, and the connection is closed."""


class BadJson(RequestRejected):
    """The body is not UTF-8 JSON, or it nests or spells numbers beyond the caps."""


# (exception class, CLI exit code, HTTP status), most specific first.
# Exit codes: 1 other, 2 bad usage, 3 data/artifact/storage problem, 4 unknown
# user/item/session, 5 the sessions database is busy (try again), 6 cannot listen.
_TABLE: tuple[tuple[type[BaseException], int, int], ...] = (
    (UnknownUser, 4, 404),
    (UnknownItem, 4, 404),
    (NotFound, 4, 404),
    (UsageError, 2, 422),
    (MessageTooComplex, 2, 422),
    (Unauthorized, 2, 401),
    (StoreBusy, 5, 503),
    (Overloaded, 5, 503),
    (StoreUnavailable, 3, 503),
    (DataHomeError, 3, 503),
    (ListenError, 6, 503),
    (BodyTooLarge, 2, 413),
    (BodyTimeout, 2, 408),
    (BadJson, 2, 400),
    (BadFraming, 2, 400),
    (ParserConfigError, 2, 422),
    (DataError, 3, 422),
    (DatasetError, 3, 503),
    (EngineError, 3, 503),
    (MissingExtra, 3, 503),
    (ArtifactError, 3, 503),
    (NotFitted, 3, 503),
    (PredictionImpossible, 1, 422),
    (IntentsError, 1, 422),
    (ModelsError, 1, 422),
    (ChatrecError, 1, 400),
)

KNOWN_ERRORS = tuple(cls for cls, _, _ in _TABLE)


def exit_code(exc: BaseException) -> int:
    for cls, code, _ in _TABLE:
        if isinstance(exc, cls):
            return code
    return 1


def http_status(exc: BaseException) -> int:
    for cls, _, status in _TABLE:
        if isinstance(exc, cls):
            return status
    return 500
