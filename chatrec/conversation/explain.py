"""Answers about one film: `info` (what chatrec knows of it) and `why` (the evidence
behind a film of the last list). Both say plainly what the catalog cannot tell
(cast, crew, plot, running time) and give what it can.
"""
from __future__ import annotations

import numpy as np

from chatrec.conversation import replies
from chatrec.conversation.facts import CatalogFacts
from chatrec.conversation.tastes import lean_reason
from models.ranking import top_k

#: info topics the catalog answers from its own data
_KNOWN = ("year", "genre", "quality", None)
SIMILAR_IN_INFO = 3


class Explainer:
    def __init__(self, facts: CatalogFacts, similarity, links: bool) -> None:
        self.facts, self.similarity, self.links = facts, similarity, links

    # ---- info ------------------------------------------------------------------------
    def info(self, i: int, topic: str | None, exclude=(),
             asked_genres=()) -> tuple[str, dict]:
        """(reply text, the film's item dict with its rating distribution).
        `asked_genres`: "is it a thriller?" answers yes or no first."""
        f = self.facts
        parts = []
        if topic == "genre" and asked_genres:
            has = [g for g in asked_genres if g in f.genres[i]]
            lacks = [g for g in asked_genres if g not in has]
            name = f.display[i]
            if not lacks:
                parts.append(f"Yes: {name} is listed as {replies.join_words(has)}.")
            elif not has:
                parts.append(f"No: {name} isn't listed as {replies.join_words(lacks, 'or')}.")
            else:
                parts.append(f"{name} is listed as {replies.join_words(has)}, not "
                             f"{replies.join_words(lacks, 'or')}.")
        if topic not in _KNOWN:
            what = replies.NO_DATA_WORDS.get(topic, "cast, crew or plot")
            parts.append(f"I have no {what} data for this catalog ({f.catalog_name} lists "
                         "titles, years, genres and ratings"
                         + (" and cast/crew links" if self.links else "") + "). What I know:")
        parts.append(self._summary(i, topic))
        like = self._similar(i, exclude)
        if like:
            parts.append("Similar: " + replies.join_words(like) + ".")
        item = f.item(i) | {"score": round(float(f.weighted[i]), 4),
                            "reason": replies.stats_reason((float(f.means[i]),
                                                            int(f.counts[i]))),
                            "rating_counts": f.rating_counts(i)}
        return " ".join(parts), item

    def _summary(self, i: int, topic: str | None) -> str:
        f = self.facts
        name, genres = f.display[i], ", ".join(f.genres[i]) or "no genre listed"
        n, mean = int(f.counts[i]), float(f.means[i])
        if n == 0:
            return f"{name}: {genres}. Nobody in {f.catalog_name} has rated it yet."
        text = f"{name}: {genres}. {mean:.2f} average from {n:,} rating{'s' if n != 1 else ''}"
        rank = f.genre_rank(i)
        if rank:
            g, r, total = rank
            text += f"; #{r} of {total} {g} {f.noun} by weighted average"
        text += "."
        if topic == "quality":
            verdict = ("well above" if mean >= f.global_mean + 0.4 else "above"
                       if mean > f.global_mean + 0.1 else "about" if mean >= f.global_mean - 0.1
                       else "below")
            text += (f" That is {verdict} the catalog's {f.global_mean:.2f} average"
                     + (", so yes, people liked it." if verdict.endswith("above") else "."))
        if topic == "year" and f.years[i]:
            text = f"It came out in {f.years[i]}. " + text
        return text

    def _similar(self, i: int, exclude) -> list[str]:
        ex = np.asarray([i, *exclude], dtype=np.int64)
        idx, _ = top_k(self.similarity(i), SIMILAR_IN_INFO, exclude=ex)
        return [self.facts.display[j] for j in idx.tolist()]

    # ---- why ---------------------------------------------------------------------------
    def why(self, i: int, request: dict | None, profile: dict[int, float],
            liked_at: float, position: int | None) -> str:
        """The evidence behind film i of the last list (`request` made that list)."""
        f = self.facts
        name = f.display[i]
        where = f" (#{position} of the last list)" if position else ""
        intent = (request or {}).get("intent")
        stats = replies.stats_reason((float(f.means[i]), int(f.counts[i])))
        if intent == "similar" and request.get("item_ids"):
            seeds = [f.catalog.index_of(s) for s in request["item_ids"]]
            bits = []
            for s in seeds:
                sim = float(self.similarity(s)[i])
                shared = [g for g in f.genres[i] if g in f.genres[s]]
                bits.append(f"its similarity to {f.display[s]} is {sim:.2f} (1.00 = the "
                            f"closest film)" + (f"; both are {replies.join_words(shared)}"
                                                if shared else ""))
            return f"{name}{where}: " + "; ".join(bits) + f". It has {stats}."
        if intent == "recommend" and profile:
            liked = [j for j, v in profile.items() if v >= liked_at]
            sims = sorted(((float(self.similarity(i)[j]), j) for j in liked), reverse=True)
            close = [f"{f.display[j]} ({s:.2f})" for s, j in sims[:2] if s > 0]
            text = f"{name}{where} scores high for people whose ratings look like yours"
            if close:
                text += ("; of the films you liked, the closest to it are "
                         + replies.join_words(close) + " (similarity, 1.00 = identical)")
            return text + f". Its genres: {', '.join(f.genres[i])}; it has {stats}."
        hidden = (request or {}).get("rank_by") == "hidden"
        if intent == "recommend" and hidden:   # no rating yet, hidden gems: the weighted
            intent = "popular"                 # average among the less-watched, as popular
        if intent == "recommend":       # no rating yet: watched, liked, genres heard
            said = lean_reason(f.genres[i], request.get("tastes"))
            lean = f" It is {said}." if said else ""
            return (f"{name}{where} is one of the well-known, well-liked films ({stats}): "
                    "with no ratings from you yet, I start from films many people watched "
                    f"and liked.{lean} Tell me a film you loved for personal picks.")
        if intent == "popular" and request.get("rank_by") == "count":
            return (f"{name}{where} is among the most-watched: {stats}, "
                    f"more than most films in the catalog.")
        weighted = (f"{f.weighted[i]:.2f} weighted average ({stats}; a film needs about "
                    f"{f.min_votes:.0f} ratings for its own average to count fully)")
        if intent == "popular":
            among = (" among the less-watched films (a hidden gem: fewer ratings than the "
                     "most-watched quarter of the catalog)") if hidden else ""
            return f"{name}{where} ranks by its {weighted}{among}."
        return f"I did not pick {name} in the last list. What I know: {self._summary(i, None)}"

    def why_earlier(self, i: int, transcript: list[dict]) -> str:
        """Why a film that is not in the last list was shown: the reason given in the
        latest turn that listed it (the session's transcript), else that it wasn't."""
        f = self.facts
        item_id = str(f.item_ids[i])
        for turn in reversed(transcript or []):
            for it in turn.get("items") or []:
                if str(it.get("item_id")) == item_id and it.get("reason") \
                        and turn.get("intent") != "info":
                    return (f"I suggested {f.display[i]} earlier, when you said "
                            f"'{turn.get('message', '')[:80]}': {it['reason']}.")
        return (f"I haven't suggested {f.display[i]} in this conversation. What I know: "
                f"{self._summary(i, None)}")
