"""Checks of the SQLite sessions file that need no connection: is it still there, still
the file we opened, and writable. They cost a stat, so /health can run them on every
call, and they answer at once even while another process holds the write lock.

They never open the file: closing any descriptor of a file drops every POSIX lock the
process holds on it, SQLite's included (the SQLite docs warn against exactly this), so
the header is read through SQLite itself (SQLiteSessionStore.check)."""
from __future__ import annotations

import os
from pathlib import Path


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, None if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def check_file(path: Path, identity: tuple[int, int] | None) -> str | None:
    """What is wrong with the database file, as the end of a sentence starting with
    "the sessions database", or None if nothing is."""
    now = file_identity(path)
    if now is None:
        return f"{path} is missing (deleted while chatrec was running?); restart chatrec"
    if identity is not None and now != identity:
        return f"{path} was replaced while chatrec was running; restart chatrec"
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return f"{path} is read-only: check the permissions of its folder ($CHATREC_HOME)"
    return None


def open_error(path: Path, error: OSError) -> str:
    """One line for a database that cannot even be created."""
    return (f"cannot create the sessions database {path}: {error.strerror or error} "
            "(is $CHATREC_HOME writable?)")
