"""Every error the intents package raises."""


class IntentsError(Exception):
    """Base class for errors from the intents package."""


class ParserConfigError(IntentsError):
    """A parser could not be built: bad --parser spec, factory import failure, no parse()."""


class LLMRejected(IntentsError):
    """An LLM call failed or its answer cannot be used; str(e) is the fallback reason
    (not yet redacted or shortened: the LLM parser does both, in that order)."""
