"""warm_up_models: the routes' models load before the first request (serve) or in the
background (chat); a model is loaded once however many threads ask for it."""
from __future__ import annotations

import dataclasses
import threading
import time

from chatrec.training.bundle import LazyModels
from chatrec.training.warmup import warm_up_models
from tests.chatrec.fakes import tiny_bundle


def lazy_bundle(calls: list, delay: float = 0.0):
    b = tiny_bundle()
    models = LazyModels()
    for name, model in b.models.items():
        def load(name=name, model=model):
            calls.append(name)
            time.sleep(delay)
            return model
        models.defer(name, load)
    models.defer("unused", lambda: calls.append("unused"))
    return dataclasses.replace(b, models=models)


def test_the_route_models_load_and_no_other():
    calls: list = []
    b = lazy_bundle(calls)
    warm_up_models(b)
    assert sorted(calls) == sorted(set(b.routes.values()))


def test_in_the_background_a_turn_waits_for_the_same_load():
    calls: list = []
    b = lazy_bundle(calls, delay=0.2)
    warm_up_models(b, background=True)
    got = [None] * 4
    threads = [threading.Thread(target=lambda i=i: got.__setitem__(i, b.route("similar")))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert all(m is got[0] and m is not None for m in got)
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(calls) == sorted(set(b.routes.values()))  # each loaded exactly once
