"""The multi-turn dialogue corpus (tests/dialogues/*.dlg) against a real `chatrec
serve`, scored per file: turns right, dialogues entirely right, and every failure.

    python bench/bench_dialogues.py                 # starts a server on a free port
    python bench/bench_dialogues.py --url http://127.0.0.1:8000

The server uses $CHATREC_HOME's trained artifacts (trained on first use) and a
scratch sessions database, so your own sessions are untouched. Each turn is judged
only from the POST /chat body and GET /sessions/{id} (tests/dialogues/judge.py).
written_first.dlg was written before the conversation features existed (issue 7) and
is reported on its own. Target: >= 95% of turns right in every file.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dialogues.judge import HttpClient, parse, run_file  # noqa: E402

TARGET = 0.95


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    """`chatrec serve` on a scratch home that shares the real home's artifacts."""
    from chatrec.data.home import data_home
    from chatrec.training.trainer import load_or_train

    load_or_train()                       # train once in the real home if needed
    real = data_home()
    for part in ("datasets", "artifacts"):
        (home / part).symlink_to(real / part, target_is_directory=True)
    port = free_port()
    env = dict(os.environ, CHATREC_HOME=str(home), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli.main", "serve", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("bench_dialogues: the server did not start within 120 s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="an already running server (default: start one)")
    ap.add_argument("--write", metavar="FILE", help="also write the markdown report here")
    ap.add_argument("--files", nargs="+", type=Path, metavar="DLG",
                    help="dialogue files to run (default: tests/dialogues/*.dlg); e.g. "
                    "the blind sets in bench/dialogues/")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="chatrec-dialogues-"))
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(scratch)
    try:
        lines = ["| file | dialogues | turns | turns right | dialogues entirely right |",
                 "|---|---:|---:|---:|---:|"]
        failures, ok_all = [], True
        for path in args.files or sorted((ROOT / "tests" / "dialogues").glob("*.dlg")):
            started = time.perf_counter()
            results = run_file(path, HttpClient(url))
            seconds = time.perf_counter() - started
            names = {r.dialogue for r in results}
            whole = sum(all(r.ok for r in results if r.dialogue == n) for n in names)
            right = sum(r.ok for r in results)
            share = right / len(results)
            ok_all &= share >= TARGET
            lines.append(f"| {path.name} | {len(parse(path))} | {len(results)} | "
                         f"{right} ({share:.1%}) | {whole} | ")
            failures += [f"- {path.name}: {r.dialogue} #{r.turn} `{r.message}`: "
                         f"{'; '.join(r.failures)[:300]}" for r in results if not r.ok]
            print(f"{path.name}: {right}/{len(results)} turns ({share:.1%}), "
                  f"{whole}/{len(names)} dialogues, {seconds:.1f} s", file=sys.stderr)
        report = "\n".join(["# Dialogue corpus", "",
                            "Command: `python bench/bench_dialogues.py`", "", *lines, "",
                            "Failures:" if failures else "No failures.", *failures])
        print(report)
        if args.write:
            Path(args.write).write_text(report + "\n")
        return 0 if ok_all else 1
    finally:
        if proc is not None:
            os.killpg(proc.pid, 15)
            proc.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
