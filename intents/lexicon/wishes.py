"""A wish for films fewer people know: "less famous", "not so mainstream",
"lesser-known", "hidden gems", "underrated", "cult classics", "something nobody has
heard of" (Query.rank_by "hidden": the best films among the less-watched).

Read as a direction, not as a list of phrases. Three ways to say it:
- a word about how known a film is (popular, famous, known, mainstream, watched,
  hyped, blockbuster, hit ...) turned down by a word before it (less, lesser, least,
  little, barely, hardly, too, non, un, under; or a negation: not, no, nothing,
  without, avoid, anything but ...), through fillers ("not so very well known");
- a subject that says few people (nobody, no one, few, not many, hardly anyone)
  before a verb of knowing or watching ("a film nobody has heard of", "that not many
  people have seen");
- a word that means it alone (obscure, underrated, overlooked, cult, niche, indie,
  sleeper, forgotten, unsung, under the radar, off the beaten path ...).
The other direction ("more popular", "the big hits") is the `popular` cue and is not
read here. `find_hidden(words)` returns the token positions the wish used, or None.
"""
from __future__ import annotations

# how known a film is
_KNOWN = frozenset("""popular famous known mainstream hyped commercial blockbuster
blockbusters hit hits recognized recognised widely mainstreamy""".split())
# how watched: turned down only by a degree ("less watched", "rarely seen"), since "not
# watched" / "not seen" is about the person ("something I have not seen")
_WATCHED = frozenset("watched viewed seen".split())
_DEGREE = frozenset("less lesser least little barely hardly rarely seldom under".split())
# ... said as a verb, only after a subject that says few people: "nobody has heard of"
_KNOW_VERBS = frozenset("""heard seen watched know knows knew saw watch see""".split())
# turns a "known" word down
_DOWN = _DEGREE | frozenset("""too non un scarcely not no nothing without avoid skip
never nor isnt arent dont doesnt wasnt""".split())
# "anything but mainstream", "other than the famous ones"
_DOWN_PAIRS = frozenset({("anything", "but"), ("other", "than"), ("rather", "than"),
                         ("instead", "of"), ("away", "from"), ("tired", "of"),
                         ("sick", "of")})
# may stand between the turning word and the "known" word ("not so very well known",
# "I dont want anything popular")
_FILLER = frozenset("""so very that as well overly super really the a an any of one ones
stuff thing things movies films movie film big particularly terribly necessarily want
need like something anything watch see i me just""".split())
_GAP = 3
# few people, as a subject ("a few" is some: "a few I have seen" is not read)
_FEW = frozenset("""nobody noone few""".split())
_FEW_PAIRS = frozenset({("no", "one"), ("not", "many"), ("hardly", "anyone"),
                        ("barely", "anyone"), ("not", "everyone"), ("hardly", "anybody"),
                        ("no", "body")})
_SUBJECT_GAP = 4            # "nobody [has ever really] heard of"
# alone: the wish itself (and what they take with them: "cult classics" is no year)
_ALONE = {
    ("obscure",): 1, ("obscurer",): 1, ("underrated",): 1, ("under", "rated"): 2,
    ("underappreciated",): 1, ("under", "appreciated"): 2, ("overlooked",): 1,
    ("undiscovered",): 1, ("unsung",): 1, ("unheard",): 1, ("underseen",): 1,
    ("under", "seen"): 2, ("lesser", "known"): 2, ("little", "known"): 2,
    ("hidden", "gem"): 2, ("hidden", "gems"): 2, ("gems",): 1, ("hidden",): 1,
    ("cult",): 1, ("cult", "classic"): 2, ("cult", "classics"): 2,
    ("cult", "favorite"): 2, ("cult", "favorites"): 2, ("cult", "favourite"): 2,
    ("cult", "favourites"): 2, ("cult", "following"): 2, ("niche",): 1,
    ("indie",): 1, ("indies",): 1, ("arthouse",): 1, ("art", "house"): 2,
    ("offbeat",): 1, ("sleeper",): 1, ("sleepers",): 1, ("forgotten",): 1,
    ("deep", "cut"): 2, ("deep", "cuts"): 2, ("under", "the", "radar"): 3,
    ("off", "the", "radar"): 3, ("off", "the", "beaten", "path"): 4,
    ("off", "the", "beaten", "track"): 4, ("unknown",): 1, ("unpopular",): 1,
    ("nonmainstream",): 1, ("unhyped",): 1,
}
_MAX_ALONE = max(len(p) for p in _ALONE)
_ALONE_FIRST = frozenset(p[0] for p in _ALONE)      # most words start none: skip fast


def find_hidden(words: list[str]) -> frozenset[int] | None:
    """The token positions of a wish for less-watched films in `words` (blanked
    words are ''), or None when there is none."""
    used: set[int] = set()
    n = len(words)
    i = 0
    while i < n:
        size = _alone_at(words, i)
        if size:
            used.update(range(i, i + size))
            i += size
            continue
        w = words[i]
        if w in _KNOWN or w in _WATCHED:
            turned = _turned_down(words, i, _DEGREE if w in _WATCHED else _DOWN)
            if turned is not None:
                used.update(range(turned, i + 1))
        if w in _KNOW_VERBS and i not in used:
            subject = _few_subject(words, i)
            if subject is not None:
                used.update(range(subject, i + 1))
        i += 1
    return frozenset(used) if used else None


def _alone_at(words: list[str], i: int) -> int:
    if words[i] not in _ALONE_FIRST:
        return 0
    for size in range(min(_MAX_ALONE, len(words) - i), 0, -1):
        if tuple(words[i:i + size]) in _ALONE:
            return size
    return 0


def _turned_down(words: list[str], i: int, down: frozenset[str]) -> int | None:
    """Where the word turning words[i] down starts, or None."""
    j, gap = i - 1, 0
    while j >= 0 and gap <= _GAP and words[j]:
        if down is _DOWN and j > 0 and (words[j - 1], words[j]) in _DOWN_PAIRS:
            return j - 1
        if words[j] in down:
            return j
        if words[j] not in _FILLER:
            return None
        j -= 1
        gap += 1
    return None


def _few_subject(words: list[str], i: int) -> int | None:
    """Where a subject saying few people starts, within reach before the verb."""
    for j in range(i - 1, max(-1, i - 1 - _SUBJECT_GAP), -1):
        w = words[j]
        if not w:
            return None
        if w in _FEW and not (w == "few" and j > 0 and words[j - 1] in ("a", "quite")):
            return j
        if j > 0 and (words[j - 1], w) in _FEW_PAIRS:
            return j - 1
    return None
