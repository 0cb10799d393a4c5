"""The checklist's settings (issue 21), chosen on validation users only.

    python bench/checklist_tuning.py                    # the grid, 500 validation users
    python bench/checklist_tuning.py --users 300 --grid LEAN=0,0.5,1 POOL=20,30
    python bench/checklist_tuning.py --grid TURNS+PANEL_TURNS=2,3 lists.SEEN_BESIDE=0,3

The checklist is a newcomer's first list: the recommend route's top POOL picks re-ranked
by position + LEAN x position by rating count, the first SIZE shown, up to TURNS in a
row (chatrec/conversation/checklist/offer.py). Which settings is decided here, on an
inner time split of the training part (the past's own past and future: the test users'
future is never read), by the simulated users of bench/_sim_agenda.py talking to the
real service in-process (parser, dispatcher, a SQLite session store). Each setting is
scored by success within 25 films for strangers and session users (3 liked films
told), as a chat (the checklist counted like a list) and as the web page (drawn as a
panel: free); the choice maximises the mean of the four rates. Standard errors are binomial over the users; the
same users and answers meet every setting, so differences between settings are paired
and smaller than the error of each.
"""
from __future__ import annotations

import argparse
import atexit
import importlib
import itertools
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _sim_agenda import converse, eligible_users, outcome, summarise  # noqa: E402

NAME = "sim-ml-100k-inner-past"


class LocalServer:
    """The `server` of the agenda, answered by a ChatService in this process."""

    def __init__(self, service):
        self.service = service

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        if method == "POST" and path == "/chat":
            extra = {"user_id": body["user_id"]} if "user_id" in body else {}
            return self.service.turn(body["message"], body.get("session_id"),
                                     panel=body.get("panel", False), **extra)
        if method == "GET" and path.startswith("/sessions/"):
            return self.service.get_session(path.rsplit("/", 1)[1], transcript=0)
        raise ValueError(f"{method} {path}")

    def has_item(self, item_id: str) -> bool:
        return True


def build(home: Path, catalog, past):
    """A service trained on `past`, registered in `home` as a dataset."""
    from simulate import register_past
    os.environ["CHATREC_HOME"] = str(home)
    register_past(home, catalog, past, "ml-100k", name=NAME)
    from chatrec.service import build_service
    return build_service(dataset=NAME, sessions_path=str(home / "sessions.sqlite3"))


def run(server, users, catalog, kinds, args, checklist: bool = True) -> dict:
    """Per kind: success as a chat (the checklist counted like a list) and, with the
    checklist on, as the web page (a panel, free); misheard answers."""
    out = {}
    for kind in kinds:
        out[(kind, "misheard")] = 0
        for free in (False, True) if checklist else (False,):
            for u in users:         # every setting meets the same answers, worded alike
                u.rng = random.Random(f"{args.seed}-{u.uid}")
            results = [converse(server, u, kind, catalog, args.max_films, args.max_turns,
                                panel=free) for u in users]
            out[(kind, free)] = summarise([outcome(r, args.max_films, args.max_turns, free)
                                           for r in results])
            out[(kind, "misheard")] += sum(r["answers_misheard"] for r in results)
            out.setdefault("misheard_said", []).extend(
                f"{kind}{' (panel)' if free else ''}: {m['said']!r} -> {m['reply']!r}"
                for r in results for m in r["misheard_answers"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", nargs="+", default=["TURNS+PANEL_TURNS=3,4,6", "FEW=12,25"],
                    help="settings of chatrec/conversation/checklist/offer.py to try, as "
                    "NAME=v1,v2, or of another chatrec/conversation module as "
                    "module.NAME=v1,v2, several set alike as A+B=v1,v2 (every combination "
                    "is run)")
    ap.add_argument("--max-films", type=int, default=25)
    ap.add_argument("--max-turns", type=int, default=15)
    args = ap.parse_args()
    from chatrec.data import datasets
    from models.data.splits import time_split

    catalog, ratings = datasets.load("ml-100k")
    past, _ = time_split(ratings)
    inner_past, inner_future = time_split(past)      # validation: the past's own split
    rng = random.Random(args.seed)
    users = eligible_users(inner_past, inner_future, catalog, 3, rng)
    users = rng.sample(users, min(args.users, len(users)))
    home = Path(tempfile.mkdtemp(prefix="chatrec-checklist-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)    # 200-400 MB of artifacts
    t0 = time.perf_counter()
    service = build(home, catalog, inner_past)
    print(f"validation: {len(users)} users; service trained in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    server = LocalServer(service)
    from chatrec.conversation.checklist import offer
    kinds = ("stranger", "session")
    rows = []
    service.dispatcher.checklist = False
    t0 = time.perf_counter()
    rows.append(({}, run(server, users, catalog, kinds, args, checklist=False)))
    print(f"  without the checklist: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    service.dispatcher.checklist = True
    names = [g.split("=")[0] for g in args.grid]
    values = [[float(v) for v in g.split("=")[1].split(",")] for g in args.grid]
    for combo in itertools.product(*values):
        setting = dict(zip(names, combo))
        for key, v in setting.items():         # NAME (offer's), module.NAME, A+B
            for name in key.split("+"):
                module = offer if "." not in name else importlib.import_module(
                    "chatrec.conversation." + name.rsplit(".", 1)[0])
                name = name.rsplit(".", 1)[-1]
                setattr(module, name, type(getattr(module, name))(v))
        t0 = time.perf_counter()
        rows.append((setting, run(server, users, catalog, kinds, args)))
        r = rows[-1][1]
        print(f"  {setting}: stranger {r[('stranger', False)]['success']:.3f} "
              f"session {r[('session', False)]['success']:.3f} (free "
              f"{r[('stranger', True)]['success']:.3f} / {r[('session', True)]['success']:.3f})"
              f"  {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    best = max(rows[1:], key=lambda row: sum(row[1][(k, f)]["success"] for k in kinds
                                             for f in (False, True)))
    print(f"\nValidation (inner time split of the past), {len(users)} users, seed "
          f"{args.seed}, <= {args.max_films} films / {args.max_turns} turns; +- = one "
          "standard error")
    print("| setting | stranger | session | stranger, free | session, free | answers "
          "misheard |")
    print("|---|---:|---:|---:|---:|---:|")
    for setting, r in rows:
        name = ", ".join(f"{k} {v:g}" for k, v in setting.items()) if setting else \
            "no checklist"
        mark = " **(chosen)**" if setting is best[0] else ""
        cells = [f"{r[(k, f)]['success']:.3f} ± {r[(k, f)]['se']:.3f}" if (k, f) in r
                 else "-" for f in (False, True) for k in kinds]   # no checklist: no panel
        print(f"| {name}{mark} | {' | '.join(cells)} | "
              f"{r[('stranger', 'misheard')] + r[('session', 'misheard')]} |")
    print(f"\nchosen: {best[0]}")
    for setting, r in rows:                  # to be found and fixed, not only counted
        for line in r.get("misheard_said", []):
            print(f"misheard ({setting}): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
