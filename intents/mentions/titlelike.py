"""Is this span a film's title at all? The decision behind "I don't know 'X' - it isn't
in my catalog": only a span that looks like a title may be called a missing film ("I
loved Inception", "tell me about The Matrix"), never "of", "have a great night" or an
actor's name said in passing.

A logistic regression over what a reader sees (capitals when the message has them, how
common the words are, function words, digits, the frame before it, how close it comes
to any catalog title), learned on ReDial seekers' messages: the spans the rule parser's
frames would call unknown films, labelled by whether the message names a film there
(bench/train_mentions.py --titles). Shipped as numbers in titlelike.json.
"""
from __future__ import annotations

import json
import math
from importlib import resources

from intents.mentions.features import View, frame_before

FILE = "titlelike.json"
COMMON = 5.5             # Zipf: "the", "of", "have", "great" and such
# words a title keeps in lower case ("Gone with the Wind"), and "I" always capitalised
_SMALL = frozenset("the a an of and or in on to for at by from with i".split())
FEATURES = ("bias", "caps_known", "caps_share", "first_only", "words", "one_word",
            "zipf_min", "zipf_mean", "common_share", "starts_common", "has_digit",
            "before_similar", "before_opinion", "before_seen", "before_about", "before_named",
            "closeness", "whole_message", "starts_article", "caps_words", "asked",
            "aspect", "pronoun")
# what people praise or fault in a film ("I loved the ending", "the acting was great",
# "every minute of it"): talk about a film, not a film's name
ASPECTS = frozenset("""ending end beginning opening plot script writing dialogue dialog
acting actors actor actress cast characters character performance performances music
soundtrack songs song effects cgi visuals cinematography photography camera directing
direction editing pacing twist twists scene scenes part parts bit bits moment moments minute
minutes second seconds way idea concept premise message theme themes atmosphere vibe vibes
costumes jokes humor humour action fights fight animation sequel sequels trilogy franchise
version movie movies film films one ones show shows stuff thing things""".split())
# a title seldom holds these; talk often does ("the way it ended", "him in that")
_PRONOUNS = frozenset("""it its him her he she they them their his my your our me we us
you every each""".split())


def features(v: View, s: int, e: int, closeness: float, zipf,
             asked: bool = False) -> list[float]:
    """The evidence that words s..e of `v` are a film's title (`zipf(word)` is how
    common a word is; `closeness` the best fuzzy score to a catalog title, 0-100;
    `asked`: the span is what an explicit question is about, "tell me about X")."""
    words = v.words[s:e] or [""]
    z = [zipf(w) for w in words if not w.isdigit()] or [0.0]
    caps = v.caps_known
    later = [t for t in range(s, e) if t > 0 and v.words[t] not in _SMALL]
    share = sum(v.caps[t] for t in later) / len(later) if caps and later else 0.0
    frame = frame_before(v.words[s - 1] if s > 0 else "")
    f = {
        "bias": 1.0, "caps_known": float(caps), "caps_share": share,
        "first_only": float(caps and s == 0 and v.caps[0] and share == 0),
        "words": math.log1p(len(words)), "one_word": float(len(words) == 1),
        "zipf_min": min(z) / 7.0, "zipf_mean": sum(z) / len(z) / 7.0,
        "common_share": sum(x >= COMMON for x in z) / len(z),
        "starts_common": float(zipf(words[0]) >= COMMON and words[0] not in ("the", "a", "an")),
        "has_digit": float(any(w.isdigit() for w in words)),
        "closeness": closeness / 100.0, "whole_message": float(s == 0 and e == len(v.words)),
    }
    f["starts_article"] = float(words[0] in ("the", "a", "an"))
    f["asked"] = float(asked)
    f["aspect"] = float(words[-1] in ASPECTS)
    f["pronoun"] = float(any(w in _PRONOUNS for w in words))
    f["caps_words"] = share * f["words"]     # a long name in capitals is a title; a long
                                             # lowercase stretch is talk
    for kind in ("similar", "opinion", "seen", "about", "named"):
        f["before_" + kind] = float(frame == kind)
    return [f[name] for name in FEATURES]


class TitleLikeness:
    """`p(view, s, e, closeness)`; `recorder`, when a list, collects the spans asked
    about for training (and then every span passes)."""

    def __init__(self, zipf, state: dict | None = None) -> None:
        self.zipf = zipf
        self._state = state
        self.recorder: list | None = None

    def _model(self) -> dict:
        if self._state is None:
            self._state = json.loads(resources.files("intents.mentions").joinpath(FILE)
                                     .read_text())
        return self._state

    def title_like(self, v: View, s: int, e: int, closeness: float,
                   asked: bool = False) -> bool:
        f = features(v, s, e, closeness, self.zipf, asked)
        if self.recorder is not None:
            self.recorder.append((s, e, f))
            return True
        state = self._model()
        z = sum(state["weights"][name] * x for name, x in zip(FEATURES, f))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) >= state["threshold"]
