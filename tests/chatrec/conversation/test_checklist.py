"""The checklist turn (chatrec/conversation/checklist/, issue 21) on a service trained on
ML-100K: when a newcomer gets it, every answer form recorded film by film, the next
list, the web page's panel, and bad input (numbers outside the list, two opinions of
one film, an answer after another list) said back with nothing recorded against the
wrong film."""
from __future__ import annotations

import itertools

import pytest

from chatrec.conversation.checklist import offer
from models.data import natural_title
from tests.chatrec.homes import copy_trained, service_on

pytestmark = pytest.mark.movielens
_ids = itertools.count()


@pytest.fixture(scope="module")
def svc(tmp_path_factory, trained_home_cache):
    home = copy_trained(trained_home_cache, tmp_path_factory.mktemp("checklist-home"))
    yield from service_on(home)


@pytest.fixture
def one_checklist(monkeypatch):
    """One checklist, then lists (the tests of what an answer records and brings)."""
    monkeypatch.setattr(offer, "TURNS", 1)
    monkeypatch.setattr(offer, "PANEL_TURNS", 1)


class Talk:
    """One conversation: `say` a message, read what the session holds."""

    def __init__(self, svc, panel: bool = False, **extra):
        self.svc, self.sid, self.panel, self.extra = svc, f"c{next(_ids)}", panel, extra
        self.checklist: list = []

    def say(self, message: str) -> dict:
        body = self.svc.turn(message, self.sid, panel=self.panel, **self.extra)
        if body["checklist"]:
            self.checklist = [it["item_id"] for it in body["items"]]
        return body

    def state(self):
        return self.svc.sessions.load(self.sid)

    def marks(self) -> tuple[set, dict]:
        """(positions in the checklist marked seen, {position: rating})."""
        s = self.svc.get_session(self.sid)
        at = {item: n for n, item in enumerate(self.checklist, 1)}
        return ({at[f["item_id"]] for f in s["seen"] if f["item_id"] in at},
                {at[r["item_id"]]: r["rating"] for r in s["ratings"] if r["item_id"] in at})


def ids(body) -> list:
    return [it["item_id"] for it in body["items"]]


def test_a_newcomers_open_request_is_a_checklist_of_ten(svc):
    t = Talk(svc)
    body = t.say("what should I watch?")
    assert body["checklist"] is True and len(body["items"]) == offer.SIZE
    assert body["reply"] == ("My first 10 picks — which have you seen, and which did you "
                             "love? Reply like 'seen 2 5 7, loved 5'.")
    sheet = t.state().checklist
    assert sheet["items"] == [str(i) for i in t.checklist] and sheet["open"]
    assert t.state().shown == set(sheet["items"])       # in a chat: recommendations shown
    told = Talk(svc)
    for film in ("Fargo", "Pulp Fiction", "Heat"):            # after a few likes too
        told.say(f"I loved {film}")
    body = told.say("recommend something")
    assert body["checklist"] and not {100, 56, 6} & set(ids(body))


@pytest.mark.parametrize("messages", [
    ["3 comedies"], ["comedies from the 80s"], ["top films"], ["movies like Fargo"],
    ["hidden gems please"],
])
def test_a_request_that_says_what_it_wants_is_answered_as_asked(svc, messages):
    t = Talk(svc)
    for m in messages:
        body = t.say(m)
    assert body["checklist"] is False and body["items"]


def test_a_person_with_few_ratings_or_more_gets_a_list(svc, monkeypatch):
    monkeypatch.setattr(offer, "FEW", 3)
    t = Talk(svc)
    for film in ("Fargo", "Heat", "Alien"):
        t.say(f"I loved {film}")
    body = t.say("recommend something")                 # FEW ratings: enough to go on
    assert body["checklist"] is False and body["items"]


def test_known_users_unknown_user_ids_and_a_second_request_get_lists(svc):
    assert not Talk(svc, user_id=1).say("recommend something")["checklist"]
    body = Talk(svc, user_id="nobody").say("recommend something")
    assert not body["checklist"] and body["reply"].startswith("User nobody is not")
    t = Talk(svc)
    t.say("what should I watch?")
    t.say("seen 1 2, loved 2")
    assert not t.say("recommend something")["checklist"]        # once per session


@pytest.mark.parametrize("message,seen,rated", [
    ("seen 2 5 7, loved 5", {2, 7}, {5: 5.0}),
    ("seen 1 and 3, loved 3", {1}, {3: 5.0}),
    ("I've seen 1 and 3", {1, 3}, {}),
    ("seen the first, loved the third", {1}, {3: 5.0}),
    ("all of them, hated 4", set(range(1, 11)) - {4}, {4: 1.0}),
    ("seen 2 5 7, loved 5, liked 7", {2}, {5: 5.0, 7: 4.0}),
    ("none of them", set(), {}),
    ("all of them", set(range(1, 11)), {}),
])
def test_every_answer_form_is_recorded_film_by_film_then_the_next_list(
        svc, one_checklist, message, seen, rated):
    t = Talk(svc)
    t.say("what should I watch?")
    body = t.say(message)
    assert t.marks() == (seen, rated)
    assert body["items"] and not body["checklist"]      # the next list, at once
    assert not set(ids(body)) & set(t.checklist)          # a chat's next list: new films
    assert not t.state().checklist["open"]


@pytest.mark.parametrize("panel", [False, True])
def test_while_still_new_the_next_lists_are_checklists_too(svc, panel):
    # TURNS checklists in a row (PANEL_TURNS on the web page), each of new films,
    # while the person has fewer than FEW ratings; then a list that uses every answer
    t = Talk(svc, panel=panel)
    asked = [t.say("what should I watch?")]
    body = t.say("seen 1 2, loved 2")
    turns = offer.PANEL_TURNS if panel else offer.TURNS
    for n in range(2, turns + 1):
        assert body["checklist"] and body["reply"].startswith(
            "Noted" if n == 2 else "OK, none of those seen yet.")   # the answer said back
        assert f"{offer.SIZE} more picks to get to know you" in body["reply"]
        assert not set(ids(body)) & {i for b in asked for i in ids(b)}
        asked.append(body)
        body = t.say("none of them")
    assert not body["checklist"] and body["items"]
    loved = ids(asked[0])[1]
    assert [r["item_id"] for r in svc.get_session(t.sid)["ratings"]] == [loved]
    assert not {ids(asked[0])[0], loved} & set(ids(body))


def test_an_answer_by_title(svc, one_checklist):
    t = Talk(svc)
    checklist = t.say("what should I watch?")["items"]
    a, b = (natural_title(f["title"]).lower() for f in checklist[:2])
    t.say(f"seen {a} and {b}, loved {b}")
    assert t.marks() == ({1}, {2: 5.0})


def test_opinions_alone_leave_the_checklist_up_for_more(svc):
    t = Talk(svc)
    t.say("what should I watch?")
    body = t.say("loved 3")
    assert body["items"] == [] and "Any others among these" in body["reply"]
    t.say("the fourth one was boring")                    # still the checklist's fourth
    assert t.marks() == (set(), {3: 5.0, 4: 2.0})
    body = t.say("go on")
    assert body["items"] and not set(ids(body)) & set(t.checklist)
    assert not t.state().checklist["open"]


def test_the_web_pages_panel_keeps_unmarked_films_on_offer(svc, one_checklist):
    chat, panel = Talk(svc), Talk(svc, panel=True)
    for t in (chat, panel):
        t.say("what should I watch?")
    assert chat.checklist == panel.checklist              # the same picks either way
    assert panel.state().shown == set()                   # not recommendations shown
    later = {name: t.say("seen 1 2, loved 2") for name, t in (("chat", chat),
                                                            ("panel", panel))}
    unmarked = set(panel.checklist[2:])
    assert not set(ids(later["chat"])) & set(chat.checklist)
    assert set(ids(later["panel"])) & unmarked            # still the best picks
    assert not set(ids(later["panel"])) & set(panel.checklist[:2])   # never seen ones


def test_numbers_outside_the_list_and_two_opinions_are_said_not_recorded(svc,
                                                                        one_checklist):
    t = Talk(svc)
    t.say("what should I watch?")
    body = t.say("seen 14")
    assert "there is no #14 in my picks (it had 10 films)" in body["reply"]
    assert t.marks() == (set(), {}) and body["items"] == [] and t.state().checklist["open"]
    body = t.say("seen 2 14, loved 2")
    assert t.marks() == (set(), {2: 5.0}) and "#14" in body["reply"] and body["items"]
    t2 = Talk(svc)
    t2.say("what should I watch?")
    body = t2.say("seen 1 3, loved 3, hated 3")
    assert t2.marks() == ({1}, {})
    assert "you said you loved and hated" in body["reply"] and "(say which)" in body["reply"]


def test_an_answer_by_number_after_another_list_records_nothing_by_number(svc):
    t = Talk(svc)
    t.say("what should I watch?")
    later = t.say("movies like Fargo")                      # the checklist passed by
    body = t.say("seen 2 5, loved 5")
    assert t.marks() == (set(), {}) and svc.get_session(t.sid)["ratings"] == []
    assert "noted nothing by number" in body["reply"]
    body = t.say("seen 2 5, loved 5")                        # again: the list just above
    s = svc.get_session(t.sid)
    assert [r["item_id"] for r in s["ratings"]] == [ids(later)[4]]
    assert {f["item_id"] for f in s["seen"]} == {ids(later)[1]}


def test_several_marks_at_once_on_any_list(svc):
    t = Talk(svc)
    shown = ids(t.say("movies like Fargo"))
    t.say("seen 1 and 2, loved 2")
    s = svc.get_session(t.sid)
    assert [r["item_id"] for r in s["ratings"]] == [shown[1]]
    assert {f["item_id"] for f in s["seen"]} == {shown[0]}


def test_switched_off_there_is_no_checklist(svc):
    svc.dispatcher.checklist = False
    try:
        assert not Talk(svc).say("what should I watch?")["checklist"]
    finally:
        svc.dispatcher.checklist = True
