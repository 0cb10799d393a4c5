"""A message's cost is linear in its length (issues 17 and 18): whatever it is made of -
cue words by the hundred, fifty titles, no spaces after commas, emoji, ALL CAPS - the
parser does a bounded number of title lookups per word and computes each distinct
fuzzy match once. Work is counted, not timed (the timings are in
bench/bench_parse_worst.py), so the test is exact on any machine."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intents.lexicon.cues import MAX_CUES
from intents.lexicon.text import clean, tokens
from intents.rules.parser import MAX_CHARS

LOOKUPS_PER_WORD = 100     # exact + prefix lookups (spans of up to 20 words per start,
                           # by the detector and by the frames)
FUZZY_PER_WORD = 0.5       # distinct fuzzy matches computed
LOOKUPS_PER_CUE = 100      # a frame's cue ('like', 'loved') tries the spans after it; only
                           # the first MAX_CUES cues of a kind are read, so in a short message
                           # made of cues this is a constant, not a term growing with length
PIECES = ["like", "like ,", "loved", "hated", "the", "Star Wars", "and", ",", ",Fargo",
          "Fargo", "seen", "it", "movies", "?", "a", "great", "day", "Cape Fear", "1962",
          "I", "was", "terrible", "tell me about", "why", "rate", "5 stars", "more", "not",
          "for me", "\U0001F600", "\u201cHeat\u201d", "'Alien'", "SCREAM", "the second one",
          "top 10", "without horror", "90s", "Twelve Monkies", "qqtitle0qq", "#3", "-2"]


class Counted:
    """Counts the title matcher's lookups during a parse."""

    def __init__(self, matcher):
        self.matcher, self.calls = matcher, {"exact": 0, "prefix": 0, "fuzzy": 0}
        for name in ("exact", "prefix", "_fuzzy"):
            original = getattr(matcher, name)

            def counted(*args, _original=original, _key=name.strip("_"), **kw):
                self.calls[_key] += 1
                return _original(*args, **kw)
            setattr(matcher, name, counted)

    def parse(self, parser, text):
        for key in self.calls:
            self.calls[key] = 0
        self.matcher._fuzzy_seen.clear()        # every fuzzy match computed afresh
        parser.parse(text)
        return self.calls


@pytest.fixture
def counted(tiny_parser):
    c = Counted(tiny_parser.titles)
    yield c
    for name in ("exact", "prefix", "_fuzzy"):     # the session-wide parser, restored
        tiny_parser.titles.__dict__.pop(name, None)


def _words(text: str) -> int:
    return max(1, len(tokens(clean(text[:MAX_CHARS]))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=400),
       st.sampled_from([" ", "", ", ", "  "]))
@example(["like"] * 4 + ["?", ",Fargo"] + ["like"] * 7 + ["?", "like"], " ")  # cues, few words
def test_work_per_word_is_bounded(counted, tiny_parser, pieces, sep):
    text = sep.join(pieces)[:2000]
    calls = counted.parse(tiny_parser, text)
    n = _words(text)
    bound = LOOKUPS_PER_WORD * n + LOOKUPS_PER_CUE * MAX_CUES
    assert calls["exact"] + calls["prefix"] <= bound, (calls, n)
    assert calls["fuzzy"] <= FUZZY_PER_WORD * n + 10, (calls, n)


@pytest.mark.parametrize("text", [
    ("like ," * 400)[:2000], ("Star Wars, " * 200)[:2000], ("I loved Fargo and " * 120)[:2000],
    ("LIKE " * 400)[:2000], (", ".join(["Heat", "Fargo", "Alien", "Contact"] * 60))[:2000],
])
def test_the_worst_known_messages_stay_linear(counted, tiny_parser, text):
    calls = counted.parse(tiny_parser, text)
    n = _words(text)
    assert calls["exact"] + calls["prefix"] <= LOOKUPS_PER_WORD * n and calls["fuzzy"] <= 20


def test_like_comma_like_records_nothing(tiny_parser):
    """"like , like": no film is liked (the issue's Like Water for Chocolate)."""
    q = tiny_parser.parse(("like ," * 40)[:200])
    assert q.rating is None and not q.item_ids
