"""Bundle.route: the model behind each route, or a typed error when there is none."""
from __future__ import annotations

import dataclasses

import pytest

from chatrec.errors import exit_code, http_status
from models.errors import NotFitted
from tests.chatrec.fakes import tiny_bundle


def test_route_returns_the_model_named_by_the_routes():
    b = tiny_bundle()
    assert b.route("popular") is b.models["popularity"]
    assert b.route("similar") is b.models[b.routes["similar"]]


def test_a_route_without_a_trained_model_is_a_typed_error():
    b = tiny_bundle()
    models = {n: m for n, m in b.models.items() if n != "popularity"}
    broken = dataclasses.replace(b, models=models)
    with pytest.raises(NotFitted, match="'popular' route") as e:
        broken.route("popular")
    assert (exit_code(e.value), http_status(e.value)) == (3, 503)
