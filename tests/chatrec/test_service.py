"""ChatService on the tiny stack: turn bodies, conversations, validation, queries."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chatrec.errors import NotFound, UsageError
from models.errors import UnknownItem, UnknownUser
from tests.chatrec.fakes import tiny_service


@pytest.fixture
def svc(tmp_path):
    return tiny_service(tmp_path / "s.db")


def ids(body):
    return [it["item_id"] for it in body["items"]]


def test_turn_body_shape(svc):
    body = svc.turn("movies like star wars")
    assert set(body) == {"session_id", "reply", "query", "items", "checklist"}
    assert body["query"]["intent"] == "similar" and body["query"]["item_id"] == 1
    assert body["checklist"] is False
    assert ids(body)[:2] == [2, 3]
    json.dumps(body)  # plain JSON all the way down
    assert svc.get_session(body["session_id"])["turns"] == 1


def test_more_pages_never_repeat_within_a_session(svc):
    seen = ids(svc.turn("2 top", "s1"))
    for _ in range(3):
        page = ids(svc.turn("more", "s1"))
        assert not set(page) & set(seen)
        seen += page
    assert len(seen) == 8
    assert len(svc.turn("more", "s1")["items"]) == 2  # the last two of ten
    end = svc.turn("more", "s1")
    assert end["items"] == [] and end["reply"] == (
        "That's all: there are no more films I haven't shown you.")


def test_more_is_per_session(svc):
    a = ids(svc.turn("3 top", "a"))
    assert ids(svc.turn("3 top", "b")) == a
    assert not set(ids(svc.turn("more", "b"))) & set(a)


def test_rating_changes_the_very_next_recommendation(svc):
    before = svc.turn("recommend", "r")
    assert "average from" in before["items"][0]["reason"]
    ack = svc.turn("i loved scream", "r")
    assert ack["reply"].startswith("Noted: you loved Scream (1996) (5/5)")
    after = svc.turn("recommend", "r")
    assert ids(after) != ids(before) and 10 not in ids(after)
    assert after["items"][0]["reason"] == "because you liked Scream (1996)"
    sess = svc.get_session("r")
    assert sess["ratings"] == [{"item_id": 10, "title": "Scream", "rating": 5.0}]


def test_dataset_user_gets_personal_picks_and_session_ratings_count(svc):
    picks = svc.turn("recommend", "u", user_id=1)
    assert picks["reply"] == "Picks for user 1:" and 1 not in ids(picks)
    assert svc.get_session("u")["user_id"] == 1
    svc.turn("i loved scream", "u")  # the session remembers user 1
    after = svc.turn("recommend", "u")
    assert after["reply"] == "Picks for user 1:" and 10 not in ids(after)


def test_unknown_user_id_gets_a_graceful_answer(svc):
    body = svc.turn("recommend", user_id="nobody")
    assert body["reply"].startswith("User nobody is not in the ratings.") and body["items"]


@pytest.mark.parametrize("message", ["", "   \n", "x" * 2001, None, 42])
def test_bad_messages(svc, message):
    with pytest.raises(UsageError):
        svc.turn(message)


def test_long_but_legal_message(svc):
    assert svc.turn("x" * 2000)["query"]["intent"] == "unknown"


@pytest.mark.parametrize("sid", ["", "bad id", "x" * 65])
def test_bad_session_ids(svc, sid):
    with pytest.raises(UsageError):
        svc.turn("hi", sid)
    with pytest.raises(UsageError):
        svc.get_session(sid)


@pytest.mark.parametrize("user", [True, 1.5, "", "u" * 65, ["1"]])
def test_bad_user_ids(svc, user):
    with pytest.raises(UsageError):
        svc.turn("hi", user_id=user)


def test_sessions_get_and_delete(svc):
    with pytest.raises(NotFound):
        svc.get_session("nope")
    svc.turn("hi", "x")
    svc.turn("help", "x")
    session = svc.get_session("x")
    assert {k: session[k] for k in ("session_id", "user_id", "ratings", "seen", "turns")} \
        == {"session_id": "x", "user_id": None, "ratings": [], "seen": [], "turns": 2}
    assert [t["message"] for t in session["transcript"]] == ["hi", "help"]
    assert session["transcript"][1]["intent"] == "help" and session["transcript"][1]["reply"]
    assert svc.delete_session("x") is True and svc.delete_session("x") is False
    with pytest.raises(NotFound):
        svc.get_session("x")


def test_recommend_for_user(svc):
    body = svc.recommend_for_user(1, 3)
    assert body["user_id"] == 1 and len(body["items"]) == 3
    assert svc.recommend_for_user("1", 3) == body
    with pytest.raises(UnknownUser):
        svc.recommend_for_user(999)
    for k in (0, 51, True, 2.0):
        with pytest.raises(UsageError):
            svc.recommend_for_user(1, k)


def test_similar_items(svc):
    body = svc.similar_items(1, 2)
    assert body["item"]["title"] == "Star Wars" and ids(body) == [2, 3]
    with pytest.raises(UnknownItem):
        svc.similar_items(999)


def test_search_items(svc):
    assert [i["title"] for i in svc.search_items("the godfather")["items"]][0] == "Godfather, The"
    assert [i["title"] for i in svc.search_items("STAR")["items"]] == ["Star Wars"]
    assert [i["title"] for i in svc.search_items("fargp")["items"]] == ["Fargo"]
    top = svc.search_items("")["items"]
    assert top[0]["title"] == "Star Wars" and top[0]["ratings"] == 5  # most rated first
    assert svc.search_items("zzzzqqq")["items"] == []


# ---- the real stack: load_or_train + build_parser on MovieLens 100K ------------------
@pytest.fixture
def real(trained_home):
    from chatrec.service import build_service
    return build_service(client_session_ids=True)  # as the CLI: tests name sessions


def titles(body):
    return [it["title"] for it in body["items"]]


@pytest.mark.movielens
def test_real_star_wars_brings_its_sequels(real):
    body = real.turn("movies like Star Wars")
    assert body["query"]["intent"] == "similar" and body["query"]["title"] == "Star Wars"
    assert {"Empire Strikes Back, The", "Return of the Jedi"} <= set(titles(body)[:3])
    assert all(it["reason"] and it["year"] and it["genres"] for it in body["items"])


@pytest.mark.movielens
def test_real_more_never_repeats(real):
    seen = titles(real.turn("top 10 comedies", "m"))
    for _ in range(4):
        page = titles(real.turn("show me more", "m"))
        assert len(page) == 10 and not set(page) & set(seen)
        seen += page
    assert all(len(real.search_items(t)["items"]) for t in seen[:3])


@pytest.mark.movielens
def test_real_rating_makes_picks_personal(real):
    # a newcomer's first open request is the checklist (popular picks to mark)
    before = real.turn("recommend a film", "r")
    assert before["checklist"] and "which have you seen" in before["reply"]
    assert "average from" in before["items"][0]["reason"]
    real.turn("I loved Toy Story", "r")
    after = real.turn("recommend a film", "r")
    assert titles(after) != titles(before) and "Toy Story" not in titles(after)
    # "because you liked" only where Toy Story is really close; else the evidence
    reasons = [it["reason"] for it in after["items"]]
    assert "because you liked Toy Story (1995)" in reasons
    assert all(r == "because you liked Toy Story (1995)" or
               r.startswith("people with your taste rate it highly") for r in reasons)
    assert real.get_session("r")["ratings"][0]["title"] == "Toy Story"


@pytest.mark.movielens
def test_real_dataset_user_excludes_what_they_rated(real):
    body = real.recommend_for_user(1, 20)
    rated = set(real.bundle.ratings.user_items(real.bundle.ratings.index_of(1))[0].tolist())
    picked = {real.bundle.catalog.index_of(it["item_id"]) for it in body["items"]}
    assert len(picked) == 20 and not picked & rated
    assert all(it["reason"].startswith(("because you liked ", "people with your taste"))
               for it in body["items"])


@pytest.mark.movielens
def test_real_popular_reason_matches_the_data(real):
    body = real.turn("top 5 horror movies")
    rat, cat = real.bundle.ratings, real.bundle.catalog
    shown = []
    for it in body["items"]:
        i = cat.index_of(it["item_id"])
        assert "Horror" in it["genres"]
        n, mean = rat.item_counts()[i], rat.item_means()[i]
        weighted = (n * mean + 27 * rat.values.mean()) / (n + 27)   # m = 27 on ML-100K
        assert it["reason"] == f"{weighted:.2f} weighted average ({mean:.2f} from {n} ratings)"
        shown.append(weighted)
    assert shown == sorted(shown, reverse=True)


def test_warm_up_answers_each_route_once_and_stores_nothing(svc, monkeypatch):
    """ChatService.warm_up builds each route's first-use caches by answering one message
    per route in a scratch session (serve, chat and each HTTP worker call it)."""
    asked = []
    real = svc.dispatcher.handle
    monkeypatch.setattr(svc.dispatcher, "handle",
                        lambda q, state, ctx: asked.append((q.intent.value, ctx.user_index))
                        or real(q, state, ctx))
    svc.warm_up()
    assert [a[0] for a in asked] == ["popular", "recommend", "similar"]
    assert asked[1][1] == 0                      # the picks are a known user's
    assert not svc.sessions.load("warm-up").exists
    # the per-user index of the ratings the first pick needs (slices, or the CSR matrix)
    assert {"by_user", "csr"} & set(svc.bundle.ratings._cache)


def test_warm_up_does_not_ask_a_parser_that_waits_on_a_server(svc, monkeypatch):
    svc.parser_blocks = True
    monkeypatch.setattr(svc.parser, "parse", lambda text: pytest.fail("the LLM was asked"))
    svc.warm_up()


def test_jsonable_makes_plain_json_values_of_numpy_and_non_finite_values():
    import enum

    from chatrec.service import jsonable

    class Name(str):
        pass

    class Level(enum.IntEnum):
        HIGH = 2

    value = {"a": np.int64(3), 4: [np.float32(0.5), float("nan"), (1, "x")],
             Name("n"): {"deep": [float("inf"), None, True]}, "lvl": Level.HIGH,
             "f": 1.25, "other": Path("p")}
    out = jsonable(value)
    assert out == {"a": 3, "4": [0.5, None, [1, "x"]], "n": {"deep": [None, None, True]},
                   "lvl": 2, "f": 1.25, "other": "p"}
    assert type(out["a"]) is int and type(out["4"][0]) is float
    assert all(type(k) is str for k in out) and type(out["4"][2]) is list
