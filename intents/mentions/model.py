"""The mention model: a logistic regression over intents/mentions/features.py, its
weights learned on real conversations' marked film mentions (bench/train_mentions.py on
the ReDial development set) and its threshold chosen on their validation part. Shipped
as plain numbers in mention_model.json; no learning library at run time.
"""
from __future__ import annotations

import json
import math
from importlib import resources

from intents.mentions.features import FEATURES

FILE = "mention_model.json"


class MentionModel:
    """`p(features)`: the probability that a candidate span names its film."""

    def __init__(self, weights: dict[str, float], threshold: float, ask: float,
                 write: float | None = None) -> None:
        missing = set(FEATURES) - set(weights)
        if missing:
            raise ValueError(f"mention model lacks weights for {sorted(missing)}")
        self.weights = [float(weights[name]) for name in FEATURES]
        self.threshold = float(threshold)    # at or above: a film mention
        self.ask = float(ask)                # between ask and threshold: "did you mean?"
        # at or above: sure enough to write an opinion or seen mark from the link alone
        self.write = float(threshold if write is None else write)

    @classmethod
    def shipped(cls) -> "MentionModel":
        data = json.loads(resources.files("intents.mentions").joinpath(FILE).read_text())
        return cls(data["weights"], data["threshold"], data["ask"], data.get("write"))

    def p(self, features: list[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
