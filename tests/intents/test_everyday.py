"""Everyday phrasings on the tiny catalog: the looser similarity frames
(intents/rules/seeds.py), two-word titles read whole only when written as titles, and the
writes (rate/seen) staying conservative — a misread write is worse than `unknown`."""
from __future__ import annotations

import pytest

from intents.lexicon.text import capitals, clean_cased, tokens


def p(parser, text):
    q = parser.parse(text)
    return q.intent.value, q.titles, q.genres, q.exclude_genres


@pytest.mark.parametrize("text,title", [
    ("Contact vibes please", "Contact"),
    ("Fargo-style movies", "Fargo"),
    ("some Titanic type stuff", "Titanic"),
    ("picks for someone who loves Unforgiven", "Unforgiven"),
    ("films à la Rear Window", "Rear Window"),
    ("Hoop Dreams got me thinking, more like that?", "Hoop Dreams"),
])
def test_a_title_next_to_a_looser_similarity_cue_is_a_seed(tiny_parser, text, title):
    assert p(tiny_parser, text)[:2] == ("similar", (title,))


@pytest.mark.parametrize("text", [
    "contact-style weather",          # lowercase one-word title after a loose cue
    "what type of movies do you have",
    "more like that",                 # no film named: the next page
])
def test_everyday_words_next_to_those_cues_name_no_film(tiny_parser, text):
    assert p(tiny_parser, text)[1] == ()


def test_two_word_titles_are_read_whole_when_written_with_capitals(tiny_parser):
    assert p(tiny_parser, "if you dug Hoop Dreams what now")[:2] == ("similar", ("Hoop Dreams",))
    # typed lowercase, two words still name it after a cue; one common word would not
    assert p(tiny_parser, "hoop dreams vibes")[1] == ("Hoop Dreams",)
    assert p(tiny_parser, "contact vibes")[1] == ()


def test_capitals_ignore_shouting_and_sentence_case():
    cased = clean_cased("WHO WON THE GAME")
    assert capitals(cased, tokens(cased.lower())) == [False] * 4
    cased = clean_cased("The game was fun")
    assert capitals(cased, tokens(cased.lower())) == [True, False, False, False]


@pytest.mark.parametrize("text,rating", [
    ("Fargo was a total snoozefest", 2.0), ("Titanic? an absolute masterpiece", 5.0),
    ("gave up on Contact halfway through", 2.0), ("the second one was a dud", 2.0),
])
def test_verdicts_said_sideways_are_ratings(tiny_parser, text, rating):
    q = tiny_parser.parse(text)
    assert (q.intent.value, q.rating) == ("rate", rating)


@pytest.mark.parametrize("text,intent", [
    ("caught Fargo on TV last week", "seen"), ("been there done that with Contact", "seen"),
    ("I caught a cold", "unknown"),          # loose verbs never write an unknown film
])
def test_loose_seen_verbs_need_a_catalog_film(tiny_parser, text, intent):
    assert p(tiny_parser, text)[0] == intent


@pytest.mark.parametrize("text,genres,exclude", [
    ("a romcom for tonight", ("Romance", "Comedy"), ()),
    ("something with knights and dragons", ("Fantasy",), ()),
    ("a cartoon that isn't for little kids", ("Animation",), ("Children's",)),
])
def test_mood_and_topic_words(tiny_parser, text, genres, exclude):
    assert p(tiny_parser, text)[2:] == (genres, exclude)


@pytest.mark.parametrize("text", ["drop the horror ones", "lose the horror",
                                  "get rid of the horror ones", "no more horror"])
def test_exclusion_verbs_refine(tiny_parser, text):
    assert p(tiny_parser, text)[0] == "refine"
    assert p(tiny_parser, text)[3] == ("Horror",)


@pytest.mark.parametrize("text", ["any movies with subtitles?", "who won best picture last year",
                                  "what's the weather like for the drive-in tonight"])
def test_what_a_film_catalog_cannot_answer_is_unknown(tiny_parser, text):
    assert p(tiny_parser, text)[0] == "unknown"
