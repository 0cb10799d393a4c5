"""Session ids and the conversation state types (the stores have their own suite in
tests/chatrec/sessions/)."""
from __future__ import annotations

import pytest

from chatrec.errors import UsageError
from chatrec.sessions.state import (
    SessionState,
    TurnEffects,
    new_session_id,
    validate_session_id,
)


@pytest.mark.parametrize("good", ["a", "A-b_9", "x" * 64, new_session_id()])
def test_valid_session_ids(good):
    assert validate_session_id(good) == good


@pytest.mark.parametrize("bad", ["", "x" * 65, "a b", "a/b", "é", "a\n", None, 5])
def test_invalid_session_ids(bad):
    with pytest.raises(UsageError):
        validate_session_id(bad)


def test_generated_ids_are_unique_valid_and_128_bit():
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(validate_session_id(i) for i in ids)
    assert all(len(i) == 22 for i in ids)       # 16 random bytes, URL-safe base64


def test_a_fresh_state_and_effects_are_empty():
    s, fx = SessionState("x"), TurnEffects()
    assert (s.ratings, s.seen, s.shown, s.last_items, s.pending, s.focus) == ({}, set(), set(),
                                                                             [], None, None)
    assert fx.ratings == [] and fx.seen == [] and not fx.set_focus and fx.transcript is None
