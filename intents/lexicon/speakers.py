"""Whose opinion a clause states: "she also loved Beauty and the Beast", "my wife hates
horror", "the kids liked Toy Story" are someone else's taste, not the speaker's. Such an
opinion is never stored as the speaker's rating (the film stays in the conversation as a
film talked about)."""
from __future__ import annotations

import re

_RELATIONS = r"""wife|husband|gf|bf|girlfriend|boyfriend|partner|fianc[eé]e?|spouse|son|sons|
daughter|daughters|kid|kids|child|children|friend|friends|buddy|mom|mum|mother|dad|father|
brother|brothers|sister|sisters|family|parents|roommate|roomie|date|grandma|grandpa|
grandmother|grandfather|niece|nephew|cousin|boss|coworker|colleague|teen|teenager|toddler"""
_RELATION = r"(?:" + "|".join(w for w in re.split(r"[|\s]+", _RELATIONS) if w) + r")"
# the subject of the clause the opinion verb is in: a third person or someone's relation
_OTHER_SUBJECT = re.compile(
    r"(?:^|[.!?;,]|\b(?:and|but|so|though|because|since|while|also|think|guess|know|said|"
    r"says|thinks))\s*"
    r"(?:(?:oh|well|also|yeah|ya)\s+)*"
    r"(?:she|he|they|(?:my|our|her|his|their|the)\s+(?:\w+\s+)?" + _RELATION +
    r"|" + _RELATION + r"|everyone|everybody|people|critics)(?!\s+(?:and|&)\s+(?:i|me)\b)"
    r"(?:'s|\s+(?:both|all|really|also|absolutely|totally|just|always|still|kinda|"
    r"kind\s+of|actually|never|would|does|did|do))*\s+\S+(?:\s+\S+){0,3}\s*$", re.I)


def others_opinion(before: str) -> bool:
    """True when `before` (the text up to and including an opinion verb) makes that
    opinion someone else's: "she also loved", "my wife really hates", "the kids liked"."""
    return _OTHER_SUBJECT.search(before[-80:]) is not None
