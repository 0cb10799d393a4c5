"""Opinions stated in frames the opinion cues do not cover (issue 17): slang and
exclamations of praise, an elliptical second opinion after a comma ("X was great, Y not
so much"), and a rating stated whole before a request ("rate X 5 stars and give me ...")."""
from __future__ import annotations

import pytest

from intents.query import Intent
from intents.rules.parser import RuleParser


@pytest.mark.parametrize("text", [
    "fargo is one of my all time faves",
    "Fargo - now that's a movie",
    "Fargo, what a film!",
])
def test_praise_in_other_words_is_a_high_rating(tiny_parser, text):
    q = tiny_parser.parse(text)
    assert q.item_ids == (100,) and q.rating == 5.0


def test_a_second_opinion_after_a_comma_is_its_own(tiny_parser):
    q = tiny_parser.parse("I loved Titanic, Fargo not so much")
    assert q.intent is Intent.RATE
    assert dict(zip(q.item_ids, q.ratings)) == {313: 5.0, 100: 2.0}


@pytest.mark.parametrize("text,said,genres", [
    ("rate fargo 5 stars and give me some crime movies", ((100, 5.0),), ("Crime",)),
    ("Fargo 4/5. now something funny", ((100, 4.0),), ("Comedy",)),
    ("I gave Titanic 2 stars, so any westerns?", ((313, 2.0),), ("Western",)),
])
def test_a_rating_stated_before_a_request_rides_along(tiny_parser, text, said, genres):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.RECOMMEND and q.genres == genres
    assert q.said == said


def test_a_rating_alone_is_still_a_rating(tiny_parser):
    q = tiny_parser.parse("rate fargo 5 stars")
    assert q.intent is Intent.RATE and q.rating == 5.0 and not q.said


@pytest.mark.parametrize("text", [
    "nice, we'll go with that. thanks!!", "thnx", "thanks, that's plenty",
    "thanks, you're the best",
])
def test_gratitude_at_either_end_thanks(tiny_parser, text):
    assert tiny_parser.parse(text).intent is Intent.THANKS


@pytest.mark.parametrize("text,intent", [
    ("thanks! any westerns?", Intent.RECOMMEND), ("thanks, show me more", Intent.MORE),
])
def test_gratitude_with_a_request_is_the_request(tiny_parser, text, intent):
    assert tiny_parser.parse(text).intent is intent


@pytest.mark.parametrize("text,k,genres", [
    ("give me like 100 horror movies lol", 50, ("Horror",)),
    ("a western, like from the 70s", 5, ("Western",)),
])
def test_like_as_a_hedge_is_no_film(tiny_parser, text, k, genres):
    q = tiny_parser.parse(text)
    assert q.unknown_title is None and not q.item_ids
    assert q.k == k and q.genres == genres


def test_a_childs_age_said_after_naming_the_child(tiny_parser):
    q = tiny_parser.parse("something for my daughter, she's 7. not too scary please")
    assert q.genres == ("Children's",) and q.k_requested is None


@pytest.mark.parametrize("text,ref", [
    ("the forth one - whats that", 4), ("cool. and the last one, when's that from?", -1),
    ("how is the third one?", 3),
])
def test_a_position_asked_about_in_any_question_words(tiny_parser, text, ref):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.INFO and q.refs == (ref,)


@pytest.mark.parametrize("text,item_ids,refs", [
    ("Fargo - watched it last week", (100,), ()),
    ("Titanic, already saw that one", (313,), ()),
    ("number 2 - have seen it. number 4 sounds good tho", (), (2,)),
])
def test_seen_it_after_a_dash_or_comma_marks_the_film_before(tiny_parser, text, item_ids, refs):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.SEEN and q.item_ids == item_ids and q.refs == refs


@pytest.fixture(scope="module")
def ml100k_parser(ml100k_view):
    return RuleParser(ml100k_view)      # unknown titles are judged against a real catalog


@pytest.mark.parametrize("text,item_ids,unknown", [
    ("do you have Fargo?", (100,), None), ("do you have oppenheimer", (), "oppenheimer"),
])
def test_asking_whether_a_film_is_in_the_catalog(ml100k_parser, text, item_ids, unknown):
    q = ml100k_parser.parse(text)
    assert q.intent is Intent.INFO and q.item_ids == item_ids and q.unknown_title == unknown


@pytest.mark.parametrize("text,genres", [
    ("do you have any westerns", ("Western",)), ("you got anything scary", ("Horror",)),
])
def test_do_you_have_a_kind_of_film_is_a_request(tiny_parser, text, genres):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.RECOMMEND and q.genres == genres


def test_a_request_by_what_the_catalog_has_no_data_on_says_so(tiny_parser):
    q = tiny_parser.parse("any disney stuff?")
    assert q.intent is Intent.RECOMMEND and q.topic == "studio"


@pytest.mark.parametrize("text,exclude", [
    ("something similar", ()), ("ok something similar but less scary", ("Horror",)),
])
def test_similar_of_nothing_is_about_the_film_in_focus(tiny_parser, text, exclude):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.SIMILAR and q.refs == (0,) and q.exclude_genres == exclude


def test_similar_to_a_film_names_it(tiny_parser):
    assert tiny_parser.parse("something similar to Fargo").item_ids == (100,)


@pytest.mark.parametrize("text", ["is it too scary for a 10 year old?", "is Fargo ok for my kids?"])
def test_suitability_is_a_question_about_content(tiny_parser, text):
    q = tiny_parser.parse(text)
    assert q.intent is Intent.INFO and q.topic == "content"


@pytest.mark.parametrize("text", [
    "She also loved Titanic", "my wife really hates Titanic", "the kids liked Titanic",
    "I think my girlfriend loved Titanic",
])
def test_someone_elses_opinion_is_not_the_speakers_rating(tiny_parser, text):
    q = tiny_parser.parse(text)
    assert q.item_ids == (313,) and q.rating is None and q.intent is not Intent.RATE


@pytest.mark.parametrize("text", ["my wife and I loved Titanic", "we also liked Titanic"])
def test_an_opinion_the_speaker_shares_is_a_rating(tiny_parser, text):
    assert tiny_parser.parse(text).rating is not None


@pytest.mark.parametrize("text", ["not into westerns", "not a big fan of westerns, any comedies?",
                                  "I'm not keen on westerns"])
def test_a_genre_disliked_in_other_words_is_ruled_out(tiny_parser, text):
    q = tiny_parser.parse(text)
    assert q.exclude_genres == ("Western",) and "Western" not in q.genres


def test_a_fuzzy_match_never_crosses_sequel_numbers(ml100k_parser):
    q = ml100k_parser.parse("godfather part 3 was great")
    assert 187 not in q.item_ids and 127 not in q.item_ids and q.rating is None
    assert ml100k_parser.parse("I loved Godfather 2").item_ids == (187,)


@pytest.mark.parametrize("text", ["no war stuff please, she hates war movies", "no horror movies"])
def test_a_message_opening_by_ruling_out_narrows_the_last_list(tiny_parser, text):
    assert tiny_parser.parse(text).intent is Intent.REFINE


def test_a_request_that_also_rules_out_is_a_new_list(tiny_parser):
    assert tiny_parser.parse("recommend some movies, no horror").intent is Intent.RECOMMEND


@pytest.mark.parametrize("text", ["what year does your list go up to", "how recent are your movies?",
                                  "how many films do you have"])
def test_a_question_about_the_catalog_itself_is_help(tiny_parser, text):
    assert tiny_parser.parse(text).intent is Intent.HELP


def test_fondness_idioms_are_praise(tiny_parser):
    assert tiny_parser.parse("Fargo is literally my comfort movie").rating == 5.0


def test_a_genre_ruled_out_with_words_between(tiny_parser):
    q = tiny_parser.parse("skip anything with war in it")
    assert q.exclude_genres == ("War",) and not q.genres


def test_the_top_one_is_the_first_of_the_list(tiny_parser):
    q = tiny_parser.parse("ok the top one - when's that from")
    assert q.intent is Intent.INFO and q.refs == (1,)


@pytest.mark.parametrize("text,unknown,rating", [
    ("i loved interstellar", "interstellar", 5.0),
    ("I hated inception", "inception", 1.0),        # a phone capitalises only "I"
    ("i really enjoyed the social network", "the social network", 4.0),
    ("i loved mad max fury road", "mad max fury road", 5.0),
    ("we loved parasite", "parasite", 5.0),
])
def test_a_lowercase_opinion_of_a_film_the_catalog_lacks_is_said_so(ml100k_parser, text,
                                                                      unknown, rating):
    q = ml100k_parser.parse(text)
    assert q.unknown_title == unknown and q.item_ids == () and q.rating == rating


@pytest.mark.parametrize("text", [
    "i loved the ending", "i liked the music", "i loved every minute",
    "i liked the jokes but not the plot", "I like dark comedies and thrillers",
    "I love the classics", "a western, like from the 70s",
    "I loved Fargo, the acting was great",          # capitals: the writer marks titles
])
def test_parts_of_a_film_and_tastes_are_no_missing_film(ml100k_parser, text):
    assert ml100k_parser.parse(text).unknown_title is None


@pytest.mark.parametrize("text", ["do you have oppenheimer", "you got netflix?"])
def test_asking_whether_the_catalog_holds_something_names_it(ml100k_parser, text):
    """The question says its object is a film: one the catalog lacks is said so."""
    q = ml100k_parser.parse(text)
    assert q.intent is Intent.INFO and q.item_ids == () and q.unknown_title


@pytest.mark.parametrize("text,ratings", [
    ("empire strikes back also 5. return of the jedi maybe a 3, the ewoks ruin it",
     {172: 5.0, 181: 3.0}),
    ("star wars is a 5 for me", {50: 5.0}),
    ("fargo is a 4/5 tbh", {100: 4.0}),
])
def test_a_score_after_a_film_in_its_own_clause_is_a_rating(ml100k_parser, text, ratings):
    q = ml100k_parser.parse(text)
    got = dict(zip(q.item_ids, q.ratings or (q.rating,) * len(q.item_ids)))
    assert q.intent is Intent.RATE and got == ratings


@pytest.mark.parametrize("text", ["fargo 4", "toy story 2", "3 movies like fargo",
                                  "fargo was like 2 hours long"])
def test_a_number_that_is_no_score_rates_nothing(ml100k_parser, text):
    assert ml100k_parser.parse(text).rating is None


@pytest.mark.parametrize("text,ref,topic", [
    ("is the third one animated?", 3, "genre"), ("is #2 scary?", 2, "quality"),
    ("was the second one any good", 2, None), ("is the first one in color", 1, "color"),
    ("is the last one too violent", -1, "content"), ("ok is number 2 sci-fi?", 2, "genre"),
])
def test_a_yes_no_question_about_a_listed_film_is_about_that_film(ml100k_parser, text,
                                                                   ref, topic):
    q = ml100k_parser.parse(text)
    assert q.intent is Intent.INFO and q.refs == (ref,) and q.topic == topic


def test_is_there_a_third_one_asks_no_position(ml100k_parser):
    assert ml100k_parser.parse("is there a third one?").refs == ()


@pytest.mark.parametrize("text,films", [
    ("i watched fargo and heat, loved both", {100, 273}),
    ("seen sense and sensibility and emma, loved both", {275, 283}),
])
def test_both_means_the_films_the_same_message_names(ml100k_parser, text, films):
    q = ml100k_parser.parse(text)
    assert q.intent is Intent.RATE and set(q.item_ids) == films and q.rating == 5.0
    assert q.refs == ()                      # not the last list


def test_a_series_named_with_all_is_no_list_of_films(ml100k_parser):
    q = ml100k_parser.parse("I liked all of the Star Wars ones")
    assert 50 not in q.item_ids           # the 1977 film alone is not "all of them"
