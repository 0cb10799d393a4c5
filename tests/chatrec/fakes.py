"""A tiny, fully known chat stack for service tests: ten films, six users, fake
similarity/MF models with transparent scores, the real Popularity model, and a
small regex parser. Everything is deterministic so tests can assert exact answers.
"""
from __future__ import annotations

import re

import numpy as np

from chatrec.service import ChatService
from chatrec.sessions.sqlite import SQLiteSessionStore as SessionStore
from chatrec.training.bundle import Bundle
from intents.query import Candidate, Intent, Query, clamp_k
from models.base import Recommender
from models.recommenders.popularity import Popularity
from tests.factories import make_catalog, make_ratings

FILMS = [  # title, year, genres, links
    ("Star Wars", 1977, ("Action", "Sci-Fi"), ("film:sw", "film:esb", "director:lucas", "actor:hamill")),
    ("Empire Strikes Back, The", 1980, ("Action", "Sci-Fi"), ("film:esb", "film:sw", "film:rotj", "actor:hamill")),
    ("Return of the Jedi", 1983, ("Action", "Sci-Fi"), ("film:rotj", "film:esb", "actor:hamill")),
    ("Alien", 1979, ("Horror", "Sci-Fi"), ("director:scott",)),
    ("Aliens", 1986, ("Action", "Horror", "Sci-Fi"), ("director:cameron",)),
    ("Fargo", 1996, ("Comedy", "Crime"), ("director:coen",)),
    ("Toy Story", 1995, ("Animation", "Children's", "Comedy"), ()),
    ("Titanic", 1997, ("Drama", "Romance"), ("director:cameron",)),
    ("Godfather, The", 1972, ("Crime", "Drama"), ()),
    ("Scream", 1996, ("Horror", "Thriller"), ()),
]
# (user index, item index, rating): user 1 (index 0) loves Star Wars and sci-fi
RATINGS = [
    (0, 0, 5), (0, 1, 5), (0, 3, 4), (0, 7, 1),
    (1, 0, 5), (1, 1, 4), (1, 2, 5), (1, 4, 4), (1, 5, 3),
    (2, 5, 5), (2, 8, 5), (2, 6, 4), (2, 9, 2),
    (3, 7, 5), (3, 6, 5), (3, 8, 4), (3, 0, 3),
    (4, 0, 4), (4, 2, 4), (4, 3, 5), (4, 4, 5), (4, 9, 4),
    (5, 5, 4), (5, 6, 5), (5, 7, 4), (5, 8, 5), (5, 0, 4),
]


def tiny_catalog():
    return make_catalog([f[0] for f in FILMS], years=[f[1] for f in FILMS],
                        genres=[f[2] for f in FILMS], links=[f[3] for f in FILMS])


def tiny_ratings():
    return make_ratings(RATINGS, n_items=len(FILMS))


class FakeSimilar(Recommender):
    """Similarity = shared genres (Jaccard) + 0.5 per shared link token."""

    name = "fake-similar"

    def _fit(self, ratings, catalog):
        g = [set(x) for x in catalog.genres]
        ln = [set(x) for x in catalog.links]
        n = len(catalog)
        self.sim = np.array([[len(g[a] & g[b]) / max(1, len(g[a] | g[b]))
                              + 0.5 * len(ln[a] & ln[b]) for b in range(n)] for a in range(n)])
        np.fill_diagonal(self.sim, 0.0)

    def item_similarity(self, item):
        return self.sim[item].copy()

    def score_users(self, users):
        raise NotImplementedError


class FakeMF(Recommender):
    """Scores a profile by similarity to what it liked minus what it disliked; a
    dataset user is scored from their own ratings the same way."""

    name = "fake-mf"

    def __init__(self, sim: FakeSimilar | None = None):
        self.sim_model = sim

    def _fit(self, ratings, catalog):
        self.ratings = ratings

    def score_profile(self, items, values):
        s = np.zeros(self.n_items)
        for i, v in zip(np.asarray(items).tolist(), np.asarray(values).tolist()):
            s += (v - 3.0) * self.sim_model.sim[int(i)]
        return s + 1e-3 * np.arange(self.n_items)[::-1]  # deterministic, no ties

    def score_users(self, users):
        return np.stack([self.score_profile(*self.ratings.user_items(int(u))) for u in users])


def tiny_bundle() -> Bundle:
    cat, rat = tiny_catalog(), tiny_ratings()
    sim = FakeSimilar().fit(rat, cat)
    models = {"fake-similar": sim, "fake-mf": FakeMF(sim).fit(rat, cat),
              "popularity": Popularity(C=2.0).fit(rat, cat)}
    return Bundle("tiny", cat, rat, models,
                  routes={"recommend": "fake-mf", "similar": "fake-similar",
                          "popular": "popularity"})


class TinyParser:
    """Just enough regex to drive every intent of the tiny catalog."""

    name = "tiny"
    blocking = False  # pure CPU: the HTTP app may run it on the event loop

    def __init__(self, catalog):
        self.catalog = catalog
        self.titles = {str(t).lower(): i for i, t in enumerate(catalog.titles)}
        self.genres = {g.lower(): g for g in catalog.genre_names}

    def _title(self, text):
        text = text.strip().lower()
        if text in self.titles:
            i = self.titles[text]
            return str(self.catalog.titles[i]), self.catalog.item_ids[i].item(), ()
        cands = tuple(Candidate(str(self.catalog.titles[i]), self.catalog.item_ids[i].item(), 50.0)
                      for t, i in self.titles.items() if t[:2] == text[:2])[:3]
        return None, None, cands

    def parse(self, text: str) -> Query:
        t = text.strip().lower()
        m = re.match(r"^(\d+)\s+(.*)$", t)
        k, _ = clamp_k(int(m.group(1))) if m else (5, None)
        k_req = int(m.group(1)) if m else None   # the count as asked
        rest = m.group(2) if m else t
        genre = next((g for w, g in self.genres.items() if re.search(rf"\b{re.escape(w)}\b", rest)
                      and "like" not in rest), None)
        if rest in ("hi", "hello"):
            return Query(Intent.GREET, parser=self.name)
        if rest == "help":
            return Query(Intent.HELP, parser=self.name)
        if rest.startswith("more") or rest == "show me more":
            return Query(Intent.MORE, k=k, k_requested=k_req, parser=self.name)
        if (mm := re.match(r"^(?:.*\s)?like (.+)$", rest)):
            title, item, cands = self._title(mm.group(1))
            return Query(Intent.SIMILAR, genre, title, item, k, k_req, candidates=cands,
                         parser=self.name)
        if (mm := re.match(r"^i (loved|hated) (.+)$", rest)):
            title, item, cands = self._title(mm.group(2))
            return Query(Intent.RATE, None, title, item, rating=5.0 if mm.group(1) == "loved"
                         else 1.0, candidates=cands, parser=self.name)
        if "top" in rest or "popular" in rest:
            return Query(Intent.POPULAR, genre, k=k, k_requested=k_req, parser=self.name)
        if "recommend" in rest:
            return Query(Intent.RECOMMEND, genre, k=k, k_requested=k_req, parser=self.name)
        return Query(Intent.UNKNOWN, parser=self.name)


def tiny_service(db_path, client_session_ids: bool = True) -> ChatService:
    """client_session_ids=True (as the CLI runs) lets tests name their sessions; the
    HTTP tests use False, the server's default."""
    bundle = tiny_bundle()
    return ChatService(bundle, TinyParser(bundle.catalog), SessionStore(db_path),
                       client_session_ids=client_session_ids)
