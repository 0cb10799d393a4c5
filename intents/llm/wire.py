"""The Chat Completions wire format as real servers speak it: the request chatrec
sends, and where a tool call can be found in the reply.

Request: the tool, `tool_choice: "auto"` (llama-cpp-python's server treats a missing
tool_choice as "none" and drops the tools from the prompt), `temperature: 0`, and a
`max_tokens` cap (a small model can ramble to the context limit, and behind a proxy or
a hosted API that generation keeps running and billing after we gave up).

Reply — the call is read, in this order, from:
1. `message.tool_calls[0].function` (OpenAI, Ollama, vLLM with a tool parser);
2. `<tool_call>{...}</tool_call>` in `content` (Qwen/Hermes style, when the server
   does not parse it);
3. the whole `content` as one JSON object, optionally in one ``` fence (llama.cpp
   with a template it cannot parse): {"name": ..., "arguments": ...} or the bare
   arguments. Prose never parses.
A function named after an intent ({"name": "rate", "arguments": {...}}) is read as
that intent; the guards then decide whether the answer may be used at all.
"""
from __future__ import annotations

import json
import re

from intents.errors import LLMRejected as Rejected
from intents.llm.schema import TOOL_NAME
from intents.query import Intent

DEFAULT_MAX_TOKENS = 200
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.S)
_INTENTS = {i.value for i in Intent}


def request_body(model: str, messages: list[dict], tool: dict,
                 max_tokens: int = DEFAULT_MAX_TOKENS) -> dict:
    return {"model": model, "messages": messages, "tools": [tool], "tool_choice": "auto",
            "temperature": 0, "max_tokens": int(max_tokens), "stream": False}


def read_call(reply: dict) -> tuple[dict, str]:
    """(tool arguments, where they were found: 'tool_calls' | 'tags' | 'content')."""
    choice = _first_choice(reply)
    message = choice.get("message")
    if not isinstance(message, dict):
        raise Rejected("bad response: no message")
    cut = choice.get("finish_reason") == "length"
    try:
        return _read(message)
    except Rejected as e:
        if cut:
            raise Rejected(f"reply cut at max_tokens ({e})") from None
        raise


def _read(message: dict) -> tuple[dict, str]:
    calls = message.get("tool_calls") or []
    if calls:                              # detected by tool_calls, not finish_reason
        call = calls[0] if isinstance(calls, list) else None
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict):
            raise Rejected("bad response: malformed tool_calls")
        return _named(fn.get("name"), fn.get("arguments")), "tool_calls"
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise Rejected("no tool call (empty reply)")
    tagged = _TAGGED.search(content)
    if tagged:
        obj = _json_object(tagged.group(1), "the <tool_call> tag")
        return _call_object(obj), "tags"
    text = content.strip()
    fence = _FENCE.fullmatch(text)
    obj = _json_object(fence.group(1) if fence else text, None)
    return _call_object(obj), "content"


def _first_choice(reply: dict) -> dict:
    choices = reply.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise Rejected("bad response: no choices")
    return choices[0]


def _json_object(text: str, where: str | None) -> dict:
    try:
        obj = json.loads(text)
    except ValueError:
        if where:
            raise Rejected(f"no tool call ({where} holds no valid JSON)") from None
        raise Rejected("no tool call (the reply was text)") from None
    if not isinstance(obj, dict):
        raise Rejected("no tool call (the reply was JSON but not an object)")
    return obj


def _call_object(obj: dict) -> dict:
    """{"name", "arguments"|"parameters"} or the bare arguments."""
    if "name" in obj and ("arguments" in obj or "parameters" in obj):
        return _named(obj["name"], obj.get("arguments", obj.get("parameters")))
    if set(obj) == {"name"}:                     # {"name": "greet"}: no arguments at all
        return _named(obj["name"], {})
    if "intent" in obj:
        return obj
    raise Rejected("no tool call (the reply was JSON without a parse_request call)")


def _named(name, raw_args) -> dict:
    args = decode_arguments(raw_args)
    if name == TOOL_NAME:
        return args
    if isinstance(name, str) and name.strip().lower() in _INTENTS:
        intent = name.strip().lower()
        said = args.get("intent")
        if said not in (None, intent):
            raise Rejected(f"function {intent!r} called with intent {said!r}")
        return {**args, "intent": intent}
    raise Rejected(f"unexpected tool {str(name)!r}")


def decode_arguments(raw) -> dict:
    """Tool-call arguments: a JSON string per the API (a dict is tolerated)."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        raise Rejected("tool arguments are not a JSON string")
    try:
        args = json.loads(raw)
    except ValueError:
        raise Rejected("tool arguments are not valid JSON") from None
    if not isinstance(args, dict):
        raise Rejected("tool arguments are not a JSON object")
    return args
