"""`ActClassifier`: a linear model over a message's words and word pairs (tf-idf,
multinomial logistic regression), weights learned on ReDial seekers' messages labelled
with their dialogue act (bench/train_acts.py) and shipped as plain numbers in
acts.json. Film titles read by the parser count as one word ("qqfilmqq"), so the model
learns the frame ("I'll check out X"), not the films.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

from intents.lexicon import cues
from intents.lexicon.text import clean, tokens

FILE = "acts.json"
FILM = "qqfilmqq"          # what a title stands for in the features
ACTS = ("greeting", "goodbye", "thanks", "request", "taste", "opinion", "accept", "reject",
        "seen", "not_seen", "question", "yes", "no", "chat")


def terms(text: str) -> list[str]:
    """The model's features of a cleaned (or raw) message: words, word pairs, and marks
    for a question and a very short message."""
    words = [FILM if cues.sentinel_index(t.word) is not None else t.word
             for t in tokens(clean(text))]
    out = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    if "?" in text:
        out.append("<question>")
    if len(words) <= 3:
        out.append("<short>")
    return out


@dataclass(frozen=True)
class Act:
    name: str
    p: float


class ActClassifier:
    """`classify(text) -> Act`: the most likely act and its probability."""

    def __init__(self, state: dict) -> None:
        self.acts: tuple[str, ...] = tuple(state["acts"])
        self.index: dict[str, int] = state["vocabulary"]          # term -> column
        self.idf: list[float] = state["idf"]
        self.weights: dict[str, list[tuple[int, float]]] = {       # term -> (act, w)
            t: [tuple(x) for x in w] for t, w in state["weights"].items()}
        self.bias: list[float] = state["bias"]

    @classmethod
    def shipped(cls) -> "ActClassifier":
        return cls(json.loads(resources.files("intents.acts").joinpath(FILE).read_text()))

    def classify(self, text: str) -> Act:
        counts: dict[str, int] = {}
        for t in terms(text):
            if t in self.index:
                counts[t] = counts.get(t, 0) + 1
        tfidf = {t: c * self.idf[self.index[t]] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in tfidf.values())) or 1.0
        z = list(self.bias)
        for t, v in tfidf.items():
            for k, w in self.weights.get(t, ()):
                z[k] += w * v / norm
        top = max(z)
        exp = [math.exp(x - top) for x in z]
        best = max(range(len(z)), key=z.__getitem__)
        return Act(self.acts[best], exp[best] / sum(exp))
