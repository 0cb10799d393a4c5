"""Genre words -> the catalog's canonical genre names: `GenreMatcher`.

The synonym table is written against *keys* (lowercase, letters only: "scifi",
"childrens", "filmnoir") so it fits any catalog spelling ("Sci-Fi", "Children's" in
ML-100K, "Children" in ml-latest); a synonym whose genre the loaded catalog lacks is
dropped. Small typos ("comedys", "thriler") are caught by an edit-distance check
against the whole vocabulary, restricted to longer words and guarded by a list of
real English words that happen to sit one edit away from a genre word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

# genre key -> words/phrases (normalised) that mean it. "noun" phrases name the genre;
# adjectives describe it: when a message has both ("romantic comedy") the noun wins.
SYNONYMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # key: (nouns, adjectives)
    "action": (("action", "action movie", "action film", "actions"),
               ("action packed", "exciting", "explosive", "adrenaline")),
    "adventure": (("adventure", "adventures"), ("adventurous",)),
    "animation": (("animation", "animations", "cartoon", "cartoons", "anime"),
                  ("animated",)),
    "childrens": (("childrens", "children", "kids", "kid", "family", "kiddie"),
                  ("family friendly", "kid friendly")),
    "children": (("children", "childrens", "kids", "kid", "family"), ("family friendly",)),
    "comedy": (("comedy", "comedies", "comedys", "comedic", "romcom", "rom com"),
               ("funny", "funnier", "hilarious", "humorous", "lighthearted", "light hearted",
                "feel good", "feelgood", "laugh", "laughs")),
    "crime": (("crime", "crimes", "gangster", "gangsters", "mob", "mafia", "heist",
               "heists"), ()),
    "documentary": (("documentary", "documentaries", "docs", "docos"), ()),
    "drama": (("drama", "dramas", "tearjerker", "tearjerkers", "tear jerker", "weepie",
               "weepies"), ("dramatic", "sad", "moving", "emotional", "heartbreaking")),
    "fantasy": (("fantasy", "fantasies"), ("magical",)),
    "filmnoir": (("film noir", "film noirs", "noir", "noirs", "films noir"), ()),
    "horror": (("horror", "horrors", "slasher", "slashers"),
               ("scary", "spooky", "creepy", "frightening", "terrifying", "scarier")),
    "musical": (("musical", "musicals"), ()),
    "mystery": (("mystery", "mysteries", "whodunit", "whodunits", "whodunnit",
                 "detective", "detectives"), ()),
    "romance": (("romance", "romances", "love story", "love stories", "date night",
                 "date movie", "date movies"), ("romantic",)),
    "scifi": (("scifi", "sci fi", "science fiction", "sciencefiction"), ()),
    "thriller": (("thriller", "thrillers", "suspense"),
                 ("suspenseful", "thrilling", "tense", "gripping", "edge of my seat")),
    "war": (("war", "war movie", "war film"), ()),
    "western": (("western", "westerns", "cowboy", "cowboys"), ()),
}

# Real words one edit from a vocabulary word: never read them as typos.
_NOT_TYPOS = frozenset("""
sunny funky fanny bunny prime crimea dream dreams eastern dram drams rhymes crimp
grime horrors scare scared scarf spoke spooked comely comet homer honor mysterious
warm ward ware wars ways wary family's musician musing action's fraction traction
romances romano roman dramas dramatist adventurer documentaries""".split())
_MIN_TYPO_LEN = 5
# Mood words are matched as spelled only: one edit away they are other words
# ("loving" / "moving", "sense" / "tense", "existing" / "exciting").
_EXACT_ONLY = frozenset("""moving exciting emotional tense gripping laughs laugh explosive
adrenaline heartbreaking weepie weepies feelgood tearjerker tearjerkers""".split())


@dataclass(frozen=True)
class GenreHit:
    """One genre mention: canonical name, token span [start, end), and whether it was
    named by a noun (wins over adjectives)."""

    genre: str
    start: int
    end: int
    noun: bool


def genre_key(name: str) -> str:
    """'Sci-Fi' -> 'scifi', "Children's" -> 'childrens', 'Film-Noir' -> 'filmnoir'."""
    return re.sub(r"[^a-z]", "", name.lower())


class GenreMatcher:
    """Finds genre mentions in a token list, for one catalog's genre names."""

    def __init__(self, genre_names) -> None:
        self.names = tuple(genre_names)
        by_key = {genre_key(g): g for g in self.names}
        # phrase (tuple of words) -> (genre, noun?)
        self.phrases: dict[tuple[str, ...], tuple[str, bool]] = {}
        for g in self.names:            # every catalog genre, by its own name
            for form in {g.lower().replace("-", " ").replace("'", ""),
                         genre_key(g)}:
                self.phrases[tuple(form.split())] = (g, True)
        for key, (nouns, adjs) in SYNONYMS.items():
            genre = by_key.get(key)
            if genre is None:
                continue
            for words, noun in [(n, True) for n in nouns] + [(a, False) for a in adjs]:
                self.phrases.setdefault(tuple(words.split()), (genre, noun))
        self.max_len = max((len(p) for p in self.phrases), default=1)
        self._single = {p[0]: v for p, v in self.phrases.items() if len(p) == 1}
        self.single_words = frozenset(self._single)
        # a message's words repeat across turns: remember each word's typo verdict
        self._typo_cache: dict[str, tuple[str, bool] | None] = {}
        self._typo_vocab = [w for w in self._single
                            if len(w) >= _MIN_TYPO_LEN and w not in _EXACT_ONLY]

    def find(self, words: list[str]) -> list[GenreHit]:
        """All genre mentions, longest phrase first at each position."""
        hits, i, n = [], 0, len(words)
        while i < n:
            for size in range(min(self.max_len, n - i), 0, -1):
                hit = self.phrases.get(tuple(words[i:i + size]))
                if hit is None and size == 1:
                    hit = self._typo(words[i])
                if hit is not None:
                    hits.append(GenreHit(hit[0], i, i + size, hit[1]))
                    i += size
                    break
            else:
                i += 1
        return hits

    def best(self, words: list[str]) -> str | None:
        """The genre a message asks for: a noun beats an adjective, else the first."""
        hits = self.find(words)
        if not hits:
            return None
        nouns = [h for h in hits if h.noun]
        return (nouns or hits)[0].genre

    def canonical(self, value) -> str | None:
        """Snap a free-form genre (from an LLM) to a catalog genre, or None."""
        if not isinstance(value, str):
            return None
        words = value.lower().replace("-", " ").replace("'", "").split()
        hits = self.find(words)
        if hits and len(hits) == 1 and hits[0].end - hits[0].start == len(words):
            return hits[0].genre
        key = genre_key(value)
        for g in self.names:
            if genre_key(g) == key:
                return g
        return None

    def _typo(self, word: str) -> tuple[str, bool] | None:
        if len(word) < _MIN_TYPO_LEN or word in _NOT_TYPOS or not word.isalpha():
            return None
        if word in self._typo_cache:
            return self._typo_cache[word]
        if len(self._typo_cache) > 50_000:      # bounded: a flood of new words can't grow it
            self._typo_cache.clear()
        self._typo_cache[word] = found = self._typo_uncached(word)
        return found

    def _typo_uncached(self, word: str) -> tuple[str, bool] | None:
        limit = 1 if len(word) < 8 else 2
        for cand in self._typo_vocab:
            if abs(len(cand) - len(word)) <= limit and \
                    DamerauLevenshtein.distance(word, cand, score_cutoff=limit) <= limit:
                return self._single[cand]
        return None
