"""Judging one seeker message and adding up the metrics (bench/bench_redial.py).

`judge(...)` turns a message, its parsed Query (a dict, as `chatrec parse` prints it)
and, in serve mode, the reply and what the session stored, into one dump record with
its flags; `Tally` adds records and probes up per split. Every rule is written out in
docs/benchmarks/redial.md.
"""
from __future__ import annotations

import re

from _redial_data import Conversation, Message, title_key

DIDNT_GET = "Sorry, I didn't get that"
DONT_KNOW = re.compile(r"I don't know '(.*)' - it isn't in my catalog")
DID_YOU_MEAN = "Did you mean"
LIST_WITH_OPINION = ("similar", "recommend")
STOPWORDS = frozenset("a an the of and or in on at to for with by from my your i you it "
                      "is was this that one movie movies film films".split())


def direction(rating) -> int | None:
    """1 liked (>= 4 of 5), 0 disliked (<= 2), None otherwise."""
    if rating is None:
        return None
    return 1 if rating >= 4 else 0 if rating <= 2 else None


def is_film_name(words: str, names) -> bool:
    """Whether `words` (what chatrec said it does not know) is one of the message's film
    names: equal, or one contains the other word by word and the contained one has a
    word besides stopwords ("Harry Potter" in "Harry Potter and the Goblet of Fire"
    yes; "of" in "Lord of the Rings" no)."""
    key = title_key(words or "")
    if not key:
        return False
    for name in names:
        other = title_key(name)
        if not other:
            continue
        short, long_ = sorted((key, other), key=len)
        if f" {short} " in f" {long_} " and set(short.split()) - STOPWORDS:
            return True
    return False


def query_ratings(q: dict) -> dict:
    """{item_id: rating} the Query states: `ratings` one per film when they differ
    (films first, in order), else `rating` for every film it names."""
    ids, ratings = list(q.get("item_ids") or ()), list(q.get("ratings") or ())
    if ratings:
        return {i: r for i, r in zip(ids, ratings)}
    if q.get("rating") is None:
        return {}
    return {i: q["rating"] for i in ids}


def query_writes(q: dict) -> set:
    """Catalog ids a Query would write as a rating or a seen mark (titles only: a
    reference to chatrec's own list needs the session, i.e. serve mode)."""
    intent = q.get("intent")
    if intent in ("rate", "seen") or (intent in LIST_WITH_OPINION and q.get("rating") is not None):
        return set(q.get("item_ids") or ())
    return set()


def unmarked_film(words: str | None, known: frozenset) -> bool:
    """Whether `words` is exactly a ReDial film title (`known`: title keys of every film
    the dev set marks anywhere): the seeker named a film without ReDial's @ mark, as in
    "Yes I liked Troy!". Such a reply is no fallback; it is counted apart."""
    return words is not None and title_key(words) in known


def unmarked_links(q: dict, false_links: list, text: str, names, known: frozenset) -> list:
    """False links whose film title is written whole in the message outside its marked
    films and is a ReDial film title: probably a film the seeker named without ReDial's
    @ mark ("I really liked Jaws"), so the link may be right. Reported apart; still
    counted as false links."""
    titles = dict(zip(q.get("item_ids") or (), q.get("titles") or ()))
    for name in names:                    # "Back to the Future" inside "... Part II" is no
        text = text.replace(name, " | ")  # unmarked mention
    words = f" {title_key(text)} "
    out = []
    for i in false_links:
        key = title_key(str(titles.get(i, "")).split(" (")[0])
        if key and key in known and f" {key} " in words:
            out.append(i)
    return out


def fallback_by_query(q: dict, names, known: frozenset = frozenset()) -> str | None:
    if q.get("intent") == "unknown":
        return "unknown intent"
    words = q.get("unknown_title")
    if words is not None and not is_film_name(words, names) and not unmarked_film(words, known):
        return f"unknown_title {words!r}"
    return None


def fallback_by_reply(text: str, names, known: frozenset = frozenset()) -> str | None:
    if text.startswith(DIDNT_GET):
        return "didn't get that"
    m = DONT_KNOW.search(text)
    if m and not is_film_name(m[1], names) and not unmarked_film(m[1], known):
        return f"I don't know {m[1]!r}"
    return None


def judge(msg: Message, conv: Conversation, q: dict, known: frozenset = frozenset(),
          reply: dict | None = None, stored: dict | None = None, wrote: dict | None = None,
          named_so_far: frozenset = frozenset()) -> dict:
    """One dump record. known: title keys of every ReDial film (see unmarked_film);
    reply: the POST /chat body; stored: {"ratings": {id: value},
    "seen": set} after this message; wrote: what this message changed in them;
    named_so_far: catalog ids (and candidates of the uncertain films) the seeker named
    in this message or before."""
    films = [conv.films[r] for r in msg.films]
    gold = {f.item_id for f in films if f.status == "catalog"}
    maybe = {c for f in films if f.status == "uncertain" for c in f.candidates}
    linked = list(dict.fromkeys(q.get("item_ids") or ()))
    names = [f.title for f in films]
    kind = "catalog" if gold else "uncertain" if maybe else "outside" if films else "none"
    flags = {
        "kind": kind,
        "heard": sorted(gold & set(linked), key=str),
        "missed": sorted(gold - set(linked), key=str),
        "false_link": [i for i in linked if i not in gold and i not in maybe],
        "neutral_link": [i for i in linked if i in maybe and i not in gold],
        "fallback": fallback_by_query(q, names, known),
        "unmarked_film": not is_film_name(q.get("unknown_title") or "", names)
        and unmarked_film(q.get("unknown_title"), known),
        "did_you_mean": bool(q.get("candidates")) and not linked,
    }
    flags["false_link_remake"] = [i for i in flags["false_link"]
                                  if any(i in f.candidates for f in films)]
    flags["false_link_unmarked"] = unmarked_links(q, flags["false_link"], msg.text, names,
                                                  known)
    opinions = {conv.films[r].item_id: d for r, d in msg.opinions.items()
                if conv.films[r].status == "catalog"}
    said = query_ratings(q)
    flags["opinions"] = {str(i): d for i, d in opinions.items()}
    flags["opinion_said"] = {str(i): direction(said.get(i)) for i in opinions}
    flags["opinion_contradicted"] = sum(conv.films[r].status == "catalog"
                                        for r in msg.contradicted)
    flags["opinion_ok"] = (all(direction(said.get(i)) == d for i, d in opinions.items())
                           if opinions else None)
    flags["wrong_write"] = sorted((i for i in query_writes(q)
                                   if i not in gold and i not in maybe), key=str)
    record = {"conv": conv.id, "split": conv.split, "n": msg.n, "message": msg.text,
              "gold": {s: [{"title": f.title, "year": f.year, "item_id": f.item_id,
                            "candidates": list(f.candidates)}
                           for f in films if f.status == s]
                       for s in ("catalog", "outside", "uncertain")},
              "query": {k: q.get(k) for k in ("intent", "titles", "item_ids", "rating",
                                               "ratings", "unknown_title", "genres",
                                               "refs", "topic", "k")}
              | {"candidates": [c["title"] for c in q.get("candidates") or ()]},
              "flags": flags}
    if reply is not None:
        record["reply"] = {"text": reply.get("reply", ""),
                           "items": [it.get("item_id") for it in reply.get("items") or ()],
                           "wrote": wrote}
        flags["refused"] = reply.get("error")          # a 4xx from /chat, if any
        flags["reply_fallback"] = fallback_by_reply(reply.get("reply", ""), names, known)
        values = (stored or {}).get("ratings", {})
        flags["opinion_stored"] = {str(i): direction(values.get(i)) for i in opinions}
        flags["stored_ok"] = (all(direction(values.get(i)) == d for i, d in opinions.items())
                              if opinions else None)
        linked_now = set(linked)
        written = set((wrote or {}).get("ratings", {})) | set((wrote or {}).get("seen", ()))
        flags["wrong_store"] = sorted((i for i in written if i not in named_so_far),
                                      key=str)
        flags["wrong_store_by_link"] = [i for i in flags["wrong_store"] if i in linked_now]
        unmarked = {str(i) for i in flags["false_link_unmarked"]}   # maybe right: apart
        flags["wrong_store_unmarked"] = [i for i in flags["wrong_store_by_link"]
                                         if str(i) in unmarked]
    return record
