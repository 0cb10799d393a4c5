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

from intents.lexicon.names import first_names
from intents.lexicon.text import norm

# a capitalised name after a cue that only people take ("starring Tom Hanks",
# "directed by Hitchcock", "the actor Brad Pitt"): one word is enough
NAMED = re.compile(r"\b(?:starring|featuring|directed\s+by|direction\s+of|from\s+director|"
                   r"actor|actress|director)\s+((?:[A-Z][\w'.-]+\s*){1,3})")
# after "with" / "by" a capitalised word may be anything ("with Subtitles", "by Friday"):
# two or three capitalised words, or one a director's surname ("a film by Kubrick")
PERSON = re.compile(r"\b(with|by)\s+((?:[A-Z][\w'.-]+\s*){1,3})")
# a first name and a surname, both capitalised (names.py checks the first name)
NAME = re.compile(r"\b[A-Z][a-z']+\s+[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+)?")
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


# the words around a name typed in lowercase that say it is a person's
PEOPLE_BEFORE = frozenset("""with starring featuring by of any some more other all big huge
fan loves love loved like likes liked adore""".split())
PEOPLE_AFTER = frozenset("movie movies film films flick flicks fan fans stuff".split())
# words that follow a first name without being a surname ("will be", "may have")
NOT_SURNAMES = frozenset("""a an the and or but of in on at to for from with by is are was
were be been being have has had do does did not no it its this that these those i you he
she we they me him her us them my your his our their there here so as if then than too
very really just also still even ever never always again""".split())


def person_topic(raw: str, is_title, is_word=lambda w: False) -> tuple[str, bool] | None:
    """("cast" | "director", named as a fan's taste) for the first person the message
    names, else None. `is_title(normalised words)` says a name is a film, `is_word(w)`
    that a word is request vocabulary (a genre: "with Sci-Fi Elements") not a name."""
    hit = NAMED.search(raw)
    if hit is not None and _is_name(norm(hit.group(1)), is_title, is_word):
        return ("director" if re.search(r"direct", hit.group(0), re.I) else "cast"), False
    for hit in PERSON.finditer(raw):
        name = norm(hit.group(2))
        words = name.split()
        if not _is_name(name, is_title, is_word) or (
                len(words) < 2 and not DIRECTORS & set(words)):
            continue
        # "by" a director, or by someone whose surname is a director's, is crew
        by = hit.group(1).lower() == "by" or bool(DIRECTORS & set(words[-1:]))
        return ("director" if by else "cast"), False
    fan = FAN.search(raw)
    if fan is not None:
        name = norm(fan.group(1) or fan.group(2))
        if name and not is_title(name):
            return ("director" if DIRECTORS & set(name.split()) else "cast"), True
    for hit in NAME.finditer(raw):      # "I love Adam Sandler", "Bill Murray is hilarious"
        name = norm(hit.group())
        if name.split()[0] in first_names() and _is_name(name, is_title, is_word):
            return ("director" if DIRECTORS & set(name.split()) else "cast"), True
    return _typed_lowercase(norm(raw), is_title, is_word)


def _typed_lowercase(text: str, is_title, is_word) -> tuple[str, bool] | None:
    """A name typed without capitals ("any tom hanks movies", "something by christopher
    nolan"): a first name and one more word, in a frame only people take — after
    "with", "by", "starring", "fan of" ..., or before "movies", "films", "fan". Without
    capitals the frame is the evidence: "will" or "may" alone is an ordinary word."""
    words = text.split()
    for i in range(len(words) - 1):
        first, last = words[i], words[i + 1]
        if first not in first_names() or last in NOT_SURNAMES or not last.isalpha():
            continue
        before = words[i - 1] if i else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        if before not in PEOPLE_BEFORE and after not in PEOPLE_AFTER:
            continue
        name = f"{first} {last}"
        if _is_name(name, is_title, is_word) and not is_title(f"{name} {after}".strip()):
            crew = before == "by" or last in DIRECTORS
            return ("director" if crew else "cast"), before not in ("with", "by")
    return None


def _is_name(name: str, is_title, is_word) -> bool:
    """A person's name: not a film's title and holds no request word ("with Sci-Fi
    Elements", "with Good Vibes")."""
    words = name.split()
    joined = [a + b for a, b in zip(words, words[1:])]      # "sci fi" is the genre "scifi"
    return bool(name) and not is_title(name) and not any(map(is_word, words + joined))
