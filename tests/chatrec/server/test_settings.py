"""Server settings: flags over environment, and the round trip to worker processes
through the environment."""
from __future__ import annotations

import pytest

from chatrec.errors import UsageError
from chatrec.server.settings import ServerSettings


def test_flags_win_over_the_environment_and_survive_the_trip_to_workers():
    env = {"CHATREC_MAX_BODY": "8k", "CHATREC_SESSION_TTL": "1d",
           "CHATREC_TRUSTED_HOSTS": "a.example, B.example", "CHATREC_CLIENT_SESSION_IDS": "1"}
    s = ServerSettings.from_env(env, max_body="16k", body_timeout=None)
    assert (s.max_body, s.session_ttl, s.body_timeout) == (16384, 86400.0, 10.0)
    assert s.trusted_hosts == ("a.example", "b.example") and s.client_session_ids is True
    assert ServerSettings.from_env(s.to_env()) == s
    assert ServerSettings.from_env({}) == ServerSettings()


@pytest.mark.parametrize("field,value", [("max_body", "10"), ("header_timeout", "0s"),
                                         ("limit_concurrency", "0"), ("backlog", "many")])
def test_unusable_settings_are_usage_errors(field, value):
    with pytest.raises(UsageError):
        ServerSettings.from_env({}, **{field: value})


@pytest.mark.parametrize("ttl", ["0", "0s", "59s", "30"])
def test_a_session_ttl_under_a_minute_is_refused(ttl):
    """Finding (issue 18): --session-ttl 0 deleted every session at the first sweep."""
    with pytest.raises(UsageError, match="at least 60 s"):
        ServerSettings.from_env({}, session_ttl=ttl)
    with pytest.raises(UsageError, match="at least 60 s"):
        ServerSettings.from_env({"CHATREC_SESSION_TTL": ttl})
    from chatrec.sessions.factory import session_ttl   # `chatrec sessions prune`'s default
    with pytest.raises(UsageError, match="CHATREC_SESSION_TTL"):
        session_ttl({"CHATREC_SESSION_TTL": ttl})
    assert ServerSettings.from_env({}, session_ttl="1m").session_ttl == 60.0


@pytest.mark.parametrize("field,value", [
    ("max_body", "-1"), ("body_timeout", "-5s"), ("keep_alive", "0"),
    ("limit_concurrency", "-3"), ("backlog", "-1"), ("sweep_every", "0s")])
def test_negative_and_zero_limits_are_refused(field, value):
    with pytest.raises(UsageError):
        ServerSettings.from_env({}, **{field: value})
