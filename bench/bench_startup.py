"""Time from launching `chatrec chat` in a terminal to its first prompt, and to the
first answer. Runs the REPL in a pseudo-terminal (so it takes the prompt-toolkit
path, as a person would see it) with an already trained $CHATREC_HOME.

    python bench/bench_startup.py --runs 5

Target (issue 4): after the first run, the prompt and the first answer in < 2 s.
"""
from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import subprocess
import sys
import time

PROMPT = b"you>"  # prompt-toolkit moves the cursor before the space


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


def one_run(message: str) -> dict:
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "chatrec.cli", "chat"], stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "TERM": "xterm"})
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--message", default="movies like star wars")
    args = ap.parse_args()
    one_run(args.message)  # warm the OS file cache; not counted
    runs = [one_run(args.message) for _ in range(args.runs)]
    med = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
    print(json.dumps({"runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
                      "median": med}, indent=2))
    ok = med["prompt_s"] < 2 and med["first_answer_s"] < 2
    print("target met" if ok else "target NOT met", "(prompt and first answer < 2 s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
