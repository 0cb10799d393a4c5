"""'like' as a hedge: "give me like 100 horror movies", "something not too famous, like a
hidden gem", "older ones, like the 70s". After "like" people name a film - or, as often,
round off what they ask for. A span after "like" that no title matched and that is made
only of words the request readers understand (counts, years and decades, genres, wishes
for less-watched films, generic film words) is the request said again, not an unknown
film: the similar frame passes it by and the constraint readers take its words."""
from __future__ import annotations

from intents.lexicon import cues
from intents.lexicon.wishes import find_hidden
from intents.lexicon.years import find_years

# words that join a request's words ("from the 70s or 80s", "with a bit of horror")
_GLUE = frozenset("from in of with about around maybe or and but not too very really bit".split())


def is_request_vocabulary(words: list[str], genre_words: frozenset[str]) -> bool:
    """True when every word of `words` is read by the request's readers."""
    if not words:
        return False
    used = set(find_hidden(list(words)) or ())
    for span in find_years(list(words), None, genre_words):
        used |= span.used
    return all(i in used or w in genre_words or w in cues.GENERIC or w in _GLUE
               or w.isdigit()
               for i, w in enumerate(words))
