"""Title search for `GET /items?search=` and the web page's title completion.

It matches the way the chat does: the parser's own `TitleMatcher` (intents/mentions/titles.py,
shared through chatrec.parsers.title_catalog) decides what a whole title means, with
its tolerance for case, a moved article, a missing year, sequel numbers and typos.
Completion also needs what a person has typed so far ("godf", "star w"), which is no
title yet: those are found as a substring of the spoken title, titles that start with
it first. Order:

1. the matcher's exact or partial-title match ("the godfather", "godfather 2");
2. titles containing the text, those starting with it first, then most-rated first;
3. only when nothing above matched: the matcher's fuzzy candidates ("star wors",
   "wily wonka") — after a real match they would only add noise to a completion list.
"""
from __future__ import annotations

import numpy as np

from intents.catalog import TitleCatalog
from intents.lexicon.text import norm
from intents.mentions.titles import ARTICLES, split_year
from models.data import natural_title


def search_key(title: str) -> str:
    """'Godfather, The' -> 'the godfather': article first, then the parser's own
    normalisation (case, punctuation, accents), for titles and typed text alike."""
    return norm(natural_title(title))


def _bare(key: str) -> str:
    words = key.split(" ", 1)
    return words[1] if len(words) == 2 and words[0] in ARTICLES else key


class TitleSearch:
    """Search over one catalog; `find(text, limit)` returns item indices."""

    def __init__(self, view: TitleCatalog) -> None:
        self.matcher = view.titles_matcher        # the very object the rule parser uses
        self.counts = np.asarray(view.counts, dtype=np.int64)
        self.keys = [search_key(t) for t in view.titles]
        self.bare = [_bare(k) for k in self.keys]
        self.by_count = list(np.lexsort((np.arange(len(self.keys)), -self.counts)))

    def find(self, text: str, limit: int) -> list[int]:
        q = search_key(text or "")
        if not q:
            return [int(i) for i in self.by_count[:limit]]
        span, year = split_year(q)
        hits: dict[int, None] = {}

        def add(indices) -> bool:
            for i in indices:
                hits.setdefault(int(i), None)
                if len(hits) >= limit:
                    return True
            return False

        whole = self.matcher.exact(span, year) or self.matcher.prefix(span)
        if whole is not None and add(i for i, _ in whole.candidates):
            return list(hits)
        bare_q = _bare(q)
        contains = [i for i, key in enumerate(self.keys) if q in key]
        contains.sort(key=lambda i: (not (self.keys[i].startswith(q)
                                          or self.bare[i].startswith(bare_q)),
                                     -self.counts[i], i))
        if add(contains) or hits:
            return list(hits)
        add(i for i, _ in self.matcher.fuzzy(span, year, limit=limit).candidates)
        return list(hits)
