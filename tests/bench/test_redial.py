"""bench/bench_redial.py's core on a hand-written conversation with known answers:
typing films as people do, linking by title and year, opinion cues, and the arithmetic
of every metric. Needs no ReDial file (the dev set lives outside the repository)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from _redial_cues import stated_opinions  # noqa: E402
from _redial_data import Linker, build, title_key, typed_text  # noqa: E402
from _redial_metrics import (  # noqa: E402
    fallback_by_query, fallback_by_reply, is_film_name, judge)
from _redial_replay import most_watched  # noqa: E402
from _redial_tally import Tally  # noqa: E402

from models.data import Catalog, Ratings  # noqa: E402


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    rows = [(1, "Usual Suspects, The", 1995),
            (2, "City of Lost Children, The (Cité des enfants perdus, La)", 1995),
            (3, "Twelve Monkeys", 1995),
            (4, "Heat", 1995),
            (5, "Star Wars", 1977),
            (6, "Dumb & Dumber", 1994),
            (7, "Cape Fear", 1991),
            (8, "Cape Fear", 1991),       # two films, same title and year: undecidable
            (9, "Star Trek: The Wrath of Khan", 1982)]
    return Catalog(item_ids=np.array([r[0] for r in rows]),
                   titles=np.array([r[1] for r in rows], dtype=object),
                   years=np.array([r[2] for r in rows], dtype=np.int32),
                   genres=tuple(() for _ in rows), name="tiny")


@pytest.mark.parametrize("name, status, item, how, candidates", [
    ("The Usual Suspects (1995)", "catalog", 1, "exact", ()),           # article moved
    ("usual suspects  (1995)", "catalog", 1, "exact", ()),              # case, spacing
    ("City of Lost Children (1996)", "catalog", 2, "year+-1", ()),
    ("La Cité des enfants perdus (1995)", "catalog", 2, "exact", ()),   # the alias
    ("12 Monkeys (1995)", "catalog", 3, "exact", ()),                   # 12 = Twelve
    ("Dumb and Dumber (1994)", "catalog", 6, "exact", ()),              # & = and
    ("Heat (1997)", "outside", None, "", (4,)),                         # 2 years apart
    ("The Heat  (2013)", "outside", None, "", (4,)),                    # later film
    ("Star Wars", "uncertain", None, "", (5,)),                         # no year
    ("Cape Fear (1991)", "uncertain", None, "", (7, 8)),
    ("Police Academy  (1984)", "outside", None, "", ()),
    ("Star Trek II: The Wrath of Khan (1982)", "catalog", 9, "alias", ()),   # checked by eye
    ("Heat Wave (1995)", "outside", None, "", ()),                      # no prefix match
])
def test_films_link_by_title_and_year_only(catalog, name, status, item, how, candidates):
    film = Linker(catalog).link("9", name)
    assert (film.status, film.item_id, film.how, film.candidates) == \
        (status, item, how, candidates)


def test_title_key_normalises_only_spelling():
    assert title_key("Godfather, The") == title_key("the godfather") == "godfather"
    assert title_key("Rocky II") == title_key("Rocky 2") == "rocky two"
    assert title_key("M*A*S*H") == title_key("MASH")
    assert title_key("Malcolm X") == "malcolm x"          # X is a letter here


CONVERSATION = {
    "conversationId": "c1", "initiatorWorkerId": 1, "respondentWorkerId": 2,
    "movieMentions": {"10": "The Usual Suspects (1995)", "11": "Police Academy  (1984)",
                      "12": "12 Monkeys (1995)", "13": "Heat (1995)",
                      "14": "Dumb and Dumber (1994)"},
    "initiatorQuestions": {"10": {"suggested": 0, "seen": 1, "liked": 1},
                           "11": {"suggested": 0, "seen": 1, "liked": 1},
                           "12": {"suggested": 0, "seen": 1, "liked": 0},
                           "13": {"suggested": 1, "seen": 0, "liked": 1},
                           "14": {"suggested": 1, "seen": 0, "liked": 2}},
    "respondentQuestions": [],
    "messages": [
        {"senderWorkerId": 2, "text": "Hi! What do you like?", "messageId": 1},
        {"senderWorkerId": 1, "text": "I loved @10 but I didn&quot;t like @12.",
         "messageId": 2},
        {"senderWorkerId": 2, "text": "Try @13 or @14", "messageId": 3},
        {"senderWorkerId": 2, "text": "and @10 again", "messageId": 4},
        {"senderWorkerId": 1, "text": "have you seen @11?", "messageId": 5},
        {"senderWorkerId": 1, "text": "have a great day", "messageId": 6},
    ]}


@pytest.fixture(scope="module")
def conv(catalog):
    return build(CONVERSATION, "train", Linker(catalog))


def test_messages_are_typed_as_people_write_them(conv):
    assert [m.text for m in conv.messages] == [
        "I loved The Usual Suspects but I didn't like 12 Monkeys.",
        "have you seen Police Academy?", "have a great day"]
    assert [m.films for m in conv.messages] == [("10", "12"), ("11",), ()]
    text, spans = typed_text("@10 and @99", conv.films)      # an unknown @id stays
    assert text == "The Usual Suspects and @99"
    assert spans == [(0, 18, "10")]


def test_opinions_need_a_cue_in_the_clause_that_agrees_with_the_label(conv):
    assert conv.messages[0].opinions == {"10": 1, "12": 0}   # loved / didn't like
    assert conv.messages[1].opinions == {}                   # a question states nothing
    spans = [(8, 13, "a")]
    assert stated_opinions("I loved Fargo", spans, {"a": 0}) == ({}, ("a",))  # contradicted
    assert stated_opinions("if you liked Fargo, try it", [(13, 18, "a")], {"a": 1}) == ({}, ())
    assert stated_opinions("I loved Fargo", spans, {}) == ({}, ())          # no label


@pytest.mark.parametrize("text, said", [
    ("Fargo was great", {"a": 1}),                       # an adjective after the film
    ("a great crime movie like Fargo or Heat", {}),       # a seed list: no verdict
    ("I really like Fargo", {"a": 1}),                    # "like" the verb
    ("I didn't like Fargo at all", {"a": 0}),
    ("Fargo, I love that movie", {"a": 1}),
    ("Have you seen Fargo? I loved it", {}),              # the film's clause asks
])
def test_opinion_cues(text, said):
    spans = [(m, m + 5, "a") for m in [text.index("Fargo")]]
    if "Heat" in text:
        spans.append((text.index("Heat"), text.index("Heat") + 4, "b"))
    assert stated_opinions(text, spans, {"a": said.get("a", 1), "b": 1})[0] == said


def test_probes_hold_the_suggested_catalog_films_said_right_after(conv):
    # after message 1 the recommender suggests Heat (catalog, liked) and Dumb and
    # Dumber (catalog); The Usual Suspects is not suggested and was named by the seeker
    [probe] = conv.probes
    assert (probe.after, probe.gold, probe.liked, set(probe.mentioned)) == \
        (1, (4, 6), (4,), {1, 3})


def query(intent="unknown", item_ids=(), rating=None, unknown_title=None, **kw) -> dict:
    return {"intent": intent, "item_ids": list(item_ids), "titles": [], "rating": rating,
            "ratings": [], "unknown_title": unknown_title, "candidates": [], **kw}


def test_each_metric_adds_up(conv):
    m1, m2, m3 = conv.messages
    tally = Tally()
    records = [
        # heard The Usual Suspects (5), missed 12 Monkeys, linked Star Wars: a false link
        judge(m1, conv, query("rate", [1, 5], rating=5.0)),
        # only an outside film named, a catalog film linked: a false link there
        judge(m2, conv, query("info", [4])),
        # no film named; "I don't know 'great day'": a fallback
        judge(m3, conv, query("similar", unknown_title="great day")),
    ]
    for r in records:
        tally.add(r)
    s = tally.summary()
    assert (s["mention_recall"], s["catalog_mentions"]) == (0.5, 2)
    assert (s["mention_precision"], s["false_links"]) == (round(1 / 3, 4), 2)
    assert (s["false_link_outside_only"], s["messages_outside_only"]) == (1.0, 1)
    assert (s["false_link_no_film"], s["messages_no_film"]) == (0.0, 1)
    assert s["fallback_parsed"] == round(1 / 3, 4)
    # Usual Suspects liked and stored 5: right; 12 Monkeys disliked, no rating: wrong
    assert (s["opinions_stated"], s["opinions_parsed_right"]) == (2, 0.5)
    assert s["wrong_writes_parsed"] == 1                     # Star Wars, never named
    assert records[0]["flags"]["missed"] == [3]
    assert records[1]["flags"]["false_link"] == [4]


def test_serve_records_judge_what_was_stored(conv):
    m1 = conv.messages[0]
    reply = {"reply": "Noted.", "items": []}
    stored = {"ratings": {1: 5.0, 3: 2.0, 5: 4.0}, "seen": set()}
    rec = judge(m1, conv, query("rate", [1, 3], rating=None), frozenset(), reply, stored,
                {"ratings": {1: 5.0, 3: 2.0, 5: 4.0}, "seen": [7]},
                named_so_far=frozenset({1, 3}))
    assert rec["flags"]["stored_ok"] is True
    assert rec["flags"]["wrong_store"] == [5, 7]
    assert rec["flags"]["wrong_store_by_link"] == []
    tally = Tally()
    tally.add(rec)
    assert tally.summary()["opinions_stored_right"] == 1.0
    assert tally.summary()["wrong_stores"] == 2


def test_fallbacks_are_told_apart_from_films(conv):
    names = ["Police Academy"]
    assert fallback_by_query(query("unknown"), names) == "unknown intent"
    assert fallback_by_query(query("similar", unknown_title="police academy"), names) is None
    assert fallback_by_query(query("similar", unknown_title="of"), names) == "unknown_title 'of'"
    assert fallback_by_query(query("rate", unknown_title="Troy"), [],
                             frozenset({"troy"})) is None       # a film left unmarked
    assert is_film_name("Harry Potter", ["Harry Potter and the Goblet of Fire"])
    assert not is_film_name("of", ["Lord of the Rings"])


def test_the_reply_patterns_are_the_products():
    """The bench reads replies by their text: tie it to the product's wording."""
    from chatrec.conversation import replies
    assert fallback_by_reply(replies.unknown_text(["Fargo"]), []) == "didn't get that"
    said = replies.unknown_title("of", "ML-100K, 1,682 films", ["Fargo"])
    assert fallback_by_reply(said, ["Police Academy"]) == "I don't know 'of'"
    said = replies.unknown_title("Police Academy", "ML-100K", [])
    assert fallback_by_reply(said, ["Police Academy"]) is None


def test_recall_at_k_and_the_most_watched_list(catalog):
    ratings = Ratings(users=np.array([0, 0, 1, 1, 2], dtype=np.int32),
                      items=np.array([3, 1, 3, 1, 3], dtype=np.int32),
                      values=np.ones(5, dtype=np.float32), timestamps=np.zeros(5, np.int64),
                      user_ids=np.array([1, 2, 3]), n_items=len(catalog))
    popular = most_watched(catalog, ratings)
    assert popular[:3] == [4, 2, 1]          # 3 ratings, 2, then catalog order
    tally = Tally()
    chatrec = [9] * 10 + [4] + [9] * 39       # Heat at rank 11
    tally.add_probe((4, 6), (4,), chatrec, popular, cold=True)
    tally.add_probe((1,), (), [9] * 50, popular)            # warm, missed by chatrec
    s = tally.summary()
    assert (s["probes"], s["probes_cold"], s["suggested_pairs"]) == (2, 1, 3)
    assert (s["cold_recall@50_chatrec"], s["cold_recall@50_popular"]) == (0.5, 1.0)
    assert (s["suggested_recall@10_chatrec"], s["suggested_recall@50_chatrec"]) == \
        (0.0, round(1 / 3, 4))
    assert (s["suggested_recall@10_popular"], s["suggested_recall@50_popular"]) == (1.0, 1.0)
    assert s["suggested_liked_recall@50_chatrec"] == 1.0


def test_in_process_parse_is_what_chatrec_parse_prints(chatrec_home, conv):
    """parse mode's shortcut (the parser in-process) answers exactly as the real
    `chatrec parse` reading stdin does, on ML-100K."""
    from _redial_replay import InProcessParser, cli_parse
    texts = [m.text for m in conv.messages] + ["I loved Heat", "recommend 50 movies", ""]
    parser = InProcessParser(None, None)
    assert [parser.parse(t) for t in texts] == cli_parse(texts, None, None)
    assert parser.parse("I loved Heat")["item_ids"]       # the comparison is not vacuous


def test_a_refused_message_is_recorded_and_the_replay_goes_on(conv):
    """A 4xx from /chat (say a message over 2,000 characters) becomes a record, not a
    crash: the session is unchanged and the next message still goes in."""
    from _redial_replay import refused, replay

    class Client:
        def __init__(self):
            self.sent = []

        def chat(self, message, session_id):
            self.sent.append(message)
            if len(self.sent) == 1:
                return refused("HTTP 400: message is too long", session_id)
            return {"session_id": "s1", "reply": "ok", "items": [], "query": {}}

        def session(self, session_id):
            return {"ratings": [{"item_id": 1, "rating": 5.0}], "seen": []}

    client = Client()
    steps = list(replay(client, conv))
    assert len(client.sent) == len(conv.messages) == len(steps)
    assert steps[0][2] == {"ratings": {}, "seen": set()}          # nothing stored yet
    assert steps[1][3] == {"ratings": {1: 5.0}, "seen": []}
    rec = judge(steps[0][0], conv, steps[0][1]["query"], reply=steps[0][1],
                stored=steps[0][2], wrote=steps[0][3])
    tally = Tally()
    tally.add(rec)
    assert tally.summary()["messages_refused"] == 1
