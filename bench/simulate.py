"""Simulated users talking to a real `chatrec serve` (issues 13 and 21): do people get
somewhere in a conversation, not only in offline NDCG?

    python bench/simulate.py                          # 500 users, seeds 0 1 2, <= 25 films
    python bench/simulate.py --users 200 --seeds 0 --liked 5 --json

Agenda-based, in the manner of UserSimCRS. ML-100K is split per user in time (DESIGN
§7: each user's first 80% of ratings is the past, the rest the future); two servers are
trained on the past only (registered with `chatrec data add`, served by `chatrec
serve`, spoken to over HTTP): one as shipped, which opens a newcomer's first list as a
checklist ("My first 10 picks — which have you seen, and which did you love?"), and one
with CHATREC_CHECKLIST=off (the conversation before issue 21). Each simulated user is a
test user with at least one film in their future they rated >= 4 (a "hit") and at least
N liked films in their past; their agenda (tell liked films, ask, answer a checklist
from their past, react to lists, narrow, page on) is in bench/_sim_agenda.py.

Three kinds of user run the same agenda: a stranger (no films told: the floor), a
session user (N liked films told: the product's path for every new web visitor), and a
known user (by their dataset id, with their whole past: the ceiling; never offered a
checklist). Reported per kind and seed, with a binomial standard error: success within
`--max-films` films and `--max-turns` turns without the checklist, with it counted like
any list (its 10 films use the budget), and free (talking as the web page, whose panel
is no recommendation: its films cost nothing, a hit in it counts for nothing); the paired difference with
/ without on the same users; turns and films to the first hit; misheard titles and
misheard checklist answers (the session read back after each answer), each listed
with what was said and the server's reply (bench/_sim_report.py); wall time.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _sim_agenda import converse, eligible_users, outcome, summarise  # noqa: E402
from _sim_report import KINDS, print_report  # noqa: E402

NAME = "sim-ml-100k-past"


class Stop(Exception):
    """The run cannot go on; the message says why in one line."""


# ---- the data: past and future -------------------------------------------------------
def split_data(dataset: str):
    from chatrec.data import datasets
    from models.data.splits import time_split

    catalog, ratings = datasets.load(dataset)
    if not ratings.timestamps.any():
        raise Stop(f"{dataset} has no timestamps, so there is no past/future split")
    past, future = time_split(ratings)
    return catalog, ratings, past, future


def register_past(home: Path, catalog, past, dataset: str, name: str = NAME) -> None:
    """Write the past as CSV files and register them as a dataset `name` of `home`."""
    folder = home / "sim-files"
    folder.mkdir(parents=True)
    ids = catalog.item_ids.tolist()
    users = past.user_ids[past.users].tolist()
    with open(folder / "ratings.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["user_id", "item_id", "rating", "timestamp"])
        out.writerows(zip(users, (ids[i] for i in past.items.tolist()),
                          (f"{v:g}" for v in past.values.tolist()), past.timestamps.tolist()))
    with open(folder / "items.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["item_id", "title", "year", "genres"])
        for i in range(len(catalog)):
            out.writerow([ids[i], catalog.titles[i], int(catalog.years[i]) or "",
                          "|".join(catalog.genres[i])])
    run_cli(home, ["data", "add", name, "--ratings", str(folder / "ratings.csv"),
                   "--items", str(folder / "items.csv")])


def run_cli(home: Path, args: list[str]) -> None:
    env = dict(os.environ, CHATREC_HOME=str(home), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "chatrec.cli.main", *args], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise Stop(f"chatrec {' '.join(args[:2])} failed: "
                   f"{(done.stderr or done.stdout).strip().splitlines()[-1:]}")


# ---- the server ------------------------------------------------------------------------
class Server:
    def __init__(self, home: Path, env: dict | None = None):
        self.env = env or {}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.home = home
        self.proc = None
        self.start()

    def start(self) -> None:
        env = dict(os.environ, CHATREC_HOME=str(self.home), CHATREC_DATASET=NAME,
                   PYTHONPATH=str(ROOT), **self.env)
        self.proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli.main", "serve", "--port",
                                      str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300      # the first start trains on the past
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Stop("chatrec serve exited while starting (see `chatrec serve` "
                           f"with CHATREC_HOME={self.home})")
            try:
                urllib.request.urlopen(self.url + "/health", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise Stop("chatrec serve did not answer /health within 300 s")

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):                 # a server that restarted: try again
            req = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    return json.loads(r.read())
            except urllib.error.HTTPError as e:
                raise Stop(f"{method} {path} answered {e.code}: {e.read()[:200]!r}")
            except OSError:
                if attempt == 2:
                    raise Stop(f"the server at {self.url} stopped answering") from None
                if self.proc.poll() is not None:
                    print("simulate: the server died; restarting it", file=sys.stderr)
                    self.start()
                time.sleep(1)
        raise AssertionError("unreachable")

    def has_item(self, item_id: str) -> bool:
        """Whether the server's catalog holds the item (a film removed since the split
        is not the parser's fault)."""
        try:
            self.call("GET", f"/items/{item_id}/similar?k=1")
            return True
        except Stop as e:
            if " answered 404" in str(e):
                return False
            raise

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(10)


def run_kind(server: Server, users, kind: str, catalog, args, panel: bool = False):
    return [converse(server, user, kind, catalog, args.max_films, args.max_turns,
                     refine=not args.no_refine, panel=panel) for user in users]


def paired(a: list[dict], b: list[dict]) -> tuple[float, float]:
    """Mean and standard error of the per-user difference in success (a - b)."""
    d = np.array([float(x["hit"]) - float(y["hit"]) for x, y in zip(a, b)])
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0


def one_seed(servers: dict, eligible: list, catalog, seed: int, args) -> dict:
    rng = random.Random(seed)
    users = rng.sample(eligible, min(args.users, len(eligible)))
    for user in users:                 # the same user types and answers alike per seed
        user.rng = random.Random(f"{seed}-{user.uid}")
    report = {"users": len(users)}
    for kind in KINDS:
        t0 = time.perf_counter()
        rows = {"off": run_kind(servers["off"], users, kind, catalog, args),
                "on": run_kind(servers["on"], users, kind, catalog, args)}
        # the web page's panel: told so, the server keeps its unmarked films on offer;
        # a known user is never offered a checklist, so their panel run is the chat's
        rows["panel"] = rows["on"] if kind == "known" else \
            run_kind(servers["on"], users, kind, catalog, args, panel=True)
        off = [outcome(r, args.max_films, args.max_turns, False) for r in rows["off"]]
        on = [outcome(r, args.max_films, args.max_turns, False) for r in rows["on"]]
        free = [outcome(r, args.max_films, args.max_turns, True) for r in rows["panel"]]
        out = {"without": summarise(off), "with": summarise(on), "free": summarise(free)}
        for key, other in (("with_minus_without", on), ("free_minus_without", free)):
            mean, se = paired(other, off)
            out[key] = {"mean": round(mean, 4), "se": round(se, 4)}
        runs = [rows["off"], rows["on"]] + ([rows["panel"]] if kind != "known" else [])
        out["misheard_titles"] = sum(r["misheard"] for run in runs for r in run)
        out["answers"] = sum(any(c for _, c, _ in r["lists"]) for run in runs[1:] for r in run)
        out["answers_misheard"] = sum(r["answers_misheard"] for run in runs[1:] for r in run)
        out["misheard_answers"] = [dict(m, user=u.uid, way=way) for way, run in
                                   zip(("with", "free"), runs[1:]) for u, r in zip(users, run)
                                   for m in r["misheard_answers"]]
        out["seconds"] = round(time.perf_counter() - t0, 1)
        report[kind] = out
        print(f"  seed {seed} {kind}: without {out['without']['success']:.3f}, with "
              f"{out['with']['success']:.3f}, free {out['free']['success']:.3f}  "
              f"({out['seconds']} s)", file=sys.stderr)
    return report


def pooled(reports: list[dict]) -> dict:
    """Per kind and variant: the mean over seeds, with one seed's binomial standard
    error (the seeds draw overlapping users from the same pool, so averaging them does
    not shrink the error much: one seed's is the honest figure)."""
    out = {}
    for kind in KINDS:
        out[kind] = {}
        for v in ("without", "with", "free"):
            ps = [r[kind][v]["success"] for r in reports]
            ses = [r[kind][v]["se"] for r in reports]
            out[kind][v] = {"mean": round(statistics.mean(ps), 4),
                            "se": round(statistics.mean(ses), 4),
                            "per_seed": ps}
        for v in ("with_minus_without", "free_minus_without"):
            out[kind][v] = {"mean": round(statistics.mean(r[kind][v]["mean"] for r in reports),
                                          4),
                            "se": round(statistics.mean(r[kind][v]["se"] for r in reports), 4),
                            "per_seed": [r[kind][v]["mean"] for r in reports]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--liked", type=int, default=3, help="liked films each user tells")
    ap.add_argument("--max-films", type=int, default=25)
    ap.add_argument("--max-turns", type=int, default=15)
    ap.add_argument("--dataset", default="ml-100k")
    ap.add_argument("--no-refine", action="store_true",
                    help="skip the narrowing to the users' main genre (to see its cost)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="chatrec-sim-"))
    servers = {}
    try:
        catalog, ratings, past, future = split_data(args.dataset)
        eligible = eligible_users(past, future, catalog, args.liked, random.Random(0))
        register_past(home, catalog, past, args.dataset)
        started = time.perf_counter()
        servers["on"] = Server(home)
        servers["off"] = Server(home, {"CHATREC_CHECKLIST": "off"})
        report = {"eligible_users": len(eligible),
                  "server_ready_s": round(time.perf_counter() - started, 1),
                  "load": [round(x, 2) for x in os.getloadavg()],
                  "seeds": {s: one_seed(servers, eligible, catalog, s, args)
                            for s in args.seeds}}
        report["pooled"] = pooled(list(report["seeds"].values()))
        report["load_after"] = [round(x, 2) for x in os.getloadavg()]
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print_report(report, args)
        return 0
    except Stop as e:
        print(f"simulate: {e}", file=sys.stderr)
        return 1
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
