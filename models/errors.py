"""Every error the models package raises. Front doors translate these."""


class ModelsError(Exception):
    """Base class for errors from the models package."""


class DataError(ModelsError):
    """A data file is missing, malformed or inconsistent. The message names file and line."""


class UnknownUser(ModelsError, KeyError):
    """A user id that the ratings do not contain."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "unknown user"


class UnknownItem(ModelsError, KeyError):
    """An item id that the catalog does not contain."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown item"


class PredictionImpossible(ModelsError):
    """The model cannot score this case (cold user/item, unsupported operation).

    Callers catch it and fall back to another model (as Surprise does).
    """


class NotFitted(ModelsError):
    """A model was used before fit() or load()."""


class ArtifactError(ModelsError):
    """A saved artifact is missing, corrupt, or from another version/dataset."""
