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
    # key: (nouns, adjectives). Besides genre names: what people ask for instead —
    # a mood ("make me cry", "cheer me up"), a thing on screen ("spaceships",
    # "knights", "explosions") or slang ("shoot em up"), as a film-literate person
    # hears it. A word that is also a one-word title ("Aliens", "Ghost") is left out:
    # typed alone it names the film ("ghosts" and "space aliens" are in).
    "action": (("action", "action movie", "action film", "actions", "shoot em up",
                "shoot em ups", "shootem up", "shoot out", "shootout", "shootouts",
                "gunfight", "gunfights", "explosions", "car chase", "car chases",
                "martial arts", "kung fu", "blow up", "blow stuff up", "blowing up",
                "blows up", "fight scenes", "stunts"),
               ("action packed", "exciting", "explosive", "adrenaline", "high octane")),
    "adventure": (("adventure", "adventures", "pirate", "pirates", "treasure hunt",
                   "quest", "swashbuckler", "swashbucklers"),
                  ("adventurous", "swashbuckling")),
    "animation": (("animation", "animations", "cartoon", "cartoons", "anime",
                   "stop motion", "claymation"), ("animated",)),
    "childrens": (("childrens", "children", "kids", "kid", "family", "kiddie",
                   "little ones", "toddler", "toddlers"),
                  ("family friendly", "kid friendly")),
    "children": (("children", "childrens", "kids", "kid", "family"), ("family friendly",)),
    "comedy": (("comedy", "comedies", "comedys", "comedic", "belly laugh", "cheer me up", "cheer up", "make me laugh",
                "light and fun", "pick me up", "spoof", "spoofs", "parody", "parodies",
                "slapstick", "sitcom"),
               ("funny", "funnier", "hilarious", "humorous", "lighthearted", "light hearted",
                "feel good", "feelgood", "laugh", "laughs", "wacky", "zany", "uplifting")),
    "crime": (("crime", "crimes", "gangster", "gangsters", "mob", "mafia", "heist",
               "heists", "cop", "cops", "police", "mobster", "mobsters", "robbery",
               "robberies", "con artist", "con artists", "hitman", "hitmen", "bank job",
               "criminals", "underworld"), ()),
    "documentary": (("documentary", "documentaries", "doc", "docs", "docos", "docu"), ()),
    "drama": (("drama", "dramas", "tearjerker", "tearjerkers", "tear jerker", "weepie",
               "weepies", "make me cry", "a good cry", "tissues"),
              ("dramatic", "sad", "moving", "emotional", "heartbreaking", "cry", "tears",
               "weep", "touching", "poignant", "tearjerking", "heart wrenching")),
    "fantasy": (("fantasy", "fantasies", "knight", "knights", "dragon", "dragons",
                 "wizard", "wizards", "sorcery", "sword and sorcery", "fairy tale",
                 "fairy tales", "fairytale", "fairytales", "elves", "magic"),
                ("magical", "enchanted", "mythical")),
    "filmnoir": (("film noir", "film noirs", "noir", "noirs", "films noir", "femme fatale",
                  "hardboiled", "hard boiled"), ()),
    "horror": (("horror", "horrors", "slasher", "slashers", "ghosts", "zombie", "zombies",
                "vampire", "vampires", "werewolf", "werewolves", "monster movie",
                "haunted house", "nightmares", "gore", "scare", "scares", "fright",
                "scare the pants off"),
               ("scary", "spooky", "creepy", "frightening", "terrifying", "scarier", "gory",
                "haunted", "chilling", "bloodcurdling", "hair raising")),
    "musical": (("musical", "musicals", "singing", "singing and dancing", "song and dance",
                 "sing along", "singalong", "show tunes", "showtunes"), ()),
    "mystery": (("mystery", "mysteries", "whodunit", "whodunits", "whodunnit",
                 "detective", "detectives", "sleuth", "sleuths", "private eye",
                 "murder mystery"), ()),
    "romance": (("romance", "romances", "love story", "love stories", "date night",
                 "date movie", "date movies"), ("romantic",)),
    "scifi": (("scifi", "sci fi", "science fiction", "sciencefiction", "spaceship",
               "spaceships", "space ship", "outer space", "space aliens", "alien invasion",
               "extraterrestrials", "ufo", "ufos",
               "robot", "robots", "androids", "lasers", "time travel", "dystopia",
               "space opera", "starships"), ("futuristic", "dystopian")),
    "thriller": (("thriller", "thrillers", "suspense", "spy", "spies", "espionage",
                  "conspiracy", "edge of my seat", "edge of your seat"),
                 ("suspenseful", "thrilling", "tense", "gripping", "nail biting",
                  "nailbiting", "heart pounding")),
    "war": (("war", "war movie", "war film", "wwii", "ww2", "wwi", "ww1", "world war",
             "soldier", "soldiers", "battlefield", "combat", "platoon", "troops",
             "military"), ()),
    "western": (("western", "westerns", "cowboy", "cowboys", "gunslinger", "gunslingers",
                 "wild west", "outlaws", "spaghetti western"), ()),
}
#: words that look like a genre but rule one out: "live action" is not the Action
#: genre but a film that is not animated; "for adults" / "grown-up" is not a
#: children's film. Read as an exclusion ("a live action kids movie": Children's,
#: without Animation), and a negation turns them back ("nothing live action").
AGAINST: dict[str, tuple[str, ...]] = {
    "animation": ("live action", "liveaction", "live actors", "real actors",
                  "non animated", "nonanimated"),
    "childrens": ("for adults", "for grown ups", "for grownups", "grownup",
                  "adult", "adults only"),
    "children": ("for adults", "for grown ups", "for grownups", "grownup",
                 "adult", "adults only"),
}
#: one word for two genres, in this order ("romcom" is a romantic comedy)
COMBINED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("romcom",): ("romance", "comedy"), ("romcoms",): ("romance", "comedy"),
    ("rom", "com"): ("romance", "comedy"), ("rom", "coms"): ("romance", "comedy"),
    ("dramedy",): ("comedy", "drama"), ("dramedies",): ("comedy", "drama"),
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
adrenaline heartbreaking weepie weepies feelgood tearjerker tearjerkers scare scares
tears touching knight knights dragon dragons wizard wizards robot robots lasers fright
combat troops police ghosts zombie zombies sleuth sleuths pirate pirates quest magic
spies gore wacky weep spoof spoofs parody soldier soldiers outlaws elves
haunted chilling cop cops military sitcom stunts heists crimes""".split())


@dataclass(frozen=True)
class GenreHit:
    """One genre mention: canonical name, token span [start, end), and whether it was
    named by a noun (wins over adjectives)."""

    genre: str
    start: int
    end: int
    noun: bool
    against: bool = False      # the words rule the genre out ("live action")


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
        # phrase -> every genre it names ("romcom": Romance and Comedy)
        self.combined: dict[tuple[str, ...], tuple[str, ...]] = {}
        for words, keys in COMBINED.items():
            genres = tuple(by_key[k] for k in keys if k in by_key)
            if genres:
                self.combined[words] = genres
                self.phrases[words] = (genres[0], True)
        # phrase -> the genre it rules out ("live action" -> Animation); kept apart
        # from `phrases`, which other readers take as the words that name a genre
        self.against: dict[tuple[str, ...], str] = {}
        for key, words in AGAINST.items():
            if key in by_key:
                for w in words:
                    self.against.setdefault(tuple(w.split()), by_key[key])
        self.max_len = max((len(p) for p in [*self.phrases, *self.against]), default=1)
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
                ruled_out = self.against.get(tuple(words[i:i + size]))
                if ruled_out is not None:            # before "action" can be Action
                    hits.append(GenreHit(ruled_out, i, i + size, True, against=True))
                    i += size
                    break
                hit = self.phrases.get(tuple(words[i:i + size]))
                if hit is None and size == 1:
                    hit = self._typo(words[i])
                if hit is not None:
                    for genre in self.combined.get(tuple(words[i:i + size]), (hit[0],)):
                        hits.append(GenreHit(genre, i, i + size, hit[1]))
                    i += size
                    break
            else:
                i += 1
        return hits

    def best(self, words: list[str]) -> str | None:
        """The genre a message asks for: a noun beats an adjective, else the first."""
        hits = [h for h in self.find(words) if not h.against]
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
        if hits and len(hits) == 1 and hits[0].end - hits[0].start == len(words) \
                and not hits[0].against:
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
