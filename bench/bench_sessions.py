"""Session stores and /metrics under load (issue 10): wrk against real `chatrec serve`.

    python bench/bench_sessions.py                    # everything, 3 runs of 30 s each
    python bench/bench_sessions.py --part stores --runs 1 --duration 10
    python bench/bench_sessions.py --part metrics     # /metrics on vs CHATREC_METRICS=off
    python bench/bench_sessions.py --part kill        # kill -9 mid-load, count lost ratings

stores: POST /chat (bench/chat.lua, 32 connections) with SQLite and with PostgreSQL, 1 and
2 workers, and two servers (standing in for two hosts, one worker each) sharing one
PostgreSQL database with wrk driving both at once (16 + 16 connections). Cases are
interleaved run by run so machine noise hits them alike; medians are reported.
PostgreSQL is a throwaway cluster (tests/pgcluster.py) with its defaults (fsync and
synchronous_commit on: a commit survives an OS crash; SQLite's default survives a
killed server, not an OS crash).

kill: two servers share one PostgreSQL database; 16 client threads send "I loved X"
(one film per request, each in a new server-issued session) to both; server A is killed with SIGKILL
mid-load; afterwards every rating a client saw acknowledged (HTTP 200 "Noted") must be
in the database. Lost acknowledged ratings must be 0.

Needs wrk, PostgreSQL server binaries, psycopg (pip install -e '.[postgres]') and a
trained data home ($CHATREC_HOME).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_http import free_port, median_of, run_wrk, scratch_home, start_server, stop_server  # noqa: E402

from tests.pgcluster import PgCluster  # noqa: E402

_db_numbers = iter(range(1, 10_000))


class Deployment:
    """One or two `chatrec serve` processes on a store; stopped by `stop()`."""

    def __init__(self, store: str, workers: int, servers: int, cluster: PgCluster | None,
                 env: dict | None = None):
        self.home = scratch_home()
        saved = dict(os.environ)
        os.environ.update(env or {})
        if store == "postgres":
            os.environ["CHATREC_SESSIONS_URL"] = cluster.create_database(
                f"bench{next(_db_numbers)}")
        else:
            os.environ.pop("CHATREC_SESSIONS_URL", None)
        self.url = os.environ.get("CHATREC_SESSIONS_URL")
        try:
            self.ports = [free_port() for _ in range(servers)]
            self.procs = [start_server(p, workers, self.home) for p in self.ports]
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def stop(self) -> None:
        for p in self.procs:
            stop_server(p)
        shutil.rmtree(self.home, ignore_errors=True)


def _proc_stats() -> dict[int, tuple[int, int, float]]:
    """pid -> (process group, parent, CPU seconds used) for every process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(entry)] = (int(fields[2]), int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_seconds(dep: "Deployment", cluster: PgCluster | None) -> dict:
    """CPU used so far by the deployment's servers (their process groups) and by the
    PostgreSQL cluster (its postmaster and children)."""
    stats = _proc_stats()
    groups = {p.pid for p in dep.procs}
    chatrec = sum(cpu for pgrp, _, cpu in stats.values() if pgrp in groups)
    pg = 0.0
    if cluster is not None and cluster.dir is not None:
        try:
            master = int((cluster.dir / "data" / "postmaster.pid").read_text().split()[0])
            pg = sum(cpu for pid, (_, ppid, cpu) in stats.items() if master in (pid, ppid))
        except (OSError, ValueError):
            pass
    return {"chatrec": chatrec, "postgres": pg}


def wrk_all(dep: Deployment, connections: int, duration: int) -> dict:
    """wrk against every server of the deployment at once; summed req/s, worst p99."""
    per = max(1, connections // len(dep.ports))
    results = [None] * len(dep.ports)

    def one(n, port):
        results[n] = run_wrk(f"http://127.0.0.1:{port}/chat", HERE / "chat.lua", per, duration)
    threads = [threading.Thread(target=one, args=(n, p)) for n, p in enumerate(dep.ports)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {k: max(r[k] for r in results) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")}
    for k in ("rps", "requests", "socket_errors", "non_2xx", "5xx"):
        out[k] = sum(r[k] for r in results)
    return out


def bench_cases(cases: dict, runs: int, duration: int, connections: int,
                cluster: PgCluster | None = None) -> dict:
    """Every case started once, measured `runs` times, interleaved. Besides req/s, the
    server CPU per request (ms): robust to other jobs on the machine, which take CPU
    time away from the servers but do not add to what a request costs."""
    deps = {}
    try:
        for name, make in cases.items():
            deps[name] = make()
            wrk_all(deps[name], connections, 3)   # warm-up, not measured
        samples = {name: [] for name in cases}
        for _ in range(runs):
            for name, dep in deps.items():
                before = cpu_seconds(dep, cluster)
                r = wrk_all(dep, connections, duration)
                after = cpu_seconds(dep, cluster)
                for part in ("chatrec", "postgres"):
                    r[f"cpu_ms_{part}"] = 1000 * (after[part] - before[part]) / max(
                        r["requests"], 1)
                samples[name].append(r)
                print(name, round(r["rps"]), "req/s", round(r["cpu_ms_chatrec"], 3),
                      "+", round(r["cpu_ms_postgres"], 3), "CPU ms/req", file=sys.stderr,
                      flush=True)
    finally:
        for dep in deps.values():
            dep.stop()
    return {name: {"median": median_of(rs), "rps_runs": [round(r["rps"]) for r in rs],
                   **{f"cpu_ms_per_request_{part}": round(statistics.median(
                       r[f"cpu_ms_{part}"] for r in rs), 3) for part in ("chatrec", "postgres")}}
            for name, rs in samples.items()}


def hook_cost_us(n: int = 20_000) -> float:
    """In-process: microseconds the metrics add to one POST /chat (the middleware's
    count and histogram, and the body hook), on a real reply body; median of 5."""
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    import tempfile

    from chatrec.server.metrics import Metrics
    from chatrec.service import build_service
    body = build_service(sessions_path=Path(tempfile.mkdtemp()) / "s.db").turn(
        "movies like star wars")
    m = Metrics()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            m.observe_request("POST", "/chat", 200, 0.002)
            m.observe_chat(body)
        times.append((time.perf_counter() - t0) / n * 1e6)
    return round(statistics.median(times), 2)


def kill_test(cluster: PgCluster, seconds: float = 12.0, threads: int = 16) -> dict:
    """Acknowledged ratings vs what the database holds after a kill -9 mid-load."""
    import psycopg

    from chatrec.training.trainer import load_or_train

    titles = [str(t) for t in load_or_train().catalog.titles[:400]]
    dep = Deployment("postgres", 1, 2, cluster)
    acked: list[tuple[str, str]] = []
    errors = {"a": 0, "b": 0}
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n):
        with httpx.Client(timeout=5) as http:
            k = 0
            while time.monotonic() < stop_at:
                k += 1
                which = "a" if k % 2 else "b"
                port = dep.ports[0 if which == "a" else 1]
                title = titles[(n * 7919 + k) % len(titles)]
                try:  # a new session each time, its id issued by the server
                    r = http.post(f"http://127.0.0.1:{port}/chat",
                                  json={"message": f"I loved {title}"})
                except httpx.HTTPError:
                    with lock:
                        errors[which] += 1
                    continue
                body = r.json() if r.status_code == 200 else {}
                if body.get("reply", "").startswith("Noted"):
                    with lock:
                        acked.append((body["session_id"], str(body["query"].get("item_id"))))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    time.sleep(seconds / 2)
    os.killpg(dep.procs[0].pid, 9)             # server A dies mid-load
    killed_at = len(acked)
    for w in workers:
        w.join()
    with psycopg.connect(dep.url) as conn:
        stored = set(conn.execute("SELECT session_id, item_id FROM ratings").fetchall())
    dep.stop()
    lost = [a for a in acked if a not in stored]
    return {"acknowledged": len(acked), "acknowledged_before_kill": killed_at,
            "client_errors": errors, "stored": len(stored), "lost": len(lost),
            "lost_examples": lost[:5]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=("all", "stores", "metrics", "kill"), default="all")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    cluster = PgCluster(fsync=True)
    cluster.start()
    result = {"config": vars(args), "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        if args.part in ("all", "stores"):
            cases = {
                "sqlite-1w": lambda: Deployment("sqlite", 1, 1, cluster),
                "postgres-1w": lambda: Deployment("postgres", 1, 1, cluster),
                "sqlite-2w": lambda: Deployment("sqlite", 2, 1, cluster),
                "postgres-2w": lambda: Deployment("postgres", 2, 1, cluster),
                "postgres-2servers": lambda: Deployment("postgres", 1, 2, cluster),
            }
            result["stores"] = bench_cases(cases, args.runs, args.duration, args.connections,
                                           cluster)
        if args.part in ("all", "metrics"):
            cases = {
                "metrics-on": lambda: Deployment("sqlite", 1, 1, cluster),
                "metrics-off": lambda: Deployment("sqlite", 1, 1, cluster,
                                                  {"CHATREC_METRICS": "off"}),
            }
            m = bench_cases(cases, args.runs, args.duration, args.connections)
            m["cost_percent"] = {
                "rps": round(100 * (1 - m["metrics-on"]["median"]["rps"]
                                    / m["metrics-off"]["median"]["rps"]), 1),
                "cpu_per_request": round(100 * (m["metrics-on"]["cpu_ms_per_request_chatrec"]
                                                / m["metrics-off"]["cpu_ms_per_request_chatrec"]
                                                - 1), 1)}
            m["hook_us_per_request"] = hook_cost_us()
            m["hook_percent_of_request_cpu"] = round(
                100 * m["hook_us_per_request"] / 1000 / m["metrics-off"]["cpu_ms_per_request_chatrec"], 2)
            result["metrics"] = m
        if args.part in ("all", "kill"):
            result["kill"] = kill_test(cluster)
    finally:
        cluster.stop()
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))
    if "stores" in result:
        print(f"{'case':<20}{'req/s':>8}{'p50':>8}{'p99':>8}{'errors':>8}{'non-2xx':>9}",
              file=sys.stderr)
        for name, r in result["stores"].items():
            m = r["median"]
            print(f"{name:<20}{m['rps']:>8.0f}{m['p50_ms']:>8.1f}{m['p99_ms']:>8.1f}"
                  f"{m['socket_errors']:>8}{m['non_2xx']:>9}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
