"""Every error the intents package raises."""


class IntentsError(Exception):
    """Base class for errors from the intents package."""


class ParserConfigError(IntentsError):
    """A parser could not be built: bad --parser spec, factory import failure, no parse()."""
