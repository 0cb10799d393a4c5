"""Small talk as a conversation move (DESIGN §2): a greeting, "how are you", thanks, a
goodbye, "I'll check it out", "I haven't seen that one", "it was hilarious", a remark
about something else. Each gets a short, friendly reply that acknowledges it and moves
toward a film: more like the last list when there is one, else a question that gives
chatrec something to work with. Never "didn't get that", never a list nobody asked for.

The parser says which move a message makes in `Query.topic` (intents/acts/ learns it
from real conversations); `move` words the reply from it and what the session holds.
"""
from __future__ import annotations

from dataclasses import dataclass

#: the moves `move` words (Query.topic values for greet/thanks/seen/rate/unknown turns)
MOVES = frozenset({"greeting", "bye", "thanks", "accept", "reject", "seen", "not_seen",
                   "opinion", "question", "taste", "chat", "yes", "no"})


@dataclass(frozen=True)
class Situation:
    """What the reply may lean on."""

    has_list: bool            # a list was shown: "more like those" is an offer
    liked: str | None         # a film the person said they loved, for "more like X"
    example: str              # a catalog title for examples


def _next_step(s: Situation) -> str:
    if s.has_list:
        return "Want more like those, or something different?"
    if s.liked:
        return f"Want more films like {s.liked}?"
    return ("What's a film you loved lately? I'll find more like it "
            f"(e.g. 'movies like {s.example}'), or just name a genre.")


def move(topic: str | None, s: Situation) -> str:
    """The reply to one small-talk move (topic from MOVES; anything else is "chat")."""
    step = _next_step(s)
    if topic == "greeting":
        return ("Hi! I'm doing well, thanks for asking. I'm here to help you find a film. "
                + step)
    if topic == "bye":
        return "Bye - enjoy the films! Come back any time for more."
    if topic == "thanks":
        return "You're welcome! " + step
    if topic == "accept":
        return "Glad that sounds good - enjoy it! " + step
    if topic == "reject":
        return "Fair enough. " + step
    if topic == "seen":
        return ("Nice. Did you like it? Tell me (e.g. 'I loved it' or 'not for me') and I'll "
                "use it for your next picks.")
    if topic == "not_seen":
        return "Then it's one to try! " + step
    if topic == "opinion":
        return ("Good to know. Tell me which film you mean (e.g. 'I loved "
                f"{s.example}') and I'll use it for your next picks. " + step)
    if topic == "question":
        return (f"Which film do you mean? Ask me like this: 'tell me about {s.example}' - I "
                "know each film's year, genres, ratings and similar films.")
    if topic == "taste":
        return "Sounds good! " + step
    if topic == "yes":
        return "Great! " + step
    if topic == "no":
        return "OK. " + step
    return "I'm a film recommender, so I'll stick to films. " + step
