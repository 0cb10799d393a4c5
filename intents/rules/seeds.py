"""Looser similarity frames: a film named next to a similarity word that is not one of
the classic cues of `cues.SIMILAR` ("movies like X"): "films à la Blade Runner", "three
picks for someone who loves Vertigo", "Casablanca vibes please", "Heat-style movies",
"show me some Shawshank type stuff". Part of the rule parser's slot finding
(intents/rules/slots.py), tried after the classic similarity frame.

These cues are everyday words ("style", "type", "close to"), so the film must be named
for real: a catalog title exactly (or a well-known title's first words), and a title
of one common word ("Heat", "Speed") only when written with a capital, the way the
whole-title reading and the opinion frames already tell a film from a word.
"""
from __future__ import annotations

from intents.lexicon import cues
from intents.mentions.linking import Linker, Mention, Message, Slot
from intents.mentions.spans import token_range
from intents.rules.opinions import capitalised

MAX_BACK = 8             # words before "vibes" / "-style" a title may span
_PREFIX_SURE = 95.0      # a title's first words this sure need no capital ("shawshank
                         # redemption"); one word ("shawshank") needs one


class SeedFrames:
    """The looser similarity frames over one catalog's `Linker`."""

    def __init__(self, link: Linker) -> None:
        self.link = link

    def before(self, m: Message, core) -> Slot | None:
        """A cue, then the film: "à la X", "someone who loves X", "closest to X"."""
        for hit in cues.first(cues.SIMILAR_LOOSE, m.text):
            s, _ = token_range(m.toks, hit.start("t"), hit.start("t") + 1)
            found = self.link.resolve_list(m, s, len(m.words), strict=True, pronouns=False)
            if found and found[0].match is not None and found[0].match.index is not None \
                    and self._named(m, found[0]):
                return Slot("similar", found)
        return None

    def after(self, m: Message, core) -> Slot | None:
        """The film, then the cue: "Casablanca vibes", "Heat-style", "X type stuff"."""
        for hit in cues.first(cues.SIMILAR_AFTER, m.text):
            e, _ = token_range(m.toks, hit.start() + 1, hit.start() + 2)
            found = self._ending_at(m, e)
            if found is not None:
                return Slot("similar", [found])
        return None

    def _ending_at(self, m: Message, e: int) -> Mention | None:
        """The longest title that ends right before token e (a title read whole, an
        exact title, or a title's first words), named for real (`_named`)."""
        words, titles = m.words, self.link.titles
        for s in range(max(0, e - MAX_BACK), e):
            n = cues.sentinel_index(words[s]) if s == e - 1 else None
            if n is not None:
                return Mention(m.titles[n], None, s, e)
            if any(cues.sentinel_index(w) is not None for w in words[s:e]) or \
                    words[s] in cues.GENERIC and words[s] not in ("the", "a", "an"):
                continue
            span = " ".join(words[s:e])
            hit = titles.exact(span) or titles.prefix(span)
            if hit is None or hit.index is None:
                continue
            found = Mention(hit, None, s, e)
            if self._named(m, found):
                return found
        return None

    def _named(self, m: Message, f: Mention) -> bool:
        """A title read whole, two words or more, or one word written with a capital
        ("Heat-style movies"; "heat-style" could be the weather)."""
        if cues.sentinel_index(m.words[f.start]) is not None:
            return True
        content = [w for w in m.words[f.start:f.end] if w not in ("the", "a", "an")]
        if len(content) >= 2 and f.match.score >= _PREFIX_SURE:
            return True
        return all(capitalised(m, w, first_ok=True) for w in content)
