"""Answers to a checklist in one message (intents/rules/checklist.py, issue 21): every
form the issue names read right, by position and by title, and the messages it must
leave to the film slots left alone."""
from __future__ import annotations

import pytest

from intents.query import ALL, FOCUS, THEM, Intent, Query


def fields(q: Query) -> tuple:
    return (q.intent.value, q.refs, q.rating, q.ratings, q.seen_refs, q.topic)


@pytest.mark.parametrize("text,expected", [
    # the issue's forms
    ("seen 2 5 7, loved 5", ("rate", (5,), 5.0, (), (2, 5, 7), None)),
    ("seen 1 and 3, loved 3", ("rate", (3,), 5.0, (), (1, 3), None)),
    ("I've seen 1 and 3", ("seen", (1, 3), None, (), (), None)),
    ("loved 3", ("rate", (3,), 5.0, (), (), None)),
    ("seen the first, loved the third", ("rate", (3,), 5.0, (), (1,), None)),
    ("all of them, hated 4", ("rate", (4,), 1.0, (), (ALL,), None)),
    # worded otherwise
    ("Seen 2, 5 and 7 - loved 5 as well, thanks!", ("rate", (5,), 5.0, (), (2, 5, 7), None)),
    ("I've seen 2 5 7 and loved 5", ("rate", (5,), 5.0, (), (2, 5, 7), None)),
    ("seen 2 5 7, loved 5, liked 7", ("rate", (5, 7), 5.0, (5.0, 4.0), (2, 5, 7), None)),
    ("seen #2 and #4, didn't like 4", ("rate", (4,), 2.0, (), (2, 4), None)),
    ("2 and 5 I've seen", ("seen", (2, 5), None, (), (), None)),
    ("seen all 10, loved 1 and 2", ("rate", (1, 2), 5.0, (), (ALL,), None)),
    ("seen number 3 and the last one, loved the last one",
     ("rate", (-1,), 5.0, (), (3, -1), None)),
    ("seen 1 but not 3", ("seen", (1,), None, (), (), None)),
    ("seen none of them", ("seen", (), None, (), (), "not_seen")),
    ("I've seen 2 of them", ("seen", (THEM,), None, (), (), None)),
    ("all of them", ("unknown", (ALL,), None, (), (), None)),
    # a film given two opinions stays twice: the service asks which was meant
    ("loved 3, hated 3", ("rate", (3, 3), 5.0, (5.0, 1.0), (), None)),
    ("seen 14", ("seen", (14,), None, (), (), None)),       # the service says it's not listed
])
def test_every_answer_form_is_read(tiny_parser, text, expected):
    assert fields(tiny_parser.parse(text)) == expected


def test_titles_and_positions_in_one_answer(tiny_parser):
    q = tiny_parser.parse("seen Fargo and Contact, loved Contact")
    assert (q.intent, q.item_ids, q.rating, q.seen_item_ids) == (Intent.RATE, (258,), 5.0,
                                                                (100, 258))
    q = tiny_parser.parse("seen 12 angry men and 2, loved 2")   # a title's number is its own
    assert (q.refs, q.seen_refs, q.seen_item_ids) == ((2,), (2,), (178,))
    q = tiny_parser.parse("seen cape fear 1962 and fargo, loved fargo")   # the year picks
    assert q.seen_item_ids == (673, 100) and q.item_ids == (100,)
    q = tiny_parser.parse("loved Titanic and 3, hated Fargo")   # titles first, then places
    assert (q.item_ids, q.refs, q.ratings) == ((313, 100), (3,), (5.0, 1.0, 5.0))


def test_a_later_it_is_the_film_of_the_clause_before(tiny_parser):
    # "saw Fargo and loved it" is about Fargo, not the film in focus: the film slots
    # read it (one film), the answer reader does not take it
    q = tiny_parser.parse("I saw Fargo and loved it")
    assert q.intent is Intent.RATE and q.item_ids == (100,) and FOCUS not in q.refs


@pytest.mark.parametrize("text", [
    "I loved Fargo", "I've seen the first and the third", "loved it", "I saw it 3 times",
    "I watched 10 movies last year", "One like Contact", "I really enjoyed those two",
    "it is. and iv not seen that one. whats that about?", "Hahaha I like that!",
    "I like comedies. Any suggestions?", "Good for kids but not boring like Toy Story",
    "I have seen it and loved it", "none of them", "3 movies like Fargo", "2",
])
def test_messages_the_film_slots_read_are_left_to_them(tiny_parser, text):
    words_read = []
    reader = tiny_parser.answers
    original = reader.read
    try:
        reader.read = lambda *a: words_read.append(original(*a)) or words_read[-1]
        tiny_parser.parse(text)
    finally:
        reader.read = original
    assert all(q is None for q in words_read), (text, words_read)


def test_the_answer_fields_round_trip_and_default_empty():
    q = Query(Intent.RATE, refs=(5,), rating=5.0, seen_refs=[2, 5, 7], seen_item_ids=[100],
              seen_titles=["Fargo"])
    assert Query.from_dict(q.to_dict()) == q
    assert q.to_dict()["seen_refs"] == [2, 5, 7]
    old = Query.from_dict({"intent": "seen", "refs": [1]})      # a dict from before
    assert (old.seen_refs, old.seen_item_ids, old.seen_titles) == ((), (), ())


@pytest.mark.movielens
def test_the_issue_forms_on_movielens(ml100k_view):
    from intents.rules.parser import RuleParser
    parser = RuleParser(ml100k_view)
    q = parser.parse("seen Fargo and Heat, loved Heat")
    assert (q.intent, q.titles, q.seen_titles) == (Intent.RATE, ("Heat",), ("Fargo", "Heat"))
    q = parser.parse("seen The Silence of the Lambs, Leaving Las Vegas and fargo, loved fargo")
    assert q.seen_titles == ("Silence of the Lambs, The", "Leaving Las Vegas", "Fargo")
    q = parser.parse("seen fargo and now and then, loved now and then")   # a title of
    assert q.titles == ("Now and Then",)                                   # grammar words


@pytest.mark.parametrize("text,expected", [
    # films said alone, then a clause with its own verb after "and" / "but" as after a
    # comma (the simulated users' "all of them and liked 2 4 5" was read as "2 of them")
    ("all of them and liked 2 4 5", ("rate", (2, 4, 5), 4.0, (), (ALL,), None)),
    ("all of them and I loved 1 2 5 7", ("rate", (1, 2, 5, 7), 5.0, (), (ALL,), None)),
    ("all of them but hated 4", ("rate", (4,), 1.0, (), (ALL,), None)),
    ("both of them and loved the second", ("rate", (2,), 5.0, (), (THEM,), None)),
    ("all 10, and really liked 3", ("rate", (3,), 4.0, (), (ALL,), None)),
])
def test_films_alone_then_and_a_verb(tiny_parser, text, expected):
    assert fields(tiny_parser.parse(text)) == expected


@pytest.mark.parametrize("text", ["all of them and more", "all of them and I love westerns"])
def test_films_alone_then_no_clause_is_not_an_answer(tiny_parser, text):
    assert tiny_parser.answers.read(*_read_input(tiny_parser, text)) is None


def _read_input(parser, text):
    """The words, breaks and titles the parser hands the answer reader."""
    seen = []
    original = parser.answers.read
    parser.answers.read = lambda *a: seen.append(a) or original(*a)
    try:
        parser.parse(text)
    finally:
        parser.answers.read = original
    return seen[0]


@pytest.mark.movielens
@pytest.mark.parametrize("text,titles,seen", [
    # a title that is also a verb ("Hate") is a film in a list when no film follows it
    ("seen Supercop, Hate and 8 1/2, loved Hate", ("Hate (Haine, La)",),
     ("Supercop", "Hate (Haine, La)", "8 1/2")),
    ("seen fargo, hate and heat, loved heat", ("Heat",), ("Fargo", "Hate (Haine, La)", "Heat")),
    ("seen heat and Hate, loved Hate", ("Hate (Haine, La)",), ("Heat", "Hate (Haine, La)")),
    # ... and a verb when one does
    ("seen fargo and heat, hate heat", ("Heat",), ("Fargo", "Heat")),
    # "Batman and" is Batman and a list going on, not the first words of Batman & Robin
    ("seen Quiz Show, Batman and clueless, loved clueless", ("Clueless",),
     ("Quiz Show", "Batman", "Clueless")),
    ("seen Batman and Clueless, liked Batman", ("Batman",), ("Batman", "Clueless")),
])
def test_titles_that_look_like_grammar_on_movielens(ml100k_view, text, titles, seen):
    from intents.rules.parser import RuleParser
    q = RuleParser(ml100k_view).parse(text)
    assert (q.titles, q.seen_titles) == (titles, seen)
    assert q.rating == (1.0 if "hate heat" in text else 4.0 if "liked" in text else 5.0)


@pytest.mark.movielens
@pytest.mark.parametrize("text,intent,titles", [
    # a title of everyday words the film slots leave to the cues is a film after a verb
    # of marking, when the whole message is that mark (the simulated "seen The Edge")
    ("seen The Edge", Intent.SEEN, ("Edge, The",)),
    ("seen the edge", Intent.SEEN, ("Edge, The",)),
    ("loved the edge", Intent.RATE, ("Edge, The",)),
    ("I've seen the game", Intent.SEEN, ("Game, The",)),
    ("hated the edge and the game", Intent.RATE, ("Edge, The", "Game, The")),
    # ... and only then
    ("who won the game", Intent.UNKNOWN, ()),
    ("I haven't seen the edge", Intent.SEEN, ()),
])
def test_everyday_titles_after_a_verb_of_marking(ml100k_view, text, intent, titles):
    from intents.rules.parser import RuleParser
    q = RuleParser(ml100k_view).parse(text)
    assert (q.intent, q.titles) == (intent, titles)
