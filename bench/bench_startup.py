"""Start-up times a person sees, with an already trained $CHATREC_HOME:

- `chatrec chat` in a pseudo-terminal (the prompt-toolkit path, as a person sees it):
  launch -> first prompt, and -> the first answer;
- `chatrec ask "hi"` and `chatrec ask "3 movies like The Godfather"`: launch -> exit
  (wall clock); the second loads the similar route's model, the first no model;
- with --first-run: `chatrec ask "hi"` on a data home holding only the dataset files
  (copied from $CHATREC_HOME: no download), so it times parse + train + answer, once.

    python bench/bench_startup.py --runs 7 [--first-run]
    python bench/bench_startup.py --runs 7 --baseline ../main-checkout \\
        --baseline-home /path/to/its/trained/home

With --baseline, the same measurements run on another checkout (e.g. main) in the
same rounds, alternating which goes first, and the report gives the median of the
per-round ratios. Each
checkout needs its own trained home (the artifacts record the code that built them).
Children run with bytecode caching on (as an installed package has it), whatever
PYTHONDONTWRITEBYTECODE says here.

Targets (issue 8): warm `ask "hi"` < 0.4 s; REPL start to prompt < 0.8 s; the first
run on an empty home < 15 s. Medians over --runs (after one uncounted warm-up round).
"""
from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = b"you>"  # prompt-toolkit moves the cursor before the space
HERE = Path(__file__).resolve().parents[1]  # this checkout
ASKS = {"ask_hi_s": "hi", "ask_similar_s": "3 movies like The Godfather"}


def read_until(fd: int, marker: bytes, timeout: float, buf: bytearray) -> float:
    """Read the pty until `marker` appears after what is in `buf`; return the time."""
    start_len = len(buf)
    deadline = time.perf_counter() + timeout
    while marker not in buf[start_len:]:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError(f"no {marker!r} within {timeout} s; got {bytes(buf[-500:])!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                raise TimeoutError(f"chat exited; output: {bytes(buf[-500:])!r}") from None
            buf += chunk
            # answer cursor-position requests as a real terminal does; unanswered,
            # prompt-toolkit waits for them and the timing would measure that wait
            for _ in range(chunk.count(b"\x1b[6n")):
                os.write(fd, b"\x1b[1;1R")
    return time.perf_counter()


def child_env(home: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if home:
        env["CHATREC_HOME"] = home
    return env


def chat_run(message: str, checkout: Path = HERE, home: str | None = None) -> dict:
    """`chatrec chat` in a pseudo-terminal: seconds to the prompt and to the answer."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli.main", "chat"], stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True, cwd=checkout,
                            env={**child_env(home), "TERM": "xterm"})
    os.close(slave)
    buf = bytearray()
    try:
        at_prompt = read_until(master, PROMPT, 60, buf)
        os.write(master, message.encode() + b"\r")
        # the first film line of the reply (the prompt line is redrawn on Enter, so
        # "you>" alone would not prove that an answer arrived)
        answered = read_until(master, b"1. ", 60, buf)
        os.write(master, b"/quit\r")
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return {"prompt_s": at_prompt - start, "first_answer_s": answered - start}


def ask_seconds(message: str = "hi", checkout: Path = HERE, home: str | None = None
                ) -> tuple[float, float]:
    """(wall, CPU) seconds of one `chatrec ask MESSAGE` process. CPU time (user +
    system) moves less than wall time when other jobs share the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chatrec.cli.main", "ask", message], check=True,
                   cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=child_env(home))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_round(message: str, checkout: Path, home: str | None) -> dict:
    out = chat_run(message, checkout, home)
    for key, text in ASKS.items():
        out[key], out[key[:-2] + "_cpu_s"] = ask_seconds(text, checkout, home)
    return out


def first_run_seconds(dataset: str = "ml-100k") -> float:
    """`chatrec ask hi` on a home with the dataset's files only: parse, train, answer."""
    source = Path(os.environ.get("CHATREC_HOME") or
                  Path.home() / ".local/share/chatrec") / "datasets" / dataset
    if not source.is_dir():
        raise SystemExit(f"--first-run needs {source} (run any chatrec command once)")
    home = tempfile.mkdtemp(prefix="chatrec-first-run-")
    try:
        shutil.copytree(source, Path(home) / "datasets" / dataset)
        return ask_seconds("hi", home=home)[0]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def medians(runs: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--message", default="movies like star wars")
    ap.add_argument("--first-run", action="store_true",
                    help="also time one run on a home holding only the dataset files")
    ap.add_argument("--baseline", type=Path, help="another checkout to time alongside")
    ap.add_argument("--baseline-home", help="its trained data home")
    args = ap.parse_args()
    targets = {"this": (HERE, None)}
    if args.baseline:
        if not args.baseline_home:
            ap.error("--baseline needs --baseline-home (its own trained data home)")
        targets["baseline"] = (args.baseline.resolve(), args.baseline_home)
    load_before = os.getloadavg()
    for checkout, home in targets.values():  # warm the OS file cache; not counted
        one_round(args.message, checkout, home)
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for i in range(args.runs):
        order = list(targets) if i % 2 == 0 else list(reversed(targets))
        for name in order:
            runs[name].append(one_round(args.message, *targets[name]))
    out = {name: {"median": medians(r), "runs": [{k: round(v, 3) for k, v in x.items()}
                                                for x in r]} for name, r in runs.items()}
    med = out["this"]["median"]
    if args.baseline:  # per round, so that load drifting between rounds cancels out
        out["ratio_this_to_baseline"] = {
            k: round(statistics.median(a[k] / b[k] for a, b in zip(runs["this"],
                                                                  runs["baseline"])), 2)
            for k in med}
    out["load_average"] = {"before": [round(x, 2) for x in load_before],
                           "after": [round(x, 2) for x in os.getloadavg()]}
    if args.first_run:
        out["first_run_s"] = round(first_run_seconds(), 2)
    print(json.dumps(out, indent=2))
    ok = med["prompt_s"] < 0.8 and med["ask_hi_s"] < 0.4 and out.get("first_run_s", 0) < 15
    print("targets met" if ok else "targets NOT met",
          "(ask 'hi' < 0.4 s, prompt < 0.8 s, first run < 15 s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
