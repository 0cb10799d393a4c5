"""Which version of a title: "the original", "the remake", "no, the first version",
"the newer version", "the original Cape Fear" (Query.version "original" / "remake").

The catalog has several films of one title (Cape Fear 1962 and 1991, Sabrina 1954 and
1995); which one is meant is a direction, not a year: "the original" is the oldest,
"the remake" a later one, whatever their years. Read from
- a word that names a version on its own: remake, remade, reboot, redo (-> remake);
  "original" when it points at a film ("the original", "the original Cape Fear",
  "original version"), not when it praises one ("something original");
- a direction word before a version noun: "the first version", "the older edition",
  "the new version", "the 1990s cut" is years, not this.
"the first one" / "the second one" are positions in the last list (lexicon/refs.py),
and "the older one" is a comparison of years (lexicon/years.py), so "one" is not a
version noun here. `find_version(words)` -> (version, the positions of its words;
"the" is left to the reader of films) or None.
"""
from __future__ import annotations

ORIGINAL, REMAKE = "original", "remake"

_NAMES = {"remake": REMAKE, "remakes": REMAKE, "remade": REMAKE, "reboot": REMAKE,
          "reboots": REMAKE, "redo": REMAKE, "reimagining": REMAKE}
_NOUNS = frozenset("version versions edition cut adaptation take".split())
_TOWARD = {**dict.fromkeys("""original first old older earlier earliest oldest classic
initial""".split(), ORIGINAL),
           **dict.fromkeys("""new newer later latest newest recent modern second
updated remade""".split(), REMAKE)}
# "original" points at a film after these (or before a film noun or a title)
_POINTING = frozenset("the that its their his her this".split())
_FILM_NOUNS = frozenset("movie film one version cut edition".split())


def find_version(words: list[str]) -> tuple[str, frozenset[int]] | None:
    """The first version wish in `words` (blanked words are '': a title the parser
    took stands there, so "the original <title>" still reads)."""
    for i, w in enumerate(words):
        if w in _NAMES:
            return _NAMES[w], frozenset({i})
        if w in _NOUNS and i > 0 and words[i - 1] in _TOWARD:
            return _TOWARD[words[i - 1]], frozenset({i - 1, i})
        if w == "original":
            before = words[i - 1] if i > 0 else ""
            after = words[i + 1] if i + 1 < len(words) else None
            if before in _POINTING or after == "" or (after in _FILM_NOUNS
                                                      and before not in ("an", "a")):
                return ORIGINAL, frozenset({i})
    return None
