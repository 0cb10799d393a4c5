"""What a parser may know about the conversation so far, as plain data (the service
builds it from its session; intents never imports chatrec): the films of the last list
in order, an open "did you mean" question, and the film just talked about. The rule
parser does not need it (it reports positions and the service resolves them); the LLM
parser puts it in the prompt so "the second one" and "yes, that one" can be read.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 20


@dataclass(frozen=True)
class ConversationContext:
    shown: tuple[str, ...] = ()        # display titles of the last list, in order
    candidates: tuple[str, ...] = ()   # the open "did you mean" choices, in order
    focus: str | None = None           # the film just talked about ("it")

    @property
    def empty(self) -> bool:
        return not (self.shown or self.candidates or self.focus)

    def describe(self) -> str:
        """The context as the LLM reads it (a second system message)."""
        lines = []
        if self.shown:
            lines.append("The last list shown: " + "; ".join(
                f"{n}. {t}" for n, t in enumerate(self.shown[:MAX_SHOWN], 1)) + ".")
        if self.candidates:
            lines.append('Open question "did you mean": ' + "; ".join(
                f"{n}. {t}" for n, t in enumerate(self.candidates, 1))
                + ". An answer to it is intent choose with ref = the chosen number.")
        if self.focus:
            lines.append(f"The film just talked about (it, that one): {self.focus}.")
        return "\n".join(lines)
