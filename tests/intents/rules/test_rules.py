"""RuleParser behaviour on a tiny catalog (DESIGN.md §2), one rule per test."""
from __future__ import annotations

import pytest

from intents.query import Intent


def p(parser, text):
    q = parser.parse(text)
    return q.intent.value, q.genre, q.title, q.k


@pytest.mark.parametrize("text,expected", [
    ("movies like Apollo 13", ("similar", None, "Apollo 13", 5)),
    ("3 movies like 2001: A Space Odyssey", ("similar", None, "2001: A Space Odyssey", 3)),
    ("12 Angry Men", ("similar", None, "12 Angry Men", 5)),
    ("The Magnificent Seven", ("similar", None, "Magnificent Seven, The", 5)),
    ("two films like the magnificent seven", ("similar", None, "Magnificent Seven, The", 2)),
])
def test_numbers_in_titles_are_not_counts(tiny_parser, text, expected):
    assert p(tiny_parser, text) == expected


@pytest.mark.parametrize("text,title", [
    ("movies like Funny Face", "Funny Face"), ("movies like Scream", "Scream"),
])
def test_genre_words_inside_titles_are_not_genres(tiny_parser, text, title):
    assert p(tiny_parser, text) == ("similar", None, title, 5)


def test_genre_outside_the_title_still_counts(tiny_parser):
    assert p(tiny_parser, "scary movies like Fargo") == ("similar", "Horror", "Fargo", 5)


def test_articles_are_not_counts(tiny_parser):
    assert p(tiny_parser, "recommend a comedy") == ("recommend", "Comedy", None, 5)
    assert p(tiny_parser, "a couple of comedies")[3] == 2
    assert p(tiny_parser, "a few thrillers")[3] == 3


def test_k_is_clamped_and_the_request_kept(tiny_parser):
    q = tiny_parser.parse("recommend 200 movies")
    assert (q.k, q.k_requested) == (50, 200)
    q = tiny_parser.parse("show me 0 comedies")
    assert (q.k, q.k_requested) == (1, 0)
    # k_requested is the count exactly as asked; None when the message gives none
    assert tiny_parser.parse("show me 7 comedies").k_requested == 7
    assert tiny_parser.parse("show me comedies").k_requested is None


def test_quoted_titles(tiny_parser):
    assert p(tiny_parser, '"Contact"') == ("similar", None, "Contact", 5)
    assert p(tiny_parser, "films like \u201cContact\u201d") == ("similar", None, "Contact", 5)


@pytest.mark.parametrize("text,rating", [
    ("I loved Fargo", 5.0), ("I hated Titanic", 1.0), ("Titanic was terrible", 1.0),
    ("rate Fargo 4 stars", 4.0), ("I didn't like Titanic", 2.0), ("Fargo 3/5", 3.0),
])
def test_rate(tiny_parser, text, rating):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.RATE and q.rating == rating and q.title in ("Fargo", "Titanic")


def test_statement_plus_request_is_similar(tiny_parser):
    # the opinion stated of the seed rides along, so the service can record it
    q = tiny_parser.parse("I enjoyed Fargo. what should I see next?")
    assert (q.intent, q.title, q.rating) == (Intent.SIMILAR, "Fargo", 4.0)


@pytest.mark.parametrize("text,k", [("more", 5), ("next", 5), ("others", 5),
                                    ("something else", 5), ("5 more", 5), ("3 more", 3)])
def test_more(tiny_parser, text, k):
    assert p(tiny_parser, text) == ("more", None, None, k)


@pytest.mark.parametrize("text,intent", [
    ("help", "help"), ("what can you do?", "help"), ("hi", "greet"),
    ("good evening", "greet"), ("", "unknown"), ("   ", "unknown"), ("42", "unknown"),
    ("\U0001f642", "unknown"), ("what's the weather", "unknown"),
    ("top 10 comedies", "popular"), ("what's popular", "popular"),
    ("what should I watch tonight", "recommend"), ("something scary", "recommend"),
])
def test_intents_without_titles(tiny_parser, text, intent):
    assert tiny_parser.parse(text).intent.value == intent


def test_no_match_offers_top3_candidates(tiny_parser):
    q = tiny_parser.parse("movies like Cape Feer Returns")
    assert q.intent is Intent.SIMILAR and q.title is None and q.item_id is None
    assert q.unknown_title == "cape feer returns"
    assert 1 <= len(q.candidates) <= 3
    assert all(c.title in tiny_parser.catalog.titles for c in q.candidates)


def test_item_id_and_confidence(tiny_parser):
    q = tiny_parser.parse("movies like the godfather")
    assert q.item_id == 127 and q.confidence == 100.0 and q.parser == "regex"
    assert tiny_parser.parse("movies like star wors").confidence < 100.0


def test_ties_go_to_more_rated(tiny_parser):
    assert tiny_parser.parse("movies like cape fear").item_id == 218
    assert tiny_parser.parse("movies like cape fear 1962").item_id == 673


def test_explicit_priority_similar_beats_sentiment_and_more(tiny_parser):
    # "loved" (rate cue), "like" (similar cue), "more": the seed-title request wins
    q = tiny_parser.parse("I loved Fargo, show me more like Titanic")
    assert q.intent is Intent.SIMILAR and q.title == "Titanic"
    # a popularity cue without a title, with "more": continuing the list wins
    assert tiny_parser.parse("5 more of the best").intent is Intent.MORE


def test_to_dict_is_json_ready(tiny_parser):
    import json
    d = tiny_parser.parse("3 movies like Fargo").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert {"intent", "genre", "title", "item_id", "k"} <= set(d)
