"""A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` + `pg_ctl` in a
temporary directory, listening on 127.0.0.1 on a free port, trust authentication.

PostgreSQL refuses to run as root; on a machine where we are root (CI, these dev
machines) the server runs as the `postgres` system user through `runuser`. Whether the
binaries and that user are there is checked first by tests/components.py (a missing
server skips its tests loudly, or fails them under CI); `PgCluster.start()` raises
`PgUnavailable` with one line when one that is there will not start: that fails.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = "install it with: apt-get install -y postgresql (what .ci/run does)"


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started on this machine."""


def find_bindir() -> Path:
    """The directory holding initdb/pg_ctl: $PG_BINDIR, PATH, or Debian's layout."""
    env = os.environ.get("PG_BINDIR")
    candidates = [Path(env)] if env else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    raise PgUnavailable(f"PostgreSQL server binaries (initdb, pg_ctl) not found; {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """One throwaway cluster. `start()` returns the admin URL; `stop()` removes it all."""

    def __init__(self, fsync: bool = False):
        self.fsync = fsync
        self.dir: Path | None = None
        self.port = 0
        self._runas: list[str] = []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *cmd: str) -> None:
        r = subprocess.run([*self._runas, *cmd], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PgUnavailable(f"{Path(cmd[0]).name} failed: {tail[0]}")

    def start(self) -> str:
        bindir = find_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="chatrec-pg-"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable(f"no 'postgres' system user to run the server as "
                                    f"(PostgreSQL refuses root); {INSTALL_HINT}") from None
            # root's PATH may lack the sbin directories (a minimal CI environment)
            runuser = shutil.which("runuser") or shutil.which(
                "runuser", path="/usr/sbin:/sbin:/usr/bin:/bin")
            if runuser is None:
                raise PgUnavailable("runuser (util-linux) is missing: cannot drop root")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._runas = [runuser, "-u", "postgres", "--"]
        data = self.dir / "data"
        self._run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")
        self.port = free_port()
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                   f"-c max_connections=200 -c fsync={'on' if self.fsync else 'off'}")
        self._run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                  "-l", str(self.dir / "log"), "-w", "-t", "60", "start")
        self._bindir = bindir
        return self.url

    def create_database(self, name: str) -> str:
        import psycopg
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.dir / "data" / "postmaster.pid").exists():
            subprocess.run([*self._runas, str(self._bindir / "pg_ctl"), "-D",
                            str(self.dir / "data"), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
