"""HTTP load test: `wrk` against a real `chatrec serve --workers 1` on 127.0.0.1.

    python bench/bench_http.py                 # 32 connections, 30 s, 3 runs each
    python bench/bench_http.py --duration 10 --runs 1 --port 8123

Runs POST /chat (bench/chat.lua: a rotating mix of realistic messages in short
sessions) and GET /health (bench/health.lua: the ceiling of the stack on this machine),
alternating, and prints every run plus the median of each metric as JSON and a table.
Targets (issue 4): /chat >= 800 req/s, p99 < 50 ms, zero errors and zero 5xx.
wrk gets one thread: on a 2-core machine the other core is the server's.
Needs `wrk` (apt-get install -y wrk) and a trained data home ($CHATREC_HOME).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout: python bench/bench_http.py
TARGETS = {"rps": 800.0, "p99_ms": 50.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_home() -> str:
    """A temporary data home that shares the real one's datasets and artifacts but has
    its own sessions database: the ~50k sessions of a run stay out of the user's, and
    every run starts from the same empty database."""
    from chatrec.data.home import data_home

    real = data_home()
    tmp = tempfile.mkdtemp(prefix="chatrec-bench-")
    for name in ("datasets", "artifacts"):
        (real / name).mkdir(exist_ok=True)
        os.symlink(real / name, Path(tmp) / name)
    return tmp


def start_server(port: int, workers: int, home: str, extra_args=(),
                 extra_env=None, tree: Path | None = None) -> subprocess.Popen:
    """`chatrec serve` in its own process group; waits for /health (training if cold).
    tree: run the chatrec of another checkout (bench_http_compare.py)."""
    env = dict(os.environ, CHATREC_HOME=home, **(extra_env or {}))
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    cmd = [sys.executable, "-m", "chatrec.cli.main", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), *extra_args]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=tree)
    proc.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 600
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            stop_server(proc)
            sys.exit(f"server did not start:\n{log.read().decode(errors='replace')[-3000:]}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)  # the server's own group: uvicorn and its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def run_wrk(url: str, script: Path, connections: int, duration: int, prefix=()) -> dict:
    """prefix: a command wrk runs under (["taskset", "-c", "0"] to pin it)."""
    cmd = [*prefix, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency",
           "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            result = json.loads(line[len("WRK_JSON "):])
            result["non_2xx"] = sum(n for code, n in result["statuses"].items()
                                    if not code.startswith("2"))
            result["5xx"] = sum(n for code, n in result["statuses"].items()
                                if code.startswith("5"))
            result["socket_errors"] = sum(v for k, v in result["errors"].items()
                                          if k != "status")
            return result
    sys.exit(f"wrk gave no summary:\n{out.stdout}\n{out.stderr}")


def median_of(runs: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms")
    med = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    for k in ("socket_errors", "non_2xx", "5xx", "requests"):
        med[k] = sum(r[k] for r in runs)  # errors: totals over all runs, not medians
    return med


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=int, default=30, help="seconds per run")
    ap.add_argument("--runs", type=int, default=3, help="runs per endpoint (median)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--port", type=int, default=0, help="default: a free port")
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    home = scratch_home()
    proc = start_server(port, args.workers, home)
    runs: dict[str, list[dict]] = {"chat": [], "health": []}
    load_before = os.getloadavg()  # other work on the machine skews every number
    try:
        # warm-up: first requests load lazy caches; not measured
        run_wrk(f"{base}/chat", HERE / "chat.lua", args.connections, 3)
        for _ in range(args.runs):
            runs["chat"].append(run_wrk(f"{base}/chat", HERE / "chat.lua",
                                        args.connections, args.duration))
            runs["health"].append(run_wrk(f"{base}/health", HERE / "health.lua",
                                          args.connections, args.duration))
        with urllib.request.urlopen(f"{base}/health", timeout=5) as r:
            healthy_after = r.status == 200
    finally:
        stop_server(proc)
        shutil.rmtree(home, ignore_errors=True)  # symlinks only: the real data stays
    result = {
        "config": {"connections": args.connections, "duration_s": args.duration,
                   "runs": args.runs, "workers": args.workers, "cpus": os.cpu_count()},
        "median": {name: median_of(rs) for name, rs in runs.items()},
        "runs": runs, "healthy_after": healthy_after,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }
    chat = result["median"]["chat"]
    result["targets_met"] = (chat["rps"] >= TARGETS["rps"] and chat["p99_ms"] < TARGETS["p99_ms"]
                             and chat["socket_errors"] == 0 and chat["non_2xx"] == 0)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0 if result["targets_met"] else 1
    print(f"{'endpoint':<12}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'errors':>8}{'non-2xx':>9}{'5xx':>6}")
    for name, m in result["median"].items():
        print(f"{name:<12}{m['rps']:>9.0f}{m['p50_ms']:>9.2f}{m['p90_ms']:>9.2f}"
              f"{m['p99_ms']:>9.2f}{m['max_ms']:>9.1f}{m['socket_errors']:>8}"
              f"{m['non_2xx']:>9}{m['5xx']:>6}")
    print("load average before/after (1, 5, 15 min):", result["loadavg_before"],
          result["loadavg_after"])
    print("per run (/chat req/s):", [round(r["rps"]) for r in runs["chat"]])
    print("per run (/health req/s):", [round(r["rps"]) for r in runs["health"]])
    print("targets met:" if result["targets_met"] else "targets NOT met:",
          f"/chat >= {TARGETS['rps']:.0f} req/s, p99 < {TARGETS['p99_ms']:.0f} ms, no errors")
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
