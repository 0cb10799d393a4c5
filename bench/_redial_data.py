"""ReDial conversations for bench/bench_redial.py: text as people type it, ReDial films
linked to the catalog, and the gold answers of every seeker message.

Films: `@123` in a message is replaced by the film's title without its year, kept as
the crowd worker wrote it (capitals included); HTML entities the dataset escaped
(`&quot;`) are unescaped, and a `"` inside a word ("I&quot;m") is the apostrophe it
was typed as. Each ReDial film is then one of
  catalog    the same title (after `title_key`) and a year at most 1 apart (`how` says
             "exact", "year+-1" or "alias");
  uncertain  no year in ReDial but its title is a catalog title ("Jurassic Park"):
             left out of recall and of the "only outside films" messages, and a link
             to one of its `candidates` is neither right nor wrong;
  outside    everything else; `candidates` then holds catalog films with the same
             title but another year (a remake, a mislabelled year): linking one is a
             false link, marked so in the dump.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from _redial_cues import stated_opinions

DATA = Path("/work/shared/data/redial-dev")
SPLITS = ("train", "valid")
MENTION = re.compile(r"@(\d+)")
NAME = re.compile(r"^\s*(?P<title>.*?)\s*(?:\((?P<year>\d{4})\))?\s*$")
YEAR_SLACK = 1
_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
# Roman numerals as sequel numbers; "i", "v" and "x" stay words ("I", "Malcolm X")
_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ARTICLE_AT_END = re.compile(r"^(?P<body>.+), (?P<art>the|a|an|les|la|le|l'|il|el|die|das|"
                             r"der|los|las|det|o)$")
# the dataset escaped some apostrophes as &quot; ("I&quot;m"): put them back
_QUOTE_IN_WORD = re.compile(r'(?<=[A-Za-z])"(?=[a-z])')
# checked by eye: the same film under a spelling `title_key` does not equate
ALIASES = {("sunset boulevard", 1950): "sunset blvd",
           ("star trek two the wrath of khan", 1982): "star trek the wrath of khan"}


def title_key(title: str) -> str:
    """A title for comparison: ASCII, lower case, '&' = 'and', no punctuation, no leading
    English article (also when MovieLens moved it to the end: "Godfather, The"), and
    numbers 0-20 / Roman numerals II-IX as words ("12 Monkeys" = "Twelve Monkeys")."""
    t = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    t = t.strip()
    m = _ARTICLE_AT_END.match(t)
    if m:
        t = f"{m['art']} {m['body']}"
    t = t.replace("&", " and ")
    t = re.sub(r"[.'*!?`\u2019]", "", t)          # inside words: M*A*S*H, Ocean's, Mr.
    t = re.sub(r"[^a-z0-9]+", " ", t).split()
    t = [_NUMBERS[int(w)] if w.isdigit() and int(w) <= 20 and w == str(int(w))
         else _NUMBERS[_ROMAN[w]] if w in _ROMAN else w for w in t]
    if t and t[0] in ("the", "a", "an") and len(t) > 1:
        t = t[1:]
    return " ".join(t)


def split_name(name: str) -> tuple[str, int | None]:
    """ "Police Academy  (1984)" -> ("Police Academy", 1984); "Batman " -> ("Batman", None)."""
    m = NAME.match(name)
    return m["title"], (int(m["year"]) if m["year"] else None)


@dataclass(frozen=True)
class Film:
    rid: str                          # the ReDial movie id
    name: str                         # as in movieMentions: "Title (Year)"
    title: str                        # as typed: no year, no extra spaces
    year: int | None
    status: str                       # catalog | outside | uncertain
    item_id: object = None            # the catalog's external id when status == catalog
    how: str = ""                     # exact | year+-1 | alias (catalog films)
    candidates: tuple = ()            # see the module docstring


class Linker:
    """ReDial "Title (Year)" -> a catalog film, by title key and year (see Film)."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.index: dict[str, list[int]] = {}
        for i, (title, year) in enumerate(zip(catalog.titles, catalog.years)):
            if not int(year):
                continue                      # MovieLens's one "unknown" entry
            main, _, alt = str(title).partition(" (")   # "Seven (Se7en)": both names
            for part in (main, alt[:-1] if alt.endswith(")") else ""):
                if part.strip():
                    self.index.setdefault(title_key(part), []).append(i)
        self.cache: dict[str, Film] = {}

    def link(self, rid: str, name: str) -> Film:
        if name in self.cache:
            return Film(rid, *_fields(self.cache[name]))
        title, year = split_name(name)
        key = title_key(title)
        same = self.index.get(key, [])
        ids = self.catalog.item_ids
        if year is None:
            film = Film(rid, name, title, None, "uncertain" if same else "outside",
                        candidates=tuple(ids[i].item() for i in same))
        else:
            how, hits = "exact", [i for i in same if int(self.catalog.years[i]) == year]
            if not hits:
                how, hits = "year+-1", [i for i in same
                                        if abs(int(self.catalog.years[i]) - year) <= YEAR_SLACK]
            if not hits and (key, year) in ALIASES:
                how, hits = "alias", [i for i in self.index.get(ALIASES[key, year], [])
                                      if int(self.catalog.years[i]) == year]
            if len(hits) == 1:
                film = Film(rid, name, title, year, "catalog", ids[hits[0]].item(), how)
            elif hits:                     # two catalog films, same title and year: undecided
                film = Film(rid, name, title, year, "uncertain",
                            candidates=tuple(ids[i].item() for i in hits))
            else:
                film = Film(rid, name, title, year, "outside",
                            candidates=tuple(ids[i].item() for i in same))
        self.cache[name] = film
        return film


def _fields(f: Film) -> tuple:
    return (f.name, f.title, f.year, f.status, f.item_id, f.how, f.candidates)


@dataclass
class Message:
    conv: str
    n: int                            # 0-based position among the seeker's messages
    message_id: int
    raw: str                          # the dataset's text, with @ids
    text: str                         # as people type it
    films: tuple[str, ...]            # ReDial ids named, in order, each once
    opinions: dict = field(default_factory=dict)   # rid -> 1 liked / 0 disliked (stated)
    contradicted: tuple[str, ...] = ()  # a cue against the ReDial label: left out


@dataclass
class Probe:
    after: int                        # seeker messages sent before the probe
    gold: tuple                       # catalog item ids suggested right after
    liked: tuple                      # the subset the seeker said they liked
    mentioned: frozenset              # catalog ids the seeker named so far


@dataclass
class Conversation:
    id: str
    split: str
    films: dict[str, Film]
    messages: list[Message]
    probes: list[Probe]


def typed_text(raw: str, films: dict[str, Film]) -> tuple[str, list[tuple[int, int, str]]]:
    """(text with every @id replaced by its title, [(start, end, rid)] of each title)."""
    raw = html.unescape(raw).replace("\r", " ").replace("\n", " ")
    raw = _QUOTE_IN_WORD.sub("'", raw)
    out, spans, pos = [], [], 0
    for m in MENTION.finditer(raw):
        film = films.get(m[1])
        if film is None:
            continue                      # an @ with no mention entry stays as typed
        out.append(raw[pos:m.start()])
        start = sum(map(len, out))
        out.append(film.title)
        spans.append((start, start + len(film.title), m[1]))
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out), spans


def _questions(conv: dict) -> tuple[dict, dict]:
    """(initiatorQuestions, respondentQuestions) as dicts (some files hold [] for none)."""
    return tuple(q if isinstance(q, dict) else {} for q in
                 (conv.get("initiatorQuestions"), conv.get("respondentQuestions")))


def build(conv: dict, split: str, linker: Linker) -> Conversation:
    films = {rid: linker.link(rid, name) for rid, name in conv["movieMentions"].items()}
    asked, answered = _questions(conv)
    liked = {rid: int(q["liked"]) for rid, q in asked.items() if int(q.get("liked", 2)) in (0, 1)}
    suggested = {rid for q in (asked, answered) for rid, v in q.items()
                 if int(v.get("suggested", 0)) == 1}
    seeker = conv["initiatorWorkerId"]
    messages: list[Message] = []
    probes: dict[int, Probe] = {}
    named: set = set()                     # ReDial ids the seeker named so far
    first_said: set = set()                # ReDial ids the recommender already said
    for m in conv["messages"]:
        ids = list(dict.fromkeys(MENTION.findall(m["text"])))
        if m["senderWorkerId"] == seeker:
            text, spans = typed_text(m["text"], films)
            rids = tuple(r for r in ids if r in films)
            said, against = stated_opinions(text, spans, liked)
            messages.append(Message(conv["conversationId"], len(messages), m["messageId"],
                                    m["text"], text, rids, said, against))
            named.update(rids)
            continue
        new = [r for r in ids if r in films and r in suggested and r not in first_said
               and r not in named and films[r].status == "catalog"]
        first_said.update(ids)
        if new:
            at = len(messages)
            p = probes.get(at) or Probe(at, (), (), frozenset(
                films[r].item_id for r in named if films[r].status == "catalog"))
            gold = p.gold + tuple(films[r].item_id for r in new)
            like = p.liked + tuple(films[r].item_id for r in new if liked.get(r) == 1)
            probes[at] = Probe(at, gold, like, p.mentioned)
    return Conversation(conv["conversationId"], split, films, messages,
                        [probes[k] for k in sorted(probes)])


def load(split: str, linker: Linker, limit: int | None = None,
         root: Path = DATA) -> list[Conversation]:
    path = root / f"{split}.jsonl"
    if not path.exists():
        raise SystemExit(f"bench_redial: {path} not found (the ReDial dev set; --data DIR)")
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(build(json.loads(line), split, linker))
            if limit is not None and len(out) >= limit:
                break
    return out


def film_title_keys(root: Path = DATA) -> frozenset:
    """title_key of every film any dev conversation marks (both splits, always: the
    answer must not depend on --split or --limit)."""
    keys = set()
    for split in SPLITS:
        path = root / f"{split}.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        keys.update(title_key(split_name(n)[0])
                                    for n in json.loads(line)["movieMentions"].values())
    keys.discard("")
    return frozenset(keys)


def linking_summary(conversations: list[Conversation]) -> dict:
    """Distinct ReDial films (by name) per status and how the catalog ones were linked."""
    films = {f.name: f for c in conversations for f in c.films.values()}
    out = {"films": len(films)}
    for f in films.values():
        key = f.status if f.status != "catalog" else f"catalog ({f.how})"
        out[key] = out.get(key, 0) + 1
        if f.status == "outside" and f.candidates:
            out["outside, same title other year"] = out.get(
                "outside, same title other year", 0) + 1
    return out
