"""When the rules are unsure, the dialogue act decides (intents/acts/).

The rules read requests, films and positions; a message with none of those ("how are
u", "I'll check it out", "I haven't seen that one", "she is pretty funny") used to end
as `unknown`, and a message with nothing but a vague "movies" as a bare `recommend`.
Here the learned act takes over in those cases only, as the Query the conversation
answers with a move (chatrec/conversation/smalltalk.py reads `topic`):

    greeting -> greet     goodbye -> thanks/bye   thanks -> thanks   accept -> thanks
    seen / not_seen -> seen (no film: nothing is written)   opinion -> rate (likewise)
    yes / no -> choose    question, taste, reject, chat -> unknown (with that topic)

A request the rules did not find stays unknown: the rules know requests well, so what
they miss is mostly not for films ("any good podcasts?").
"""
from __future__ import annotations

from intents.acts.classifier import Act, ActClassifier
from intents.lexicon import talk
from intents.lexicon.text import clean, tokens
from intents.query import FOCUS, Intent, Query

SURE = 0.4          # an act this likely beats "unknown"
SURER = 0.6         # ... and a bare recommend with nothing asked for
SURE_TALK = 0.8     # a greeting or goodbye beats a would-be unknown title
_QUERY = {
    "greeting": (Intent.GREET, "greeting"), "goodbye": (Intent.THANKS, "bye"),
    "thanks": (Intent.THANKS, "thanks"), "accept": (Intent.THANKS, "accept"),
    "seen": (Intent.SEEN, "seen"), "not_seen": (Intent.SEEN, "not_seen"),
    "opinion": (Intent.RATE, "opinion"), "question": (Intent.UNKNOWN, "question"),
    "yes": (Intent.CHOOSE, "yes"), "no": (Intent.CHOOSE, "no"),
    "taste": (Intent.UNKNOWN, "taste"), "reject": (Intent.UNKNOWN, "reject"),
    "chat": (Intent.UNKNOWN, "chat"), "request": (Intent.RECOMMEND, None),
}


class ActFallback:
    """`decide(query, text)`: the rules' Query, or the act's where the rules are unsure."""

    def __init__(self, classifier: ActClassifier | None = None) -> None:
        self._classifier = classifier

    @property
    def classifier(self) -> ActClassifier:
        if self._classifier is None:            # loaded on first use (~20 ms)
            self._classifier = ActClassifier.shipped()
        return self._classifier

    def decide(self, query: Query, text: str) -> Query:
        by_pronoun = query.refs == (FOCUS,) and query.rating is None   # "how's it going"
        if query.item_ids or (query.refs and not by_pronoun) or query.rating is not None:
            return query                        # a film or a position was named
        bare_list = query.intent is Intent.RECOMMEND and not (
            query.has_constraints or query.k_requested is not None or query.topic)
        unsure_title = query.unknown_title is not None or bool(query.candidates) \
            or by_pronoun
        if not (query.intent is Intent.UNKNOWN or bare_list or unsure_title):
            return query
        act = self.classifier.classify(text)
        if query.intent is Intent.UNKNOWN and not unsure_title and act.p >= SURE \
                and act.name != "request":
            return _as_query(act, query)
        if query.intent is Intent.UNKNOWN and not unsure_title and act.name == "request" \
                and act.p >= SURER and not talk.OUT_OF_REACH.search(text.lower()) \
                and (topic := talk.unmeasured(text.lower())):
            # "any disney stuff?": a request by something the catalog holds no data on
            return Query(Intent.RECOMMEND, topic=topic, parser=query.parser)
        if bare_list and act.name != "request" and act.p >= SURER:
            return _as_query(act, query)
        if unsure_title and act.name in ("greeting", "goodbye", "thanks") \
                and act.p >= SURE_TALK:
            return _as_query(act, query)
        if unsure_title and talk.thanks_at_edge([t.word for t in tokens(clean(text))]):
            return Query(Intent.THANKS, topic="thanks", parser=query.parser)  # "thanks, that's plenty"
        return query


def _as_query(act: Act, query: Query) -> Query:
    intent, topic = _QUERY[act.name]
    return Query(intent, topic=topic, parser=query.parser)
