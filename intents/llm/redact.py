"""Keeping secrets out of every text the LLM parser produces (fallback reasons, log
lines, exception texts): `Redactor(secrets).clean(text, limit)`.

Order matters: secrets are replaced *before* a text is cut to length. Cutting first
can split a key so that the replace no longer finds it, and a long prefix of the key
travels on (issue 9: 132 of 164 characters leaked that way). For the same reason a
text that was already cut upstream (an error body read up to N bytes) loses any tail
that is the start of a secret.
"""
from __future__ import annotations

import re

MARK = "[redacted]"
MIN_TAIL = 4             # a trailing piece of a secret this long or longer is removed
# "Authorization: Bearer x", "authorization": "x", Authorization=x ... and a bare
# "Bearer x" / "Basic x" credential wherever it appears
_AUTH_VALUE = re.compile(
    r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;}]+")
_SCHEME_VALUE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}")


class Redactor:
    """Replaces the given secrets and any Authorization value in a text."""

    def __init__(self, *secrets: str | None) -> None:
        # longest first, so a secret that contains another is replaced whole
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def clean(self, text, limit: int | None = None) -> str:
        """`text` with secrets redacted, then cut to `limit` characters."""
        text = self.redact(str(text))
        if limit is not None and len(text) > limit:
            text = text[:max(0, limit - 3)] + "..."
        return text

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MARK)
        text = _AUTH_VALUE.sub(lambda m: m.group(1) + MARK, text)
        text = _SCHEME_VALUE.sub(lambda m: f"{m.group(1)} {MARK}", text)
        return self._drop_cut_tail(text)

    def _drop_cut_tail(self, text: str) -> str:
        """A text cut upstream may end with the first part of a secret."""
        for secret in self._secrets:
            for n in range(min(len(secret) - 1, len(text)), MIN_TAIL - 1, -1):
                if text.endswith(secret[:n]):
                    return text[:-n] + MARK
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secret(s))"
