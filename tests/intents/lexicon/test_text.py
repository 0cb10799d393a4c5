"""Text normalisation (intents/lexicon/text.py): bounded whatever the characters (the cost of
such a message is measured in bench/bench_parse.py, not asserted here)."""
from __future__ import annotations

from intents.lexicon.text import NFKC_SLACK, clean, norm


def test_nfkc_expansion_is_capped():
    """U+FDFA becomes an 18-character phrase under NFKC: 1,000 of them must not turn
    into 18,000 characters of work for every later step."""
    assert len(clean("\ufdfa" * 1000)) <= 1000 + NFKC_SLACK
    assert clean("ﬁlm Ｓtar") == "film star"  # ordinary compatibility forms still fold
    assert norm("Mr. Holland's Opus") == "mr hollands opus"
