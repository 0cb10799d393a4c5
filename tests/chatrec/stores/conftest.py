"""Every session store back end runs the same contract suite (test_contract.py):
the `store` fixture is parametrized over the back ends available here."""
from __future__ import annotations

import pytest

BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def make_store(request, tmp_path):
    """A factory: make_store() opens (another handle on) the same store."""
    if request.param == "sqlite":
        from chatrec.stores.sqlite import SQLiteSessionStore
        path = tmp_path / "s.db"
        return lambda: SQLiteSessionStore(path)
    raise AssertionError(request.param)


@pytest.fixture
def store(make_store):
    return make_store()
