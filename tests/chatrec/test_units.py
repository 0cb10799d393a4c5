"""Durations and sizes as operators write them."""
from __future__ import annotations

import pytest

from chatrec.errors import UsageError
from chatrec.units import parse_duration, parse_size


@pytest.mark.parametrize("text,seconds", [("90", 90), ("90s", 90), ("250ms", 0.25),
                                          ("15m", 900), ("12h", 43200), ("30d", 2592000),
                                          (" 1.5 h ", 5400), (7, 7.0)])
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["", "soon", "5 weeks", "-3s", "1e3"])
def test_bad_durations_are_usage_errors(bad):
    with pytest.raises(UsageError, match="duration"):
        parse_duration(bad, "--ttl")


@pytest.mark.parametrize("text,size", [("65536", 65536), ("64k", 65536), ("64KiB", 65536),
                                       ("1m", 1048576), ("2MB", 2097152)])
def test_sizes(text, size):
    assert parse_size(text) == size
