"""Checks of the SQLite sessions file itself, without opening a connection: is it still
there, still the file we opened, writable, and does it start with a sane SQLite header.
They cost a stat and a 100-byte read, so /health can run them on every call and they
answer at once even while another process holds the database's write lock."""
from __future__ import annotations

import os
from pathlib import Path

MAGIC = b"SQLite format 3\x00"


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
    problem = header_problem(path)
    return f"{path} {problem}" if problem else None


def header_problem(path: Path) -> str | None:
    """The first 100 bytes against the SQLite file format: the magic string, a power
    of two page size, known read/write versions and the fixed payload fractions."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as e:
        return f"cannot be read: {e.strerror}"
    if not head:
        return None  # created, nothing written yet: SQLite writes the header on first use
    if len(head) < 100 or head[:16] != MAGIC:
        return "is not a SQLite database (bad header)"
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page > 65536 or page & (page - 1):
        return f"has a corrupt header (page size {page})"
    if head[18] not in (1, 2) or head[19] not in (1, 2) or head[21:24] != b"\x40\x20\x20":
        return "has a corrupt header"
    return None


def open_error(path: Path, error: OSError) -> str:
    """One line for a database that cannot even be created."""
    return (f"cannot create the sessions database {path}: {error.strerror or error} "
            "(is $CHATREC_HOME writable?)")
