"""The turn half of bench/bench_scale.py's ml-25m case (run in a child process, after
the models are trained in $CHATREC_HOME): what a start costs and what each route's
turns cost at this size. Not product code.

    start_s           build_service (the manifest, the dataset's array cache, the parser)
    warm_up_s         ChatService.warm_up: loading the routes' models and answering one
                      scratch message per route (serve does it before its first
                      request, chat in the background)
    first_ms[route]   the first turn of each route right after that
    cold_first_ms     the same in a second process without the warm-up (`chatrec ask`:
                      the route's model loads inside its first turn)
    warm_ms[route]    median / p95 of `--turns` more turns of each route

Routes: popular ("what's popular", anonymous), recommend ("recommend me something" as a
known dataset user), similar ("movies like <a title>"). Each turn is in a new session
(no "more" paging), the users and titles rotate.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _messages(bundle, n: int, seed: int = 1) -> dict[str, list[tuple[str, object]]]:
    """(message, user id) per route: known users with ratings, titles of rated films."""
    rng = np.random.default_rng(seed)
    users = bundle.ratings.user_ids[rng.choice(bundle.ratings.n_users, n, replace=True)]
    counts = bundle.ratings.item_counts()
    rated = np.flatnonzero(counts >= 5)
    films = bundle.catalog.titles[rng.choice(rated, n, replace=True)]
    return {"popular": [("what's popular", None)] * n,
            "recommend": [("recommend me something", u.item()) for u in users],
            "similar": [(f"movies like {t}", None) for t in films]}


def _timed(service, message: str, user, session: str) -> tuple[float, dict]:
    t = time.perf_counter()
    body = service.turn(message, session_id=session, user_id=user if user is not None else None)
    return (time.perf_counter() - t) * 1000, body


def run(dataset: str, turns: int, warm_up: bool) -> dict:
    from chatrec.service import build_service
    from chatrec.training.warmup import single_thread_blas
    tmp = tempfile.TemporaryDirectory()
    t0 = time.perf_counter()
    service = build_service(dataset=dataset, sessions_path=Path(tmp.name) / "s.sqlite3",
                            client_session_ids=True)
    out = {"start_s": round(time.perf_counter() - t0, 3)}
    single_thread_blas()
    if warm_up:
        t0 = time.perf_counter()
        service.warm_up()
        out["warm_up_s"] = round(time.perf_counter() - t0, 3)
    plan = _messages(service.bundle, turns + 1)
    first, warm, intents = {}, {}, {}
    for route, items in plan.items():
        ms, body = _timed(service, *items[0], f"first-{route}")
        first[route] = round(ms, 1)
        intents[route] = body["query"]["intent"]
        if not body["items"]:
            out.setdefault("empty", []).append(route)
    out["first_ms" if warm_up else "cold_first_ms"] = first
    if warm_up:
        for route, items in plan.items():
            times = [_timed(service, m, u, f"{route}-{i}")[0] for i, (m, u) in
                     enumerate(items[1:])]
            warm[route] = {"median": round(float(np.median(times)), 2),
                           "p95": round(float(np.percentile(times, 95)), 2), "turns": len(times)}
        out["warm_ms"] = warm
    out["intents"] = intents
    return out


if __name__ == "__main__":
    name, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(json.dumps(run(name, n, warm_up=(mode == "warm"))))
