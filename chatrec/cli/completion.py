"""Tab completion for the chat REPL: catalog titles, genres and slash commands.

Titles have several words ("Star Wars", "Godfather, The"), so the completer tries the
last 1..N words before the cursor as a prefix and completes the longest one that
matches. Lookups are a binary search over a sorted list of lowercase keys, so a
keystroke costs microseconds even with tens of thousands of titles.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from models.data import natural_title

_WORD = re.compile(r"\S+")


class CatalogCompleter(Completer):
    """Completes slash commands at the start of a line, otherwise titles and genres.

    titles/years/popularity are aligned per item; popularity (e.g. rating counts)
    orders the matches so "star" offers Star Wars before obscure films.
    At most `limit` completions are offered per keystroke.
    """

    def __init__(
        self,
        titles: Iterable[str],
        genres: Iterable[str] = (),
        commands: Sequence[str] = (),
        years: Sequence[int] | None = None,
        popularity: Sequence[float] | None = None,
        limit: int = 20,
        max_words: int = 8,
    ) -> None:
        self.limit = limit
        self.max_words = max_words
        self.commands = tuple(commands)
        # (lower key, text to insert, meta shown in the menu, rank weight)
        entries: dict[tuple[str, str], tuple[str, float]] = {}
        for i, title in enumerate(titles):
            title = str(title)
            if not title or title == "unkonwn":  # recbole's placeholder title
                continue
            year = int(years[i]) if years is not None and years[i] else 0
            weight = float(popularity[i]) if popularity is not None else 0.0
            # both the catalog's "Godfather, The" and the spoken "The Godfather"
            for text in {title, natural_title(title)}:
                self._add(entries, text, str(year) if year else "", weight)
        for genre in genres:
            # genres rank above every title: they are few and always relevant
            self._add(entries, str(genre), "genre", float("inf"))
        items = sorted((key, text, meta, w) for (key, text), (meta, w) in entries.items())
        self._keys = [e[0] for e in items]
        self._entries = items

    @staticmethod
    def _add(entries: dict, text: str, meta: str, weight: float) -> None:
        key = (text.lower(), text)
        if key in entries:  # duplicate titles (two "Cape Fear"): one entry, all years
            old_meta, old_w = entries[key]
            metas = sorted(set(filter(None, old_meta.split(", ") + [meta])))
            entries[key] = (", ".join(metas), old_w + weight)
        else:
            entries[key] = (meta, weight)

    def matches(self, prefix: str, cap: int = 1000) -> list[tuple[str, str, str, float]]:
        """Entries whose key starts with `prefix` (case-insensitive), best first."""
        prefix = prefix.lower()
        if not prefix.strip():
            return []
        lo = bisect.bisect_left(self._keys, prefix)
        found = []
        for entry in self._entries[lo:lo + cap]:
            if not entry[0].startswith(prefix):
                break
            found.append(entry)
        found.sort(key=lambda e: (-e[3], e[0]))
        return found[: self.limit]

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        if text.startswith("/"):
            if " " not in text:
                for cmd in self.commands:
                    if cmd.startswith(text.lower()):
                        yield Completion(cmd, start_position=-len(text))
            return
        # Try the longest run of trailing words first: "like star w" -> "star w".
        starts = [m.start() for m in _WORD.finditer(text)][-self.max_words:]
        for start in starts:
            suffix = text[start:]
            found = self.matches(suffix)
            if found:
                for _key, insert, meta, _w in found:
                    yield Completion(insert, start_position=-len(suffix), display_meta=meta)
                return
