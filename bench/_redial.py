"""ReDial development conversations (../shared/data/redial-dev, see its README): reading
them, the seeker's messages as people type them (a film written `@id` becomes its title
without the year), where each film sits in that text, and which films are in the catalog.

Shared by bench/bench_redial.py and bench/train_mentions.py.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from intents.lexicon.text import norm

DATA = Path(os.environ.get("CHATREC_REDIAL_DIR",
                           Path(__file__).resolve().parents[2] / "shared" / "data" / "redial-dev"))
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_MENTION = re.compile(r"@(\d+)")


@dataclass
class Film:
    """A ReDial film: its id, title as people write it, year, and catalog index."""

    id: str
    title: str
    year: int | None
    index: int | None = None           # in the catalog, or None when outside it


@dataclass
class Turn:
    """One message as typed, with the films it names: (start, end, film id) spans."""

    text: str
    seeker: bool
    spans: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Conversation:
    id: str
    turns: list[Turn]
    films: dict[str, Film]
    seeker_says: dict[str, dict]        # film id -> {"suggested", "seen", "liked"}
    recommender_says: dict[str, dict]


def split_title(name: str) -> tuple[str, int | None]:
    """'Police Academy  (1984)' -> ('Police Academy', 1984); no year -> None."""
    m = _YEAR.search(name or "")
    title = _YEAR.sub("", name or "") if m else (name or "")
    return " ".join(title.split()), int(m.group(1)) if m else None


def typed(text: str, films: dict[str, Film]) -> tuple[str, list[tuple[int, int, str]]]:
    """The message with every known `@id` replaced by its title, and the films' spans."""
    out, spans, pos = [], [], 0
    length = 0
    for m in _MENTION.finditer(text):
        film = films.get(m.group(1))
        if film is None:
            continue
        piece = text[pos:m.start()]
        out.append(piece)
        length += len(piece)
        spans.append((length, length + len(film.title), film.id))
        out.append(film.title)
        length += len(film.title)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


def load(split: str, catalog=None) -> list[Conversation]:
    """The conversations of `split` ("train" or "valid"); with a TitleCatalog, each
    film's catalog index is filled in (`link`)."""
    convs = []
    with open(DATA / f"{split}.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            films = {}
            for fid, name in (row.get("movieMentions") or {}).items():
                title, year = split_title(name or "")
                if title:
                    films[fid] = Film(fid, title, year)
            if catalog is not None:
                for film in films.values():
                    film.index = link(film, catalog)
            seeker = row["initiatorWorkerId"]
            turns = []
            for msg in row["messages"]:
                text, spans = typed(msg["text"], films)
                turns.append(Turn(text, msg["senderWorkerId"] == seeker, spans))
            convs.append(Conversation(row["conversationId"], turns, films,
                                      row.get("initiatorQuestions") or {},
                                      row.get("respondentQuestions") or {}))
    return convs


def link(film: Film, catalog) -> int | None:
    """The catalog index of a ReDial film: the same title (any of the catalog's forms
    of it: moved article, alternative title) and the same year, one year apart at most
    (release dates differ by country). Without a year, only a title that one catalog
    film has. Conservative: a doubtful film is left outside."""
    matcher = catalog.titles_matcher
    hit = matcher.exact(norm(film.title))
    if hit is None:
        return None
    indices = [i for i, _ in hit.candidates]
    if film.year is None:
        return indices[0] if len(indices) == 1 and hit.score == 100.0 else None
    for slack in (0, 1):
        same = [i for i in indices if catalog.years[i] and abs(catalog.years[i] - film.year) <= slack]
        if same:
            return same[0]
    return None
