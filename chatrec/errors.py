"""Errors of the service layer, and how every package's errors map to exit codes
and HTTP statuses. Front doors (cli, api, repl) translate here and only here."""
from __future__ import annotations

from intents.errors import IntentsError, ParserConfigError
from models.errors import (
    ArtifactError, DataError, ModelsError, NotFitted, PredictionImpossible, UnknownItem,
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


class MissingExtra(ChatrecError):
    """A feature needs an optional extra that is not installed (e.g. chatrec[report])."""


# (exception class, CLI exit code, HTTP status), most specific first.
_TABLE: tuple[tuple[type[BaseException], int, int], ...] = (
    (UnknownUser, 4, 404),
    (UnknownItem, 4, 404),
    (NotFound, 4, 404),
    (UsageError, 2, 422),
    (ParserConfigError, 2, 422),
    (DataError, 3, 422),
    (DatasetError, 3, 503),
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
