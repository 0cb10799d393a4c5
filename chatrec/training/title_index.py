"""The parser's title index, cached beside the artifacts.

Building the rule parser's TitleMatcher (every title's normalised forms, prefixes and
aliases) takes ~40 ms on ML-100K, on every start, for a message of any kind: the parser
looks for film titles in all of them. Its state is plain data, so a start reads it
from `title-index.json` (~3 ms) when the file was built from the same titles and
rating counts by the same title code, and rebuilds and rewrites it otherwise.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from chatrec.data.home import write_text_atomic
from chatrec.training.signatures import sources_digest
from intents.catalog import TitleCatalog

FILE = "title-index.json"
#: the modules whose code decides what the index holds
CODE = ("intents.lexicon.text", "intents.lexicon.frequency", "intents.mentions.titles")

log = logging.getLogger("chatrec.training.title_index")


def use_cached_title_index(view: TitleCatalog, directory: Path) -> None:
    """Give `view` its title index from `directory`, building and saving it if the
    saved one is missing or stale. A file that cannot be read or written only costs
    the build."""
    try:
        key = index_key(view)
    except (OSError, ImportError):
        return  # the title code cannot be read (a frozen install): build on first use
    path = directory / FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and saved.get("key") == key:
            view.adopt_title_index(saved["index"])
            return
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or from older code: rebuild below
    state = view.titles_matcher.state()
    try:
        write_text_atomic(path, json.dumps({"key": key, "index": state},
                                           separators=(",", ":")))
    except OSError as e:
        log.info("cannot cache the title index in %s: %s", path, e)


def index_key(view: TitleCatalog) -> str:
    """What the index is built from: the titles, the rating counts, the code."""
    h = hashlib.sha256()
    h.update("\x1f".join(view.titles).encode())
    h.update(",".join(map(str, view.counts)).encode())
    h.update(sources_digest(CODE).encode())
    return h.hexdigest()
