"""What the LLM bench wraps around the parser: a disk cache of the server's replies
(with the seconds each took) and a probe that records every consultation."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import intents.llm.parser as llm_module
from intents.llm.parser import LLMParser
from intents.llm.schema import canonicalize


class ReplyCache:
    """post_json with replies (and the seconds they took) remembered on disk."""

    def __init__(self, path: Path, real, offline: bool = False):
        self.path, self.real, self.entries, self.offline = path, real, {}, offline
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                e = json.loads(line)
                self.entries[e["key"]] = e
        self.calls = 0

    def __call__(self, url, body, headers, deadline):
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        e = self.entries.get(key)
        if e is None and self.offline:
            raise llm_module.LLMRejected("not in the reply cache (--cached-only)")
        if e is None:
            started = time.monotonic()
            try:
                reply, error = self.real(url, body, headers, deadline), None
            except llm_module.LLMRejected as exc:
                reply, error = None, str(exc)
            e = {"key": key, "reply": reply, "error": error,
                 "seconds": round(time.monotonic() - started, 3),
                 "user": body["messages"][-1]["content"]}
            self.calls += 1
            if error is None:            # failures are not remembered: retry next run
                self.entries[key] = e
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(e) + "\n")
        self.last_seconds = e["seconds"]
        if e["error"] is not None:
            raise llm_module.LLMRejected(e["error"])
        return e["reply"]


def percentile(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q / 100 * len(v) + 0.5)) - 1))] if v else 0.0


class Probe:
    """Wraps LLMParser.consult to record what each consultation did."""

    def __init__(self, llm: LLMParser, cache: ReplyCache):
        self.llm, self.cache, self.log = llm, cache, []
        self._consult = llm.consult
        llm.consult = self.consult
        self._read_call = llm_module.read_call
        llm_module.read_call = self.read_call
        self.args = None

    def read_call(self, reply):
        found = self._read_call(reply)
        self.args = found[0]
        return found

    def consult(self, text, rules, context=None):
        self.cache.last_seconds, self.args = 0.0, None
        outcome = self._consult(text, rules, context)
        unguarded = None                 # what today's parser, without guards, would use
        if self.args is not None:
            try:
                unguarded = canonicalize(self.args, self.llm.catalog)
            except llm_module.LLMRejected:
                pass
        self.log.append({"text": text, "outcome": outcome, "unguarded": unguarded,
                         "seconds": self.cache.last_seconds if outcome.called else 0.0})
        return outcome
