"""A scripted LangChain chat model for the LLM answerer's tests (no network, no model).

Replies are fixed text, as from FakeListChatModel; they may name a passage by what it holds, so a
suite does not depend on the retriever's order: in a reply, `[A]` becomes `[n]` where passage n of
the prompt holds snippet A, and `[!A]` becomes the first passage that does not hold it.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel

_FENCE = re.compile(r"<<<ĐOẠN (\d+): [^\n]*>>>\n(.*?)\n<<<HẾT ĐOẠN \1>>>", re.S)


def passages_of(prompt: str) -> dict[int, str]:
    """The fenced passages of a prompt, by number."""
    return {int(m.group(1)): m.group(2) for m in _FENCE.finditer(prompt)}


def resolve(reply: str, prompt: str, snippets: dict[str, str]) -> str:
    """Replace [A] / [!A] by passage numbers of this prompt."""
    passages = passages_of(prompt)

    def number(match: re.Match[str]) -> str:
        negate, name = match.group(1), match.group(2)
        snippet = snippets[name]
        holding = [n for n, text in passages.items() if snippet in text]
        others = [n for n in passages if n not in holding]
        chosen = others if negate else holding
        assert chosen, f"no passage {'without' if negate else 'with'} {snippet!r} in the prompt: {list(passages)}"
        return f"[{chosen[0]}]"

    return re.sub(r"\[(!?)([A-Z])\]", number, reply)


class ScriptedChat(FakeListChatModel):
    """FakeListChatModel that resolves passage names against the prompt it receives, and keeps the prompts."""

    snippets: dict[str, str] = {}
    prompts: list[str] = []

    def _call(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
        prompt = str(messages[-1].content)
        self.prompts.append(prompt)
        return resolve(super()._call(messages, stop, run_manager, **kwargs), prompt, self.snippets)
