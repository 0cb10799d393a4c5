"""POST /chat throughput of this checkout against another one, interleaved.

    git worktree add --detach /tmp/chatrec-before REV     # or: git archive REV | tar -x -C DIR
    python bench/bench_http_compare.py --against /tmp/chatrec-before --rounds 6

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
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_http import free_port, run_wrk, scratch_home, start_server, stop_server  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def one_run(tree: Path, duration: int, connections: int, data_home: Path | None = None
            ) -> dict:
    if data_home is not None:
        os.environ["CHATREC_HOME"] = str(data_home)
    port, home = free_port(), scratch_home()
    proc = start_server(port, 1, home, tree=tree)
    url = f"http://127.0.0.1:{port}/chat"
    try:
        run_wrk(url, HERE / "chat.lua", connections, 3)  # warm-up
        cpu = cpu_seconds(proc.pid)
        out = run_wrk(url, HERE / "chat.lua", connections, duration)
        out["cpu_ms_per_request"] = round(
            (cpu_seconds(proc.pid) - cpu) * 1000 / max(1, out["requests"]), 4)
    finally:
        stop_server(proc)
        shutil.rmtree(home, ignore_errors=True)
    out["loadavg"] = round(os.getloadavg()[0], 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", type=Path, required=True, help="the other checkout")
    ap.add_argument("--against-home", type=Path, default=None,
                    help="a trained data home for the other tree (default: $CHATREC_HOME)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--duration", type=int, default=20, help="seconds of wrk per run")
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    trees = {"this": HERE.parent, "against": args.against.resolve()}
    homes = {"this": Path(os.environ.get("CHATREC_HOME", "")) or None,
             "against": args.against_home}
    runs: dict[str, list[dict]] = {"this": [], "against": []}
    for r in range(args.rounds):
        order = ["this", "against"] if r % 2 == 0 else ["against", "this"]
        for name in order:
            out = one_run(trees[name], args.duration, args.connections,
                          homes[name] or homes["this"])
            runs[name].append(out)
            print(f"round {r + 1} {name:8} {out['rps']:8.0f} req/s  p99 {out['p99_ms']:7.1f} ms"
                  f"  cpu {out['cpu_ms_per_request']:.3f} ms/req  non-2xx {out['non_2xx']}"
                  f"  load {out['loadavg']}", flush=True)
    med = {n: {k: round(statistics.median(x[k] for x in rs), 3)
               for k in ("rps", "p99_ms", "cpu_ms_per_request")} for n, rs in runs.items()}
    paired = [a["rps"] / b["rps"] for a, b in zip(runs["this"], runs["against"])]
    cpu_paired = [a["cpu_ms_per_request"] / b["cpu_ms_per_request"]
                  for a, b in zip(runs["this"], runs["against"])]
    result = {"median": med,
              "rps_ratio_of_medians": round(med["this"]["rps"] / med["against"]["rps"], 3),
              "rps_median_paired_ratio": round(statistics.median(paired), 3),
              "cpu_per_request_median_paired_ratio": round(statistics.median(cpu_paired), 3),
              "non_2xx": {n: sum(x["non_2xx"] for x in rs) for n, rs in runs.items()}}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
