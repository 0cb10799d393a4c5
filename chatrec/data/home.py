"""Where chatrec keeps datasets, artifacts and the sessions database."""
from __future__ import annotations

import json
import os
from pathlib import Path

from chatrec.errors import DataHomeError

DEFAULT_DATASET = "ml-100k"


def data_home() -> Path:
    """$CHATREC_HOME, else ~/.local/share/chatrec (created on demand)."""
    env = os.environ.get("CHATREC_HOME")
    home = Path(env).expanduser() if env else Path.home() / ".local" / "share" / "chatrec"
    return _folder(home)


def datasets_dir() -> Path:
    return _folder(data_home() / "datasets")


def artifacts_dir(dataset: str) -> Path:
    return _folder(data_home() / "artifacts" / dataset)


def _folder(path: Path) -> Path:
    """`path`, created if needed; DataHomeError (one line, exit 3) if it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataHomeError(f"cannot create {path}: {e.strerror or e} (set CHATREC_HOME "
                            "to a writable folder)") from None
    if not path.is_dir():
        raise DataHomeError(f"{path} is not a folder (set CHATREC_HOME to a writable folder)")
    return path


def eval_results(dataset: str) -> Path:
    """The latest `chatrec eval` results for a dataset (what `chatrec report` draws)."""
    d = data_home() / "eval"
    d.mkdir(parents=True, exist_ok=True)
    return d / f"{dataset}.json"


def reports_dir() -> Path:
    """Where `chatrec report` writes DATASET.html by default (and GET /report reads)."""
    return data_home() / "reports"


def sessions_db() -> Path:
    return data_home() / "sessions.sqlite3"


def write_text_atomic(path: Path, text: str) -> None:
    """Write through a per-process temporary file and a rename, so a reader (or a
    concurrent writer) never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json_atomic(path: Path, data: dict) -> None:
    """write_text_atomic for JSON (manifests, eval results)."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def active_dataset() -> str:
    """$CHATREC_DATASET, else the default (ml-100k)."""
    return os.environ.get("CHATREC_DATASET", DEFAULT_DATASET)
