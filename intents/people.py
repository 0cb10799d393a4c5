"""People in a message: the catalog has no cast or crew, so a request that names an
actor or a director ("any with Tom Hanks?", "comedies directed by Woody Allen", "what
would a Tarantino fan like", "I'm a big Meryl Streep fan") gets the topic it asked
about ("cast" / "director"), and the service says plainly what it cannot search by.

Names are read from the message as typed (capitals), and a name that is a catalog
title ("my son is obsessed with The Lion King", "a Rear Window fan") is a film, not
a person.
"""
from __future__ import annotations

import re

from intents.text import norm

# a capitalised name after "with", "starring", "by"...
PERSON = re.compile(r"\b(?:with|starring|featuring|by|directed\s+by|from\s+director|"
                    r"actor|actress|director)\s+((?:[A-Z][\w'.-]+\s*){2,3})")
# a fan of someone: "a Tarantino fan", "a big Meryl Streep fan", "fans of Hitchcock"
FAN = re.compile(r"\b(?:an?|big|huge|massive|die[\s-]hard|diehard)\s+((?:[A-Z][\w'.-]+\s+){1,3})"
                 r"fans?\b|\bfans?\s+of\s+((?:[A-Z][\w'.-]+\s*){1,3})")
#: surnames (and the one-word names) of directors people name as a taste, so "a
#: Tarantino fan" asks about crew and "a Meryl Streep fan" about cast. Only names
#: that are not also famous actors' (no "Eastwood", "Allen", "Ford").
DIRECTORS = frozenset("""hitchcock kubrick spielberg scorsese tarantino coppola lynch
burton cameron lucas nolan fincher kurosawa bergman fellini wilder hawks capra welles
coen coens zemeckis leone polanski altman cronenberg carpenter craven raimi besson
jarmusch soderbergh linklater truffaut godard tarkovsky ozu almodovar herzog wenders
kieslowski gilliam demme lumet kazan huston preminger sturges lubitsch wyler zinnemann
renoir bunuel antonioni rohmer malick verhoeven mctiernan donner landis
""".split())


def person_topic(raw: str, is_title) -> tuple[str, bool] | None:
    """("cast" | "director", named as a fan's taste) for the first person the message
    names, else None. `is_title(normalised words)` says a name is a film."""
    hit = PERSON.search(raw)
    if hit is not None and not is_title(norm(hit.group(1))):
        return ("director" if re.search(r"direct", hit.group(0), re.I) else "cast"), False
    fan = FAN.search(raw)
    if fan is not None:
        name = norm(fan.group(1) or fan.group(2))
        if name and not is_title(name):
            return ("director" if DIRECTORS & set(name.split()) else "cast"), True
    return None
