"""Names a message writes in capitals: two or more capitalised words in a row that look
like a title ("Cult of Chucky", "Bride Wars") or are a person ("Will Smith"). The parser
keeps their words out of the cues and genres: "cult" in "Cult of Chucky" is no wish
for cult films.
"""
from __future__ import annotations

from intents.lexicon import cues
from intents.lexicon.names import is_person
from intents.mentions.linking import Message
from intents.mentions.titlelike import TitleLikeness


def named_runs(m: Message, titlelike: TitleLikeness, zipf,
               vocabulary: frozenset[str]) -> set[int]:
    """Tokens of the names a message writes in capitals (two words or more: "Cult
    of Chucky", "Bride Wars", "Will Smith") that look like a title or are a person:
    names, not cue or genre words ("cult" there is no wish for cult films). Runs
    holding a request word (`vocabulary`: genres, cues) are left to the cues."""
    v = m.view
    if not v.caps_known:
        return set()
    out, i, n = set(), 0, len(m.words)
    while i < n:
        if not v.caps[i] or m.words[i] == "i" or cues.sentinel_index(m.words[i]) is not None \
                or (i == 0 and zipf(m.words[0]) >= 4.0):
            i += 1
            continue
        j = i + 1
        while j < n and cues.sentinel_index(m.words[j]) is None and (
                (v.caps[j] and m.words[j] != "i") or (m.words[j] in ("of", "the", "a", "and")
                                                     and j + 1 < n and v.caps[j + 1])):
            j += 1
        run = m.words[i:j]
        said = {w for w, cap in zip(run, v.caps[i:j]) if cap}
        if j - i >= 2 and vocabulary.isdisjoint(said) and (
                is_person(run, v.caps[i:j]) or titlelike.title_like(v, i, j, 0.0)):
            out.update(range(i, j))
        i = j
    return out
