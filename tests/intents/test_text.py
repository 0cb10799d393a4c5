"""Text normalisation (intents/text.py): bounded whatever the characters."""
from __future__ import annotations

import time

from intents.text import NFKC_SLACK, clean, norm


def test_nfkc_expansion_is_capped():
    """U+FDFA becomes an 18-character phrase under NFKC: 1,000 of them must not turn
    into 18,000 characters of work for every later step."""
    assert len(clean("\ufdfa" * 1000)) <= 1000 + NFKC_SLACK
    assert clean("ﬁlm Ｓtar") == "film star"  # ordinary compatibility forms still fold
    assert norm("Mr. Holland's Opus") == "mr hollands opus"


def test_an_expanding_message_costs_about_what_any_message_of_its_length_costs(
        tiny_parser):
    def cost(text):
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            tiny_parser.parse(text)
            best = min(best, time.perf_counter() - t)
        return best
    plain = cost(("abcd " * 400)[:2000])
    expanding = cost("\ufdfa" * 2000)
    assert expanding < 3 * plain + 0.005, (expanding, plain)
