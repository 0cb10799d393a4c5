"""How common a word is in ordinary English, as a Zipf value (wordfreq's scale: 7 for
"the", 6 for "very", 4.9 for "heat", 3.6 for "fargo"; each step is 10x rarer).

A title made of everyday words ("Another", "Very", "Heat", "A Great Day in Harlem")
needs more context before it is taken as a film than one made of rare words
("Fargo", "Casablanca"): the mention model (intents/mentions/) weighs this.

The table is built once per catalog from the `wordfreq` package (the most frequent
English words plus every word of the catalog's titles) and cached with the title index,
so a running parser never imports wordfreq. A word outside the table is rarer than
every word in it.
"""
from __future__ import annotations

from functools import lru_cache

TOP_WORDS = 30_000      # the most frequent English words kept (rarer ones share the floor)
FLOOR_MARGIN = 0.2


class WordFrequency:
    """`zipf(word)` over a fixed table; `state()` / `WordFrequency(state)` round-trip."""

    def __init__(self, state: dict) -> None:
        self._table: dict[str, float] = state["zipf"]
        self.floor: float = state["floor"]

    @classmethod
    def build(cls, vocabulary) -> "WordFrequency":
        """The table for the top English words and `vocabulary` (normalised words)."""
        from wordfreq import zipf_frequency   # build time only

        table = dict(_english())
        for w in set(vocabulary) - table.keys():
            z = zipf_frequency(w, "en")
            if z > 0:
                table[w] = round(z, 2)
        floor = round(min(table.values(), default=1.0) - FLOOR_MARGIN, 2)
        return cls({"zipf": table, "floor": floor})

    def state(self) -> dict:
        return {"zipf": self._table, "floor": self.floor}

    def zipf(self, word: str) -> float:
        return self._table.get(word, self.floor)


@lru_cache(maxsize=1)
def _english() -> tuple[tuple[str, float], ...]:
    """The most frequent English words with their Zipf values (shared by catalogs)."""
    from wordfreq import top_n_list, zipf_frequency

    return tuple((w, round(zipf_frequency(w, "en"), 2)) for w in top_n_list("en", TOP_WORDS))
