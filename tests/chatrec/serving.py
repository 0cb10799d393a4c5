"""A real `chatrec serve` process on 127.0.0.1 for the server tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`chatrec serve` in its own process group (so workers die with it)."""

    def __init__(self, home: Path, workers: int = 1, *args: str, preexec_fn=None,
                 **env: str):
        """args: more `serve` flags; env: more environment variables."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, CHATREC_HOME=str(home), PYTHONPATH=str(REPO), **env)
        self.log = open(home / f"serve-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatrec.cli.main", "serve", "--port", str(self.port),
             "--workers", str(workers), *args],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=preexec_fn)
        deadline = time.monotonic() + 120
        while True:
            assert self.proc.poll() is None, self.output()
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start:\n" + self.output()
            time.sleep(0.1)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()

    def chat(self, message, session_id=None, **kw):
        body = {"message": message, **({"session_id": session_id} if session_id else {}), **kw}
        r = httpx.post(self.url + "/chat", json=body, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def kill9(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()
