"""Deciding film mentions: the evidence (features.py) weighed by the learned model
(model.py) against its threshold.

Two uses, one decision rule:
- `find(view)`: every span of a message that names a catalog film, before any cue is
  read (the whole-title stage turns them into sentinels), best first, no overlaps;
- `accepts(view, start, end, match, kind)`: whether a link a frame proposes ("movies
  like X", "I loved X") is a film mention, with that frame counted as evidence.
"""
from __future__ import annotations

from dataclasses import replace

from intents.mentions.features import FEATURES, Candidate, Evidence, View
from intents.mentions.model import MentionModel
from intents.mentions.titles import ALIAS, TitleMatch


# a span inside a longer capitalised name ("Back to the Future Part II", "Son of
# Aladdin", "Terminator Salvation") or before a sequel number ("Toy Story 3", "Blade
# Runner 2049") names that longer film, which is not this one: never a link, whatever
# else the evidence says (the longer span is matched on its own)
_ANOTHER_FILM = tuple(FEATURES.index(n) for n in
                      ("extends_caps", "preceded_caps", "subtitle_after", "sequel_after"))


_YEAR_AGREES = FEATURES.index("year_agrees")
SHORT_WORD = 6       # letters: a loose match of one shorter word is only a "did you mean"


def _another_film(features: list[float]) -> bool:
    return any(features[k] for k in _ANOTHER_FILM)


def _decide(model: MentionModel, features: list[float]) -> float:
    """The model's probability, with the two cases the data cannot teach (ReDial writes
    no years, and its longer names are single marks): a title followed by its own
    release year ("Heat (1995)") is that film; a span inside a longer name is not."""
    if features[_YEAR_AGREES]:
        return 1.0
    return 0.0 if _another_film(features) else model.p(features)


class MentionDetector:
    """Film mentions in one catalog (see the module docstring)."""

    def __init__(self, catalog, matcher, vocabulary: frozenset[str],
                 model: MentionModel | None = None) -> None:
        self.evidence = Evidence(catalog, matcher, vocabulary)
        self._model = model
        #: when a list: every link a frame proposes is recorded and let through, as the
        #: parser without the model would have linked it (bench/train_mentions.py)
        self.recorder: list | None = None

    def find(self, view: View) -> list[Candidate]:
        """The mentions of catalog films in `view`, in text order."""
        chosen: list[Candidate] = []
        if self.recorder is not None:
            return chosen               # collecting what the frames alone propose
        found = self.evidence.candidates(view)
        for c in found:
            c.p = _decide(self.model, c.features)
        # a title as written beats a close match; then the longest span the model
        # accepts wins, then the likelier: "The Fear" is not "Fear", "In the Realm of
        # the Senses" not "Senses", "Jurassic Park" not "...: Jurassic Park"
        for c in sorted(found, key=lambda c: (c.kind == "fuzzy", c.start - c.end, -c.p)):
            if c.p < self.model.threshold or (
                    c.kind == "fuzzy" and short_word(view.words[c.start:c.end], c.match)):
                continue      # the frames read it, and ask "did you mean" (short_word)
            if all(c.end <= o.start or c.start >= o.end for o in chosen):
                chosen.append(c)
        for c in chosen:     # "The Usual Suspects": the span takes the article too
            for o in found:
                if o.match.index == c.match.index and o.start < c.start < o.end:
                    c.start = o.start
        return sorted(chosen, key=lambda c: c.start)

    @property
    def model(self) -> MentionModel:
        """The shipped model unless one was given (loaded on first use)."""
        if self._model is None:
            self._model = MentionModel.shipped()
        return self._model

    @model.setter
    def model(self, model: MentionModel) -> None:
        self._model = model

    @property
    def threshold(self) -> float:
        """At or above: a link."""
        return self.model.threshold

    def judged(self, hit: TitleMatch, p: float) -> TitleMatch | None:
        """`hit` when probability p links it, marked sure enough for a write or not;
        else None."""
        return replace(hit, sure=p >= self.write) if p >= self.threshold else None

    @property
    def write(self) -> float:
        """At or above: sure enough for a write; between `threshold` and this: linked,
        and a rating or seen mark from it is confirmed first."""
        return self.model.write

    @property
    def ask(self) -> float:
        """At or above (and below `threshold`): ask "did you mean ...?"; below: no film."""
        return self.model.ask

    def p(self, view: View, start: int, end: int, match: TitleMatch, kind: str) -> float:
        """The probability that words start..end, which a frame proposes to link to
        `match` ("movies like X", "I loved X"), name that film."""
        features = self.evidence.features(view, Candidate(start, end, match, kind))
        if self.recorder is not None:       # collecting training data (bench/)
            self.recorder.append((start, end, match.index, kind, features))
            return 1.0
        return _decide(self.model, features)


def short_word(words: list[str], match: TitleMatch) -> bool:
    """One short word (under six letters) that matched a title only loosely: an edit is
    a large share of it and it has many close neighbours ("sing" is a letter from "The
    Sting", "rocky" from "The Rock"), so it is asked about, never linked; "godfathr" or
    "braveheartt" are still plainly their film."""
    return len(words) == 1 and len(words[0]) < SHORT_WORD and match.score < ALIAS


def certainty(match: TitleMatch) -> float:
    """How sure a link is, for the Query's `confidence`: the match score, below an
    alias's when the mention model was unsure the words name a film at all ("about
    aliens", "Emma stone"), so a write from it is confirmed first."""
    return match.score if match.sure else min(match.score, ALIAS - 1.0)
