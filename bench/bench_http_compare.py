"""POST /chat throughput of this checkout against another one, or against a bare
FastAPI app, interleaved.

    git worktree add --detach /tmp/chatrec-before REV     # or: git archive REV | tar -x -C DIR
    python bench/bench_http_compare.py --against /tmp/chatrec-before --rounds 6
    python bench/bench_http_compare.py --against bare --rounds 6    # issue 22's ratio

`--against bare` serves bench/bare_app.py (a pydantic body, a JSON answer of the same
shape, no turn) on the same uvicorn with the same h11 protocol: the rps ratio is what
chatrec's stack and turn cost above FastAPI's own. `--workers 2` serves both with two
worker processes; `--pin` runs wrk on CPU 0 and the servers on the others (taskset).

Each round starts `chatrec serve --workers 1` from each tree in turn (alternating which
goes first), warms it up, and runs wrk (32 connections, bench/chat.lua from THIS tree,
so both serve the same requests). Reported per tree: req/s, p99, and the server's CPU
time per request (user + system from /proc, less sensitive than req/s to other load on
the machine); then the ratios of the medians and the median of the per-round ratios.
Both trees use this interpreter and a scratch sessions DB; artifacts come from
$CHATREC_HOME, or for the other tree from --against-home (give it its own trained home
when the trees' model code differs: a model's code hash is part of its artifact's key,
so sharing one home makes each start retrain what the other wrote).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_http import free_port, run_wrk, scratch_home, start_server, stop_server  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def start_bare(port: int, workers: int) -> subprocess.Popen:
    """bench/bare_app.py on uvicorn (h11, asyncio: what `chatrec serve` runs on)."""
    cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE),
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--http", "h11", "--loop", "asyncio", "--log-level", "warning",
           "--no-access-log"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=_pin_server)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    sys.exit("the bare app did not start")


def _pin_server() -> None:
    if PIN and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, os.sched_getaffinity(0) - {0})


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a server and its worker processes (uvicorn --workers N)."""
    total = cpu_seconds(pid)
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with suppress(OSError):
            total += cpu_seconds(int(child))
    return total


def one_run(tree: Path | str, duration: int, connections: int, data_home: Path | None = None,
            workers: int = 1) -> dict:
    if data_home is not None:
        os.environ["CHATREC_HOME"] = str(data_home)
    port, home = free_port(), scratch_home()
    if tree == "bare":
        proc = start_bare(port, workers)
    else:
        proc = start_server(port, workers, home, tree=tree)
        if PIN:
            _pin_tree(proc.pid)
    url = f"http://127.0.0.1:{port}/chat"
    wrk = ["taskset", "-c", "0"] if PIN else []
    try:
        run_wrk(url, HERE / "chat.lua", connections, 3, prefix=wrk)  # warm-up
        cpu = tree_cpu_seconds(proc.pid)
        out = run_wrk(url, HERE / "chat.lua", connections, duration, prefix=wrk)
        out["cpu_ms_per_request"] = round(
            (tree_cpu_seconds(proc.pid) - cpu) * 1000 / max(1, out["requests"]), 4)
    finally:
        stop_server(proc)
        shutil.rmtree(home, ignore_errors=True)
    out["loadavg"] = round(os.getloadavg()[0], 2)
    return out


def _pin_tree(pid: int) -> None:
    """Move a started server and its workers off CPU 0 (wrk's)."""
    cpus = os.sched_getaffinity(0) - {0}
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    for p in pids:
        with suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                os.sched_setaffinity(int(task), cpus)


PIN = False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", required=True,
                    help="the other checkout, or 'bare' (bench/bare_app.py)")
    ap.add_argument("--against-home", type=Path, default=None,
                    help="a trained data home for the other tree (default: $CHATREC_HOME)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--duration", type=int, default=20, help="seconds of wrk per run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=1, help="worker processes of both servers")
    ap.add_argument("--pin", action="store_true",
                    help="wrk on CPU 0, the servers on the other CPUs")
    args = ap.parse_args()
    global PIN
    PIN = args.pin
    against = "bare" if args.against == "bare" else Path(args.against).resolve()
    trees = {"this": HERE.parent, "against": against}
    homes = {"this": Path(os.environ.get("CHATREC_HOME", "")) or None,
             "against": args.against_home}
    runs: dict[str, list[dict]] = {"this": [], "against": []}
    for r in range(args.rounds):
        order = ["this", "against"] if r % 2 == 0 else ["against", "this"]
        for name in order:
            out = one_run(trees[name], args.duration, args.connections,
                          homes[name] or homes["this"], args.workers)
            runs[name].append(out)
            print(f"round {r + 1} {name:8} {out['rps']:8.0f} req/s  p99 {out['p99_ms']:7.1f} ms"
                  f"  cpu {out['cpu_ms_per_request']:.3f} ms/req  non-2xx {out['non_2xx']}"
                  f"  load {out['loadavg']}", flush=True)
    med = {n: {k: round(statistics.median(x[k] for x in rs), 3)
               for k in ("rps", "p99_ms", "cpu_ms_per_request")} for n, rs in runs.items()}
    paired = [a["rps"] / b["rps"] for a, b in zip(runs["this"], runs["against"])]
    cpu_paired = [a["cpu_ms_per_request"] / b["cpu_ms_per_request"]
                  for a, b in zip(runs["this"], runs["against"])]
    result = {"against": str(trees["against"]), "workers": args.workers, "pinned": PIN,
              "loadavg": [round(x, 2) for x in os.getloadavg()], "median": med,
              "rps_ratio_of_medians": round(med["this"]["rps"] / med["against"]["rps"], 3),
              "rps_median_paired_ratio": round(statistics.median(paired), 3),
              "cpu_per_request_median_paired_ratio": round(statistics.median(cpu_paired), 3),
              "non_2xx": {n: sum(x["non_2xx"] for x in rs) for n, rs in runs.items()}}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
