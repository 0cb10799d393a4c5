"""Which version of a title: "the original", "the remake", "no, the first version",
"the newer version", "the original Cape Fear" (Query.version "original" / "remake").

The catalog has several films of one title (Cape Fear 1962 and 1991, Sabrina 1954 and
1995); which one is meant is a direction, not a year: "the original" is the oldest,
"the remake" a later one, whatever their years. Read from
- a word that names a version on its own: remake, remade, reboot, redo (-> remake);
  "original" when it points at a film ("the original", "the original Cape Fear",
  "original version"), not when it praises one ("something original");
- a direction word before a version noun: "the first version", "the older edition",
  "the new version", "the 1990s cut" is years, not this;
- "new" / "latest" between "the" and a title: "the new Beauty and the Beast" (-> remake).
"the first one" / "the second one" are positions in the last list (lexicon/refs.py),
and "the older one" is a comparison of years (lexicon/years.py), so "one" is not a
version noun here. `find_version(words)` -> a `Version` (which, the positions of its
words: "the" is left to the reader of films, and whether it is picked or talked
about) or None.
"""
from __future__ import annotations

from dataclasses import dataclass

ORIGINAL, REMAKE = "original", "remake"

_NAMES = {"remake": REMAKE, "remakes": REMAKE, "reboot": REMAKE, "reboots": REMAKE,
          "redo": REMAKE, "reimagining": REMAKE}
_NOUNS = frozenset("version versions edition cut adaptation take".split())
_TOWARD = {**dict.fromkeys("""original first old older earlier earliest oldest classic
initial""".split(), ORIGINAL),
           **dict.fromkeys("""new newer later latest newest recent modern second
updated remade""".split(), REMAKE)}
# before a title, these name a later film of that title ("the new Beauty and the Beast")
_LATER = frozenset("new newer newest latest recent".split())
# "original" points at a film after these (or before a film noun or a title)
_POINTING = frozenset("the that its their his her this".split())
_FILM_NOUNS = frozenset("movie film one version cut edition".split())
# after the version: it is the subject of a statement ("the remake was awful"), not a pick
_STATED = frozenset("""is was were are s has had have sucks sucked looks looked seems
seemed wasnt isnt got came did does will would can could might""".split())
# before it, a subject and its verb make it the object of a statement ("I just ordered
# the original", "I loved the styles in the original"), unless the verb picks ("I
# meant the original", "we want the remake")
_SUBJECTS = frozenset("i we you he she they it that this ive im id weve wed".split())
_PICKING = frozenset("""mean meant want wanted need prefer preferred said asked wanna
would""".split())


@dataclass(frozen=True)
class Version:
    """Which version (ORIGINAL / REMAKE), the words that said it, and whether the
    message picks it ("the remake", "no, the first version") rather than talks about
    it ("the remake was awful", "there is an old version")."""

    which: str
    used: frozenset[int]
    picked: bool


def find_version(words: list[str], breaks: frozenset[int] = frozenset()) -> Version | None:
    """The first version in `words` (blanked words are '': a title the parser took
    stands there, so "the original <title>" still reads). `breaks`: token indices
    that start a clause."""
    for i, w in enumerate(words):
        if w in _NAMES:
            return _version(words, breaks, _NAMES[w], i, i)
        if w in _NOUNS and i > 0 and words[i - 1] in _TOWARD:
            return _version(words, breaks, _TOWARD[words[i - 1]], i - 1, i)
        if w in _LATER and i + 1 < len(words) and words[i + 1] == "" \
                and i > 0 and words[i - 1] in _POINTING:     # "the new <title>"
            return _version(words, breaks, REMAKE, i, i)
        if w == "original":
            before = words[i - 1] if i > 0 else ""
            after = words[i + 1] if i + 1 < len(words) else None
            if before in _POINTING or after == "" or (after in _FILM_NOUNS
                                                      and before not in ("an", "a")):
                return _version(words, breaks, ORIGINAL, i, i)
    return None


def _version(words: list[str], breaks: frozenset[int], which: str, start: int,
             end: int) -> Version:
    before = words[start - 1] if start > 0 else ""
    after = words[end + 1] if end + 1 < len(words) else ""
    picked = before not in ("a", "an") and after not in _STATED \
        and not _stated_before(words, breaks, start)
    return Version(which, frozenset(range(start, end + 1)), picked)


def _stated_before(words: list[str], breaks: frozenset[int], start: int) -> bool:
    """A subject with a verb that does not pick, earlier in the version's clause."""
    j = start - 1
    while j >= 0 and (j + 1) not in breaks:
        if words[j] in _SUBJECTS and j + 1 < start and words[j + 1] not in _PICKING:
            return True
        j -= 1
    return False
