"""Writes only when the films are certain (chatrec/conversation/feedback.py,
`confirm_first`), through the real parser and service on ML-100K: a loose title link,
"them all" / "both" over a list, and a later version the catalog lacks are asked about
and written only on "yes"; what is certain is written at once. Phrasings here are the
project's own, not taken from the ReDial dump."""
from __future__ import annotations

import itertools

import pytest

from tests.chatrec.homes import copy_trained, service_on

pytestmark = pytest.mark.movielens
_ids = itertools.count()


@pytest.fixture(scope="module")
def svc(tmp_path_factory, trained_home_cache):
    home = copy_trained(trained_home_cache, tmp_path_factory.mktemp("feedback-home"))
    yield from service_on(home, CHATREC_CHECKLIST="off")   # plain lists: "them all" is
                                                           # about a list


class Talk:
    def __init__(self, svc):
        self.svc, self.sid = svc, f"f{next(_ids)}"

    def say(self, message: str) -> dict:
        return self.svc.turn(message, self.sid)

    def stored(self) -> tuple[dict, set]:
        """({title: rating}, {titles seen}) the session holds."""
        s = self.svc.get_session(self.sid)
        return ({r["title"]: r["rating"] for r in s["ratings"]},
                {f["title"] for f in s["seen"]})


@pytest.mark.parametrize("message", ["I loved Twelve Monkies", "really enjoyed Braveheartt",
                                     "I have seen Forest Gump",
                                     "I hated Independance Day"])
def test_a_loose_title_link_is_asked_about_then_written_on_yes(svc, message):
    talk = Talk(svc)
    asked = talk.say(message)
    assert asked["reply"].startswith("Did you mean ") and talk.stored() == ({}, set())
    talk.say("yes")
    ratings, seen = talk.stored()
    assert len(ratings) + len(seen) == 1


@pytest.mark.parametrize("message", ["I loved Twelve Monkeys", "I have seen Braveheart",
                                     "i hated independence day", "Loved THE GODFATHER",
                                     "I have seen Star Trek Genrations"])   # (one letter
# off a long title is as sure as the title)
def test_a_title_written_as_the_catalog_has_it_is_written_at_once(svc, message):
    talk = Talk(svc)
    reply = talk.say(message)
    assert not reply["reply"].startswith("Did you mean")
    ratings, seen = talk.stored()
    assert len(ratings) + len(seen) == 1


def test_no_to_a_loose_link_writes_nothing(svc):
    talk = Talk(svc)
    talk.say("I adored Braveheartt")
    talk.say("no")
    assert talk.stored() == ({}, set())


ALL_OF_THEM = [("I've seen them all", "seen"), ("loved all of those", "rated"),
               ("I liked them all", "rated"), ("seen all of them already", "seen")]


@pytest.mark.parametrize("message,kind", ALL_OF_THEM)
def test_all_of_a_list_said_right_under_it_is_written(svc, message, kind):
    talk = Talk(svc)
    assert len(talk.say("recommend 4 sci-fi movies")["items"]) == 4
    talk.say(message)
    ratings, seen = talk.stored()
    assert len(ratings if kind == "rated" else seen) == 4


@pytest.mark.parametrize("message,kind", ALL_OF_THEM)
def test_all_of_a_list_said_later_is_named_back_and_written_on_yes(svc, message, kind):
    """Once chatrec said something else, "all of them" may be about other films."""
    talk = Talk(svc)
    assert len(talk.say("recommend 4 sci-fi movies")["items"]) == 4
    talk.say("hi")
    asked = talk.say(message)
    assert asked["reply"].startswith("All 4 of them:") and talk.stored() == ({}, set())
    talk.say("yes")
    ratings, seen = talk.stored()
    assert len(ratings if kind == "rated" else seen) == 4


@pytest.mark.parametrize("after", ["I'll check them out", "ok thanks", "what about comedies?"])
def test_anything_but_yes_after_all_of_them_writes_nothing(svc, after):
    talk = Talk(svc)
    talk.say("recommend 3 westerns")
    talk.say("hi")
    talk.say("I have seen all of them")
    talk.say(after)
    assert talk.stored() == ({}, set())


def test_a_position_in_the_list_is_certain_and_written(svc):
    talk = Talk(svc)
    shown = talk.say("recommend 3 westerns")["items"]
    talk.say("I loved the second one")
    ratings, _ = talk.stored()
    assert list(ratings) == [shown[1]["title"]]


@pytest.mark.parametrize("message", ["I saw it last night", "the first time I watched it I "
                                     "cried", "we watched it again last weekend"])
def test_a_time_after_an_ordinal_is_no_position(svc, message):
    talk = Talk(svc)
    talk.say("recommend 3 westerns")
    body = talk.say(message)
    assert not any(r in body["query"].get("refs", []) for r in (1, -1))


@pytest.mark.parametrize("message", ["I loved the new Beauty and the Beast",
                                     "have you seen the remake of Fargo?",
                                     "I hated the remake of Heat"])
def test_a_later_version_the_catalog_lacks_is_never_written(svc, message):
    talk = Talk(svc)
    body = talk.say(message)
    assert "isn't in my catalog" in body["reply"] and talk.stored() == ({}, set())


@pytest.mark.parametrize("message", ["I saw the first one", "loved the last one",
                                     "the second one was great"])
def test_a_position_after_the_list_is_gone_from_view_is_asked_about(svc, message):
    # a reply that was not the list (small talk, a note) came in between: the person
    # may mean a series or their own films; the list's film is named back first
    talk = Talk(svc)
    shown = talk.say("recommend 3 westerns")["items"]
    talk.say("thanks, that's helpful")
    asked = talk.say(message)
    assert asked["reply"].startswith("Do you mean ") and talk.stored() == ({}, set())
    talk.say("yes")
    ratings, seen = talk.stored()
    assert set(ratings) | seen <= {it["title"] for it in shown} and len(ratings) + len(seen) == 1


def test_a_position_after_which_of_them_is_still_the_list(svc):
    talk = Talk(svc)
    shown = talk.say("recommend 4 westerns")["items"]
    assert talk.say("I liked those")["reply"].startswith("Which of them?")
    talk.say("loved the third one")
    assert list(talk.stored()[0]) == [shown[2]["title"]]


def test_a_loose_title_of_a_film_just_listed_is_written_at_once(svc):
    """The film is on screen: a typo or lower case names it, no doubt left."""
    talk = Talk(svc)
    shown = talk.say("recommend 4 sci-fi movies")["items"]
    title = shown[0]["display_title"] if "display_title" in shown[0] else shown[0]["title"]
    typo = title.lower() + title[-1].lower()            # "star warss"
    talk.say(f"I loved {typo}")
    ratings, _ = talk.stored()
    assert ratings == {shown[0]["title"]: 5.0}


def test_the_same_loose_title_with_no_list_is_asked_about(svc):
    talk = Talk(svc)
    asked = talk.say("I loved star warss")
    assert asked["reply"].startswith("Did you mean ") and talk.stored() == ({}, set())
