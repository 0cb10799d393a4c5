"""Read the dialogue corpus (tests/dialogues/*.dlg, format in README.md) and judge a
conversation turn by turn from what a client sees: the POST /chat body and
GET /sessions/{id}. Used by tests/chatrec/conversation/test_dialogues.py and bench/bench_dialogues.py.

`run_file(path, client)` plays every dialogue through `client` (anything with
`chat(message, session_id, user_id) -> (status, body)` and `session(id) -> body`)
and returns one `TurnResult` per turn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent


@dataclass
class Turn:
    message: str
    checks: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class Dialogue:
    name: str
    user: object = None
    turns: list[Turn] = field(default_factory=list)


@dataclass
class TurnResult:
    dialogue: str
    turn: int
    message: str
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures


def parse(path: Path) -> list[Dialogue]:
    dialogues: list[Dialogue] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("==="):
            dialogues.append(Dialogue(line[3:].strip()))
        elif not dialogues:
            raise ValueError(f"{path}:{n}: a check before the first '==='")
        elif line.startswith(">"):
            dialogues[-1].turns.append(Turn(raw.split(">", 1)[1].strip(), line=n))
        elif line.startswith("user ") and not dialogues[-1].turns:
            value = line[5:].strip()
            dialogues[-1].user = int(value) if value.isdigit() else value
        elif not dialogues[-1].turns:
            raise ValueError(f"{path}:{n}: a check before the first '>'")
        else:
            dialogues[-1].turns[-1].checks.append(line)
    return dialogues


def _natural(title: str) -> str:
    m = re.match(r"^(.*), (The|A|An|L'|Les|La|Le|Il|El|Das|Der|Die)( \(.*\))?$", title)
    return f"{m[2]} {m[1]}{m[3] or ''}" if m else title


def _key(title: str) -> str:
    return re.sub(r"\s+", " ", _natural(title)).strip().lower()


class _Judge:
    """The state of one dialogue being judged: every list shown so far."""

    def __init__(self, client, dialogue: Dialogue):
        self.client, self.dialogue = client, dialogue
        self.lists: list[list[dict]] = []
        self.session_id = None

    def title_of(self, ref: str) -> tuple[str, object]:
        """'"Fargo"' or '@2.3' -> (title, item_id or None)."""
        ref = ref.strip()
        if ref.startswith("@"):
            t, n = (int(x) for x in ref[1:].split("."))
            items = self.lists[t - 1]
            if not 1 <= n <= len(items):
                raise LookupError(f"{ref}: turn {t} listed only {len(items)} films")
            return items[n - 1]["title"], items[n - 1]["item_id"]
        return ref.strip('"'), None

    def check(self, check: str, body: dict) -> str | None:
        """None when the check holds, else what was wrong."""
        items = body.get("items") or []
        reply = body.get("reply") or ""
        try:
            return self._check(check, items, reply)
        except LookupError as e:
            return f"{check}: {e}"

    def _check(self, check: str, items: list[dict], reply: str) -> str | None:
        word, _, rest = check.partition(" ")
        titles = [it["title"] for it in items]
        if word == "ok":
            return None
        if word == "count":
            n = len(items)
            m = re.fullmatch(r"(>=|<=)?\s*(\d+)(?:\.\.(\d+))?", rest.strip())
            op, a, b = m.group(1), int(m.group(2)), m.group(3)
            good = (n >= a if op == ">=" else n <= a if op == "<=" else
                    a <= n <= int(b) if b else n == a)
            return None if good else f"{check}: got {n} ({titles})"
        if word in ("all", "none") and rest.startswith("genre "):
            wanted = [g.strip().lower() for g in rest[6:].split("&")]
            for it in items:
                have = {g.lower() for g in it.get("genres") or []}
                bad = (not set(wanted) <= have) if word == "all" else bool(have & set(wanted))
                if bad:
                    return f"{check}: {it['title']} has {it.get('genres')}"
            return None
        if word == "all" and rest.startswith("year "):
            lo, _, hi = rest[5:].strip().partition("..")
            for it in items:
                y = it.get("year")
                if y is None or (lo and y < int(lo)) or (hi and y > int(hi)):
                    return f"{check}: {it['title']} ({y})"
            return None
        if word in ("has", "lacks", "first"):
            title, item_id = self.title_of(rest)
            found = [i for i, it in enumerate(items) if (item_id is not None and str(
                it["item_id"]) == str(item_id)) or _key(it["title"]) == _key(title)]
            good = (bool(found) if word == "has" else not found if word == "lacks"
                    else found[:1] == [0])
            return None if good else f"{check}: list was {titles}"
        if word == "new":
            before = {str(it["item_id"]) for lst in self.lists for it in lst}
            again = [it["title"] for it in items if str(it["item_id"]) in before]
            return f"{check}: repeated {again}" if again else None
        if word == "reply":
            op, _, pattern = rest.partition(" ")
            if op == "mentions":
                title, _ = self.title_of(pattern)
                forms = {title.lower(), _natural(title).lower(),
                         re.sub(r"\s*\(.*\)$", "", _natural(title)).lower()}
                good = any(f in reply.lower() for f in forms)
                return None if good else f"{check}: reply was {reply!r}"
            found = re.search(pattern, reply, re.I) is not None
            good = found if op == "~" else not found
            return None if good else f"{check}: reply was {reply!r}"
        if word == "order":
            rx = r"^\s*(\d+(?:\.\d+)?)" if rest == "leading" else r"from ([\d,]+) ratings?"
            values = []
            for it in items:
                m = re.search(rx, it.get("reason") or "")
                if not m:
                    return f"{check}: no number in reason {it.get('reason')!r}"
                values.append(float(m.group(1).replace(",", "")))
            good = all(a >= b for a, b in zip(values, values[1:]))
            return None if good else f"{check}: {values}"
        if word == "session":
            return self._session_check(check, rest)
        return f"unknown check {check!r}"

    def _session_check(self, check: str, rest: str) -> str | None:
        status, body = self.client.session(self.session_id)
        if status != 200:
            return f"{check}: GET /sessions answered {status}"
        kind, _, arg = rest.partition(" ")
        # T as everywhere else: "Title", Title, or @t.n
        m = re.fullmatch(r"(@\d+\.\d+|\"[^\"]+\"|[^<>=]+?)\s*(?:(>=|<=)\s*([\d.]+))?",
                         arg.strip())
        if m is None:
            return f"{check}: not a session check (see tests/dialogues/README.md)"
        title, item_id = self.title_of(m.group(1))

        def same(entry):
            if item_id is not None and str(entry.get("item_id")) == str(item_id):
                return True
            return _key(entry.get("title") or "") == _key(title)

        if kind == "seen":
            good = any(same(e) for e in body.get("seen") or [])
            return None if good else f"{check}: seen {body.get('seen')}"
        rated = [e for e in body.get("ratings") or [] if same(e)]
        if kind == "unrated":
            return None if not rated else f"{check}: rated {rated}"
        if not rated:
            return f"{check}: ratings {body.get('ratings')}"
        value, op, bound = rated[0]["rating"], m.group(2), float(m.group(3) or 0)
        good = op is None or (value >= bound if op == ">=" else value <= bound)
        return None if good else f"{check}: rated {value}"


def run_dialogue(client, dialogue: Dialogue) -> list[TurnResult]:
    judge = _Judge(client, dialogue)
    results = []
    for n, turn in enumerate(dialogue.turns, 1):
        status, body = client.chat(turn.message, judge.session_id, dialogue.user)
        failures = []
        if status != 200 or not isinstance(body, dict):
            failures.append(f"HTTP {status}: {body!r}"[:300])
            body = {}
        elif not (body.get("reply") or "").strip():
            failures.append("empty reply")
        judge.session_id = body.get("session_id") or judge.session_id
        for check in turn.checks:
            problem = judge.check(check, body)
            if problem:
                failures.append(problem)
        judge.lists.append(body.get("items") or [])
        results.append(TurnResult(dialogue.name, n, turn.message, failures))
    return results


def run_file(path: Path, client) -> list[TurnResult]:
    return [r for d in parse(path) for r in run_dialogue(client, d)]


class HttpClient:
    """The two calls the judge makes, over HTTP with the standard library."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base, self.timeout = base_url.rstrip("/"), timeout

    def _call(self, method: str, path: str, body: dict | None = None):
        import json
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def chat(self, message, session_id=None, user_id=None):
        body = {"message": message}
        if session_id:
            body["session_id"] = session_id
        if user_id is not None:
            body["user_id"] = user_id
        return self._call("POST", "/chat", body)

    def session(self, session_id):
        return self._call("GET", f"/sessions/{session_id}")


def summary(results: list[TurnResult]) -> str:
    ok = sum(r.ok for r in results)
    dialogues = {r.dialogue for r in results}
    whole = sum(all(r.ok for r in results if r.dialogue == d) for d in dialogues)
    return (f"{ok}/{len(results)} turns right ({ok / max(1, len(results)):.1%}); "
            f"{whole}/{len(dialogues)} dialogues entirely right")
