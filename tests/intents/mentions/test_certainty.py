"""How sure a title link is (Query.confidence, intents/mentions/detector.certainty): the
weakest link's match score, kept below an alias's when the mention model linked the
words but not surely enough for a write (MentionModel.write)."""
from __future__ import annotations

import pytest

from intents.mentions.features import FEATURES
from intents.mentions.model import MentionModel
from intents.mentions.titles import ALIAS
from intents.rules.parser import RuleParser


@pytest.fixture
def parser(tiny):
    p = RuleParser(tiny)
    yield p
    p.whole.detector.model = MentionModel.shipped()    # in case the detector is shared


def with_write(parser: RuleParser, write: float) -> RuleParser:
    shipped = MentionModel.shipped()
    parser.whole.detector.model = MentionModel(dict(zip(FEATURES, shipped.weights)),
                                               shipped.threshold, shipped.ask, write)
    return parser


@pytest.mark.parametrize("text", ["I loved Fargo", "seen Titanic twice", "Apollo 13 was great",
                                  "I hated Scream and Fargo"])
def test_titles_written_whole_are_sure(parser, text):
    assert parser.parse(text).confidence == 100.0


@pytest.mark.parametrize("text", ["I loved 12 Angry Man", "seen Wily Wonka twice",
                                  "I hated Scream and Willy Wonka",
                                  "I really liked Willy Wonka"])
def test_the_weakest_of_loose_links_sets_the_confidence(parser, text):
    q = parser.parse(text)
    assert q.item_ids and q.confidence < ALIAS


@pytest.mark.parametrize("text", ["I loved Fargo", "Apollo 13 was great", "seen Titanic twice"])
def test_a_link_the_model_is_unsure_of_is_kept_but_not_sure(parser, text):
    # the same words, a model that wants more evidence before a write: still linked
    # (lists use it), never at a certainty a write takes without asking
    q = with_write(parser, 0.9999).parse(text)
    assert q.item_ids and q.confidence < ALIAS


@pytest.mark.parametrize("text", ["I loved Fargp", "seen Titnc twice", "movies like Screm"])
def test_one_short_misspelt_word_is_asked_about_not_linked(parser, text):
    # a short word has many close neighbours ("Sing" is a letter from The Sting)
    q = parser.parse(text)
    assert not q.item_ids and q.unknown_title and q.candidates


@pytest.mark.parametrize("text", ["like Fargo", "Scream", "loved Fargo!", "like Contact"])
def test_one_short_word_written_as_the_title_is_no_misspelling(parser, text):
    # the short-word rule is for loose matches only: the title itself always counts
    q = parser.parse(text)
    assert not q.unknown_title or q.item_ids


@pytest.mark.parametrize("text", ["I loved Fargoo", "seen Titanicc twice", "godfathr"])
def test_one_longer_misspelt_word_is_still_its_film(parser, text):
    assert parser.parse(text).item_ids


def test_a_title_with_its_year_is_sure_whatever_the_write_threshold(parser):
    q = with_write(parser, 0.9999).parse("I loved Fargo (1996)")
    assert q.item_ids and q.confidence == 100.0


def test_a_shipped_model_without_a_write_threshold_writes_at_its_link_threshold():
    shipped = MentionModel.shipped()
    old = MentionModel(dict(zip(FEATURES, shipped.weights)), shipped.threshold, shipped.ask)
    assert old.write == old.threshold and shipped.write >= shipped.threshold
