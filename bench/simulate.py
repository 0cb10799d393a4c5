"""Simulated users talking to a real `chatrec serve` (issue 13): do people get
somewhere in a conversation, not only in offline NDCG?

    python bench/simulate.py                     # 200 users, 3 liked films, <= 25 films
    python bench/simulate.py --users 50 --liked 5 --seed 1 --json

Agenda-based, in the manner of UserSimCRS. ML-100K is split per user in time (DESIGN
§7: each user's first 80% of ratings is the past, the rest the future); a server is
trained on the past only (registered with `chatrec data add`, served by `chatrec
serve`, spoken to over HTTP). Each simulated user is a test user with at least one
film in their future they rated >= 4 (a "hit") and at least N liked films in their
past. Their agenda, turn by turn:

1. tell their N most recent liked films, typed as people type them ("I loved the
   godfather") and, when the server took a same-titled film of another year, saying
   which ("I meant the 1962 one") — a film still linked to anything else is misheard;
2. ask ("what should I watch?");
3. react to each list in at most two messages: the shown films from their past they
   rated <= 2 are "not for me", the others from their past "I've seen" ("I've seen
   the first and the third");
4. after the first page without a hit, narrow to the genre at least half their likes
   share ("only drama films"), if there is one; otherwise page on ("more") —
stopping at a hit, after `--max-films` films shown, or after `--max-turns` turns.

Three kinds of user run the same agenda in one run: a stranger (step 1 skipped: the
floor), a session user (the product's path for every new web visitor), and a known user
(by their dataset id, with their whole past: the ceiling). Reported per kind: success
within the limits, turns and films to the first hit, misheard titles, and wall time.
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

KINDS = ("stranger", "session", "known")
LIKED, DISLIKED = 4.0, 2.0
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


def register_past(home: Path, catalog, past, dataset: str) -> None:
    """Write the past as CSV files and register them as a dataset of `home`."""
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
    run_cli(home, ["data", "add", NAME, "--ratings", str(folder / "ratings.csv"),
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
    def __init__(self, home: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.home = home
        self.proc = None
        self.start()

    def start(self) -> None:
        env = dict(os.environ, CHATREC_HOME=str(self.home), CHATREC_DATASET=NAME,
                   PYTHONPATH=str(ROOT))
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


# ---- users and their agendas ----------------------------------------------------------
def typed(title: str, rng: random.Random) -> str:
    """How a person types a catalog title: article first, no alias, often lowercase."""
    from models.data import natural_title
    t = natural_title(title)
    if t.endswith(")") and " (" in t:
        t = t[:t.rindex(" (")]
    return t.lower() if rng.random() < 0.5 else t


class User:
    """One test user: their past (what the server knows), the films of their future
    they rated >= 4 (hits), the liked films they tell and the genre most of them share."""

    def __init__(self, u, past, future, catalog, liked_n, rng, rows):
        items, values, stamps = rows
        self.uid = past.user_ids[u].item()
        self.past = dict(zip(items.tolist(), values.tolist()))
        fut_items, fut_values = future.user_items(u)
        self.hits = {int(i) for i, v in zip(fut_items, fut_values) if v >= LIKED}
        recent_first = items[np.lexsort((items, -stamps))].tolist()
        self.told = [i for i in recent_first if self.past[i] >= LIKED][:liked_n]
        liked = [i for i in self.past if self.past[i] >= LIKED]
        genres = Counter(g for i in liked for g in catalog.genres[i] if g != "unknown")
        top = genres.most_common(1)
        # narrows the list only when most of their likes share a genre ("only dramas")
        self.genre = top[0][0] if top and top[0][1] >= 0.5 * len(liked) else None
        self.typed = [typed(str(catalog.titles[i]), rng) for i in self.told]


def past_rows(past):
    """Per user index: (items, values, timestamps) of their past, in one pass."""
    order = np.argsort(past.users, kind="stable")
    bounds = np.searchsorted(past.users[order], np.arange(past.n_users + 1))
    return [(past.items[order[a:b]], past.values[order[a:b]], past.timestamps[order[a:b]])
            for a, b in zip(bounds[:-1], bounds[1:])]


def converse(server: Server, user: User, kind: str, catalog, max_films: int,
             max_turns: int, refine: bool = True) -> dict:
    """One agenda; returns what happened."""
    sid, turns, shown, misheard = None, 0, [], 0
    result = {"hit": False, "turn": None, "films_before": None, "misheard": 0}

    def say(message, **extra):
        nonlocal sid, turns
        body = {"message": message, **({"session_id": sid} if sid else {}), **extra}
        reply = server.call("POST", "/chat", body)
        sid, turns = reply["session_id"], turns + 1
        return reply

    extra = {"user_id": user.uid} if kind == "known" else {}
    if kind == "session":
        for i, words in zip(user.told, user.typed):
            q = say(f"I loved {words}")["query"]
            linked = {str(x) for x in q.get("item_ids") or []}
            if linked and not linked & siblings(catalog, i) and \
                    all(catalog.titles[catalog.index_of(x)] == catalog.titles[i]
                        for x in linked):             # the remake they didn't mean
                say(f"I meant the {int(catalog.years[i])} one")
                rated = server.call("GET", f"/sessions/{sid}")["ratings"]
                linked = {str(r["item_id"]) for r in rated}
            if linked & siblings(catalog, i):            # a same-titled copy is the film
                continue
            if not server.has_item(str(catalog.item_ids[i])):
                print(f"simulate: user {user.uid}'s liked film {catalog.titles[i]!r} is not "
                      "in the server's catalog; going on without it", file=sys.stderr)
            else:
                misheard += 1
                if os.environ.get("SIMULATE_VERBOSE"):
                    print(f"misheard: 'I loved {words}' -> {q.get('titles')}",
                          file=sys.stderr)
    reply = say("what should I watch?", **extra)
    narrowed = False
    while True:
        items = reply["items"]
        indices = [catalog.index_of(it["item_id"]) for it in items]
        for n, i in enumerate(indices):
            if i in user.hits:
                result.update(hit=True, turn=turns, films_before=len(shown) + n)
                break
        shown += indices
        if result["hit"] or len(shown) >= max_films or turns >= max_turns or not items:
            break
        disliked = [n for n, i in enumerate(indices, 1) if user.past.get(i, 5) <= DISLIKED]
        seen = [n for n, i in enumerate(indices, 1) if i in user.past and n not in disliked]
        for positions, text in ((disliked, "{} {} not for me"), (seen, "I've seen {}")):
            if positions and turns + 1 < max_turns:     # "I've seen the first and third"
                names = [f"the {_ORDINAL[n]}" for n in positions]
                said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + \
                    f" and {names[-1]}"
                verb = "is" if len(names) == 1 else "are"
                say(text.format(said, verb) if "{} {}" in text else text.format(said))
        if refine and not narrowed and user.genre and turns + 1 < max_turns:
            reply, narrowed = say(f"only {user.genre.lower()} films"), True
        else:
            reply = say("more")
    result["misheard"] = misheard
    result["turns"] = turns
    result["shown"] = len(shown)
    return result


_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
            7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}


def siblings(catalog, i: int) -> set[str]:
    """Ids of the items that share item i's title and year (the recbole copy of
    ML-100K lists some films twice), i's own included."""
    key = (str(catalog.titles[i]), int(catalog.years[i]))
    return {str(catalog.item_ids[j]) for j in range(len(catalog))
            if (str(catalog.titles[j]), int(catalog.years[j])) == key}


def summarise(results: list[dict]) -> dict:
    hits = [r for r in results if r["hit"]]
    return {"users": len(results), "success": round(len(hits) / max(1, len(results)), 3),
            "median_turn_to_hit": statistics.median(r["turn"] for r in hits) if hits else None,
            "median_films_before_hit": statistics.median(r["films_before"] for r in hits)
            if hits else None,
            "misheard_titles": sum(r["misheard"] for r in results),
            "median_films_shown": statistics.median(r["shown"] for r in results),
            "median_turns": statistics.median(r["turns"] for r in results)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--liked", type=int, default=3, help="liked films each user tells")
    ap.add_argument("--max-films", type=int, default=25)
    ap.add_argument("--max-turns", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dataset", default="ml-100k")
    ap.add_argument("--no-refine", action="store_true",
                    help="skip step 4's narrowing to the users' main genre (to see its cost)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="chatrec-sim-"))
    server = None
    try:
        catalog, ratings, past, future = split_data(args.dataset)
        rng = random.Random(args.seed)
        eligible = []
        rows = past_rows(past)
        for u in range(past.n_users):
            user = User(u, past, future, catalog, args.liked, rng, rows[u])
            if user.hits and len(user.told) == args.liked:
                eligible.append(user)
        users = rng.sample(eligible, min(args.users, len(eligible)))
        register_past(home, catalog, past, args.dataset)
        started = time.perf_counter()
        server = Server(home)
        ready = time.perf_counter() - started
        report = {"eligible_users": len(eligible), "server_ready_s": round(ready, 1)}
        for kind in KINDS:
            t0 = time.perf_counter()
            results = [converse(server, user, kind, catalog, args.max_films, args.max_turns,
                                refine=not args.no_refine) for user in users]
            report[kind] = summarise(results) | {"seconds": round(time.perf_counter() - t0, 1)}
        s, st = report["session"]["success"], report["stranger"]["success"]
        report["session_vs_stranger"] = round(s / st, 2) if st else None
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(f"{len(users)} simulated users (of {len(eligible)} eligible), {args.liked} "
                  f"liked films told, at most {args.max_films} films / {args.max_turns} turns"
                  f"{', no genre narrowing' if args.no_refine else ''}")
            for kind in KINDS:
                r = report[kind]
                print(f"  {kind:8} success {r['success']:.0%}  turn to hit "
                      f"{r['median_turn_to_hit']}  films before {r['median_films_before_hit']}"
                      f"  misheard {r['misheard_titles']}  films shown "
                      f"{r['median_films_shown']}  turns {r['median_turns']}  {r['seconds']} s")
            print(f"  session / stranger = {report['session_vs_stranger']}")
        return 0
    except Stop as e:
        print(f"simulate: {e}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
