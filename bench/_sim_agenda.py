"""The simulated users of bench/simulate.py and bench/checklist_tuning.py: who they are
(a test user's past and future) and their agenda, spoken to any `server` with
`call(method, path, body)` and `has_item(item_id)` (a real `chatrec serve` over HTTP,
or the service in-process).

The agenda, turn by turn:
1. (session users) tell their N most recent liked films, typed as people type them ("I
   loved the godfather") and, when the server took a same-titled film of another year,
   say which ("I meant the 1962 one") — a film still linked to anything else is misheard;
2. ask ("what should I watch?");
3. when the reply is a checklist ("My first 10 picks — which have you seen, and which did
   you love?"), answer it truthfully from their past in one message: the films they
   rated are seen, those rated >= 4 loved ("seen 2 5 7, loved 5", "none of them", "all
   of them, loved 3", by number, ordinal or title); the session is then read back
   (GET /sessions) and an answer stored otherwise than said is misheard;
4. react to each list in at most two messages: the shown films from their past they
   rated <= 2 are "not for me", the others from their past "I've seen" ("I've seen
   the first and the third");
5. after the first page without a hit, narrow to the genre at least half their likes
   share ("only drama films"), if there is one; otherwise page on ("more").

Every list shown is recorded with whether it was a checklist, so one conversation is
judged two ways (`outcome`): with the checklist counted like any list (its films use the
budget, a film they went on to love in it is a hit: the chat), and with it free (the web
page's tap-what-you've-seen panel: its films cost nothing and count for nothing). The
conversation goes on until the free reckoning stops, which is never before the counted
one.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
from collections import Counter

import numpy as np

LIKED, DISLIKED = 4.0, 2.0
_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
            7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}
#: how a simulated user words a checklist answer (weights): mostly as invited
FORMS = {"numbers": 5, "numbers_and": 2, "ive": 2, "ordinals": 1, "titles": 1}


def typed(title: str, rng: random.Random) -> str:
    """How a person types a catalog title: article first, no alias, often lowercase."""
    from models.data import natural_title
    t = natural_title(title)
    if t.endswith(")") and " (" in t:
        t = t[:t.rindex(" (")]
    return t.lower() if rng.random() < 0.5 else t


class User:
    """One test user: their past (what the server knows), the films of their future
    they rated >= 4 (hits), the liked films they tell and the genre most of them share."""

    def __init__(self, u, past, future, catalog, liked_n, rng, rows):
        items, values, stamps = rows
        self.uid = past.user_ids[u].item()
        self.past = dict(zip(items.tolist(), values.tolist()))
        fut_items, fut_values = future.user_items(u)
        self.hits = {int(i) for i, v in zip(fut_items, fut_values) if v >= LIKED}
        recent_first = items[np.lexsort((items, -stamps))].tolist()
        self.told = [i for i in recent_first if self.past[i] >= LIKED][:liked_n]
        liked = [i for i in self.past if self.past[i] >= LIKED]
        genres = Counter(g for i in liked for g in catalog.genres[i] if g != "unknown")
        top = genres.most_common(1)
        # narrows the list only when most of their likes share a genre ("only dramas")
        self.genre = top[0][0] if top and top[0][1] >= 0.5 * len(liked) else None
        self.typed = [typed(str(catalog.titles[i]), rng) for i in self.told]
        self.rng = random.Random(rng.random())      # answer forms, per user


def past_rows(past):
    """Per user index: (items, values, timestamps) of their past, in one pass."""
    order = np.argsort(past.users, kind="stable")
    bounds = np.searchsorted(past.users[order], np.arange(past.n_users + 1))
    return [(past.items[order[a:b]], past.values[order[a:b]], past.timestamps[order[a:b]])
            for a, b in zip(bounds[:-1], bounds[1:])]


def eligible_users(past, future, catalog, liked_n: int, rng: random.Random) -> list[User]:
    rows = past_rows(past)
    out = []
    for u in range(past.n_users):
        user = User(u, past, future, catalog, liked_n, rng, rows[u])
        if user.hits and len(user.told) == liked_n:
            out.append(user)
    return out


def siblings(catalog, i: int) -> set[str]:
    """Ids of the items that share item i's title and year (the recbole copy of
    ML-100K lists some films twice), i's own included."""
    key = (str(catalog.titles[i]), int(catalog.years[i]))
    return {str(catalog.item_ids[j]) for j in range(len(catalog))
            if (str(catalog.titles[j]), int(catalog.years[j])) == key}


def _listed(positions: list[int]) -> str:
    """"2", "2 and 5", "2, 5 and 7"."""
    words = [str(p) for p in positions]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


def checklist_answer(indices: list[int], user: User, catalog) -> tuple[str, set, dict]:
    """(the message, the films said seen, {film: opinion} said) for a checklist: the
    films of their past are seen; rated 5 loved, rated 4 liked ("seen 2 5 7, loved 5,
    liked 7"), in a form drawn from FORMS."""
    seen = [n for n, i in enumerate(indices, 1) if i in user.past]
    loved = [n for n in seen if user.past[indices[n - 1]] >= 5]
    liked = [n for n in seen if LIKED <= user.past[indices[n - 1]] < 5]
    said = ({indices[n - 1] for n in seen},
            {indices[n - 1]: 5.0 for n in loved} | {indices[n - 1]: 4.0 for n in liked})
    if not seen:
        return "none of them", *said
    form = user.rng.choices(list(FORMS), weights=list(FORMS.values()))[0]
    if form == "titles":
        name = {n: typed(str(catalog.titles[indices[n - 1]]), user.rng) for n in seen}
        say = lambda ns: _listed_words([name[n] for n in ns])          # noqa: E731
    elif form == "ordinals":
        say = lambda ns: _listed_words([f"the {_ORDINAL[n]}" for n in ns])   # noqa: E731
    elif form == "numbers_and":
        say = _listed
    else:
        say = lambda ns: " ".join(map(str, ns))                      # noqa: E731
    if len(seen) == len(indices) and len(indices) > 2:
        head = "all of them"
    else:
        head = ("I've seen " if form == "ive" else "seen ") + say(seen)
    tail = [f"{verb} {say(ns)}" for verb, ns in (("loved", loved), ("liked", liked)) if ns]
    joiner = " and " if form == "ive" and len(tail) == 1 else ", "
    return head + "".join(joiner + t for t in tail), *said


def _listed_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


def heard_right(before: dict, after: dict, seen: set, opinions: dict, catalog) -> bool:
    """Whether the session holds exactly what a checklist answer said: every film said
    loved or liked rated so (5 / 4 on ML-100K's 1-5 scale), every other film said seen
    marked seen, nothing else new."""
    def films(state, key):
        return {catalog.index_of(r["item_id"]): r.get("rating") for r in state[key]}
    new_r = {i: v for i, v in films(after, "ratings").items()
             if films(before, "ratings").get(i) != v}
    new_s = set(films(after, "seen")) - set(films(before, "seen"))
    return new_r == opinions and new_s == seen - set(opinions)


def converse(server, user: User, kind: str, catalog, max_films: int, max_turns: int,
             refine: bool = True, panel: bool = False) -> dict:
    """One agenda; returns what happened: the lists shown (`lists`: (indices, was a
    checklist, turn)), turns, misheard titles and checklist answers. `panel`: talk as
    the web page does (a checklist drawn as a panel of marks)."""
    sid, turns, lists, misheard, answers_misheard = None, 0, [], 0, []

    def say(message, **extra):
        nonlocal sid, turns
        body = {"message": message, **({"session_id": sid} if sid else {}), **extra}
        if panel:
            body["panel"] = True
        reply = server.call("POST", "/chat", body)
        sid, turns = reply["session_id"], turns + 1
        return reply

    extra = {"user_id": user.uid} if kind == "known" else {}
    if kind == "session":
        for i, words in zip(user.told, user.typed):
            q = say(f"I loved {words}")["query"]
            linked = {str(x) for x in q.get("item_ids") or []}
            if linked and not linked & siblings(catalog, i) and \
                    all(catalog.titles[catalog.index_of(x)] == catalog.titles[i]
                        for x in linked):             # the remake they didn't mean
                say(f"I meant the {int(catalog.years[i])} one")
                rated = server.call("GET", f"/sessions/{sid}")["ratings"]
                linked = {str(r["item_id"]) for r in rated}
            if linked & siblings(catalog, i):            # a same-titled copy is the film
                continue
            if not server.has_item(str(catalog.item_ids[i])):
                print(f"simulate: user {user.uid}'s liked film {catalog.titles[i]!r} is not "
                      "in the server's catalog; going on without it", file=sys.stderr)
            else:
                misheard += 1
                if os.environ.get("SIMULATE_VERBOSE"):
                    print(f"misheard: 'I loved {words}' -> {q.get('titles')}",
                          file=sys.stderr)
    reply = say("what should I watch?", **extra)
    narrowed = False
    free_shown = 0
    while True:
        items = reply["items"]
        indices = [catalog.index_of(it["item_id"]) for it in items]
        checklist = bool(reply.get("checklist"))
        lists.append((indices, checklist, turns))
        if not checklist:
            free_shown += len(indices)
        hit = not checklist and any(i in user.hits for i in indices)
        if hit or free_shown >= max_films or turns >= max_turns or not items:
            break
        if checklist:
            text, seen, opinions = checklist_answer(indices, user, catalog)
            before = server.call("GET", f"/sessions/{sid}")
            reply = say(text)
            after = server.call("GET", f"/sessions/{sid}")
            if not heard_right(before, after, seen, opinions, catalog):
                answers_misheard.append({"said": text, "reply": reply["reply"],
                                         "query": reply["query"]})
                if os.environ.get("SIMULATE_VERBOSE"):
                    print(f"answer misheard: {text!r} -> {reply['query']}", file=sys.stderr)
            if not reply["items"]:               # noted, the checklist still up
                reply = say("go on")
            continue
        disliked = [n for n, i in enumerate(indices, 1) if user.past.get(i, 5) <= DISLIKED]
        seen = [n for n, i in enumerate(indices, 1) if i in user.past and n not in disliked]
        for positions, text in ((disliked, "{} {} not for me"), (seen, "I've seen {}")):
            if positions and turns + 1 < max_turns:     # "I've seen the first and third"
                names = [f"the {_ORDINAL[n]}" for n in positions]
                said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + \
                    f" and {names[-1]}"
                verb = "is" if len(names) == 1 else "are"
                say(text.format(said, verb) if "{} {}" in text else text.format(said))
        if refine and not narrowed and user.genre and turns + 1 < max_turns:
            reply, narrowed = say(f"only {user.genre.lower()} films"), True
        else:
            reply = say("more")
    return {"lists": lists, "misheard": misheard, "answers_misheard": len(answers_misheard),
            "misheard_answers": answers_misheard, "turns": turns, "hits": user.hits}


def outcome(result: dict, max_films: int, max_turns: int, free: bool) -> dict:
    """Success and where, with the checklist counted like a list or free (see the
    module docstring): the lists are walked in order until a hit, the film budget or
    the turn limit stops the conversation."""
    shown, turns = 0, 0
    for indices, checklist, turn in result["lists"]:
        turns = turn
        if free and checklist:
            continue
        for n, i in enumerate(indices):
            if i in result["hits"]:
                return {"hit": True, "turn": turn, "films_before": shown + n, "shown": shown
                        + n + 1, "turns": turn}
        shown += len(indices)
        if shown >= max_films or turn >= max_turns:
            break
    return {"hit": False, "turn": None, "films_before": None, "shown": shown,
            "turns": turns}


def summarise(outcomes: list[dict]) -> dict:
    hits = [r for r in outcomes if r["hit"]]
    n = max(1, len(outcomes))
    p = len(hits) / n
    return {"users": len(outcomes), "success": round(p, 4),
            "se": round((p * (1 - p) / n) ** 0.5, 4),
            "median_turn_to_hit": statistics.median(r["turn"] for r in hits) if hits else None,
            "median_films_before_hit": statistics.median(r["films_before"] for r in hits)
            if hits else None,
            "median_films_shown": statistics.median(r["shown"] for r in outcomes),
            "median_turns": statistics.median(r["turns"] for r in outcomes)}
