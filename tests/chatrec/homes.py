"""Private chatrec homes for tests: a copy of the session's trained ML-100K home
(datasets and artifacts, no sessions), and a service built on one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def copy_trained(cache: Path, home: Path) -> Path:
    """`home` with the trained home's datasets and artifacts (no sessions yet)."""
    for part in ("datasets", "artifacts"):
        shutil.copytree(cache / part, home / part)
    return home


def service_on(home: Path, **env: str):
    """A generator for a module fixture: a `ChatService` (client session ids allowed)
    on `home` with these environment variables set and the usual ones cleared."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CHATREC_HOME", str(home))
    for name in ("CHATREC_DATASET", "CHATREC_PARSER", "CHATREC_CHECKLIST"):
        mp.delenv(name, raising=False)
    for name, value in env.items():
        mp.setenv(name, value)
    from chatrec.service import build_service
    yield build_service(client_session_ids=True)
    mp.undo()
