"""The mention model's evidence (intents/mentions/features.py): what capitals say."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,known", [
    ("I loved The Game", True), ("Yes I liked Jurassic Park a lot", True),
    ("I Loved The Game", False), ("Have You Seen Any Good Films Lately Or Not", False),
])
def test_capitals_tell_names_unless_every_word_has_one(text, known):
    from intents.lexicon.text import capitals, clean_cased, tokens
    from intents.mentions.features import View
    cased = clean_cased(text)
    toks = tokens(cased.lower())
    view = View(cased.lower(), toks, [t.word for t in toks], capitals(cased, toks))
    assert view.caps_known is known


def test_a_common_word_title_written_with_capitals_in_an_opinion_is_heard(ml100k_view):
    from intents.rules.parser import RuleParser
    assert RuleParser(ml100k_view).parse("I loved The Game").titles == ("Game, The",)
