"""The ml-25m case of bench/bench_scale.py: the product's own commands on a synthetic
dataset of ML-25M's shape, each in its own process (not product code).

1. data   the synthetic folder (bench/_scale_data.py, ML-25M file layout) registered
          with `chatrec data add NAME --from FOLDER` in a fresh $CHATREC_HOME
2. start  `chatrec ask "what's popular"` on that home: a start trains only the routes'
          models (and their diversity weights); the manifest must hold nothing else
3. train  `chatrec train --models M --force` for every model, one process each: wall
          time, peak RSS (the process's own, from wait4), fit seconds and the estimate
          the trainer showed before starting it (chatrec/training/budget.py)
4. turns  bench/_scale_turns.py: the start, loading the routes' models, the first turn
          of each route, and warm turns (median, p95), then a second process without
          the preload (what `chatrec ask` pays)

Targets (issue 22): every model < 10 min and < 8 GB; popular and recommend < 20 ms,
similar < 50 ms warm; the first turn of each route < 0.5 s after the start.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _scale_data import movielens_folder

HERE = Path(__file__).resolve().parent
LIMIT_S, LIMIT_GB = 600, 8.0
TURN_TARGETS_MS = {"popular": 20, "recommend": 20, "similar": 50}
FIRST_TURN_MS = 500
SHAPE = dict(n_users=162_541, n_items=59_047, n_ratings=25_000_095)


def _run(cmd: list[str], env: dict) -> dict:
    """Run a child; wall seconds, its own peak RSS (GiB), stdout, stderr tail, code."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return {"wall_s": round(time.perf_counter() - t, 1),
                "rss_gb": round(usage.ru_maxrss / 1024**2, 2), "code": proc.returncode,
                "stdout": out.read().decode(), "stderr": err.read().decode()[-3000:]}


def _chatrec(*args: str) -> list[str]:
    return [sys.executable, "-m", "chatrec.cli.main", *args]


def run(fraction: float = 1.0, home: str | None = None, models: list[str] | None = None,
        turns: int = 200, parts: tuple[str, ...] = ("data", "start", "train", "turns")) -> dict:
    from models.registry import MODELS
    shape = {k: int(v * fraction) if k != "n_items" else v for k, v in SHAPE.items()}
    name = "synth-25m" if fraction == 1 else f"synth-25m-x{fraction:g}"
    home = home or tempfile.mkdtemp(prefix="chatrec-scale-home-")
    env = {**os.environ, "CHATREC_HOME": home, "PYTHONPATH": str(HERE.parent)}
    out: dict = {"case": "ml-25m", "dataset": name, "home": home, "fraction": fraction,
                 "load_before": os.getloadavg()}
    if "data" in parts:
        t = time.perf_counter()
        folder = movielens_folder(**shape)
        out["data"] = {"generate_s": round(time.perf_counter() - t, 1), "folder": str(folder)}
        r = _run(_chatrec("data", "add", name, "--from", str(folder)), env)
        out["data"].update(add_s=r["wall_s"], rss_gb=r["rss_gb"], said=r["stderr"].strip())
    if "start" in parts:
        r = _run(_chatrec("ask", "what's popular", "--dataset", name, "--json"), env)
        manifest = json.loads((Path(home) / "artifacts" / name / "manifest.json").read_text())
        out["start"] = {"wall_s": r["wall_s"], "rss_gb": r["rss_gb"], "code": r["code"],
                        "trained": {n: e["fit_seconds"] for n, e in manifest["models"].items()},
                        "diversity": {k: v.get("weight") for k, v in manifest["diversity"].items()},
                        "answered": bool(r["code"] == 0 and json.loads(r["stdout"])["items"])}
    if "train" in parts:
        out["train"] = {}
        for m in models or list(MODELS):
            r = _run(_chatrec("train", "--dataset", name, "--models", m, "--force", "--json"), env)
            row = {"wall_s": r["wall_s"], "rss_gb": r["rss_gb"], "code": r["code"]}
            if r["code"] in (0, 1) and r["stdout"].strip():
                summary = json.loads(r["stdout"])
                entry = summary["models"].get(m, {})
                row.update(fit_s=entry.get("fit_seconds"), estimate_s=entry.get("estimated_seconds"),
                           skipped=summary["skipped"].get(m), failed=summary["failed"].get(m))
            else:
                row["error"] = r["stderr"][-500:]
            row["ok"] = row["wall_s"] < LIMIT_S and row["rss_gb"] < LIMIT_GB and \
                r["code"] == 0 and not row.get("skipped")
            out["train"][m] = row
            print(json.dumps({m: row}), file=sys.stderr, flush=True)
    if "turns" in parts:
        script = str(HERE / "_scale_turns.py")
        warm = _run([sys.executable, script, name, str(turns), "warm"], env)
        cold = _run([sys.executable, script, name, "1", "cold"], env)
        out["turns"] = {**_last_json(warm), **_last_json(cold), "rss_gb": warm["rss_gb"]}
    out["load_after"] = os.getloadavg()
    out["ok"] = _ok(out)
    return out


def _last_json(r: dict) -> dict:
    try:
        return json.loads(r["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": r["stderr"][-800:]}


def _ok(out: dict) -> bool:
    ok = all(row["ok"] for row in out.get("train", {}).values())
    if "start" in out:
        ok &= out["start"]["answered"]
    t = out.get("turns")
    if t:
        warm = t.get("warm_ms", {})
        ok &= all(warm.get(r, {}).get("median", 1e9) < ms for r, ms in TURN_TARGETS_MS.items())
        ok &= all(ms < FIRST_TURN_MS for ms in t.get("first_ms", {1: 1e9}).values())
    return bool(ok)
