"""The bare FastAPI app bench/bench_http_compare.py measures chatrec's POST /chat
against (`--against bare`): the same framework, uvicorn and h11 protocol, a pydantic
request model like chatrec's, and a JSON answer of the same shape carrying a session
id (bench/chat.lua continues conversations with it), but no turn behind it. The
ratio of the two says what chatrec costs above the stack.

    python -m uvicorn bare_app:app --app-dir bench --port 8001
"""
from __future__ import annotations

import secrets

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class ChatRequest(BaseModel):
    message: str
    session_id: str | None = None


@app.post("/chat")
async def chat(body: ChatRequest) -> dict:
    sid = body.session_id or secrets.token_urlsafe(16)
    return {"session_id": sid, "reply": "ok", "query": {"intent": "greet"}, "items": []}


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}
