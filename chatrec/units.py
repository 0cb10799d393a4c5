"""Durations and sizes as operators write them: `90`, `90s`, `250ms`, `15m`, `12h`, `30d`;
`65536`, `64k`, `1m`. Used by the server's settings and the session stores' TTLs.
"""
from __future__ import annotations

import re

from chatrec.errors import UsageError

DAY = 86400.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.I)
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": DAY}
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.I)
_BYTES = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_duration(text: str | float, name: str = "duration") -> float:
    """Seconds in '90', '90s', '250ms', '15m', '12h' or '30d'; UsageError otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        m = _DURATION.match(str(text))
        if not m:
            raise UsageError(f"{name}: {text!r} is not a duration such as 30s, 15m, 12h or 30d")
        value = float(m.group(1)) * _SECONDS[(m.group(2) or "s").lower()]
    if value < 0:
        raise UsageError(f"{name} must not be negative")
    return value


def parse_size(text: str | int, name: str = "size") -> int:
    """Bytes in '65536', '64k', '64KiB' or '1m'; UsageError otherwise."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise UsageError(f"{name}: {text!r} is not a size such as 65536, 64k or 1m")
    return int(m.group(1)) * _BYTES[(m.group(2) or "b")[0].lower()]
