"""Optional LLM answerer (LangChain chat model, any OpenAI-compatible endpoint).

The model writes the answer from the retrieved passages; the same verification as the
extractive answerer runs on its output: quotes must be verbatim in the cited passage and every
number of the answer must be in a quote. Output that fails is never shown as an answer: the
extractive answer is shown instead, with a visible note saying why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rag.answer.extractive import ExtractiveAnswerer, clause_ref
from rag.answer.prompts import render
from rag.answer.verify import verify
from rag.config import Settings
from rag.search.query import QueryInfo
from rag.types import Answer, Citation, Passage, page_at

PROMPT = "answer_vi.v1"
_QUOTE = re.compile(r"TRÍCH DẪN\s*\[(\d+)\]\s*:\s*«(.+?)»", re.S)
_ANSWER = re.compile(r"TRẢ LỜI\s*:\s*(.+?)(?=\n\s*TRÍCH DẪN|\Z)", re.S)


def make_chat_model(settings: Settings) -> Any:
    """A LangChain chat model for the configured endpoint."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    key = settings.llm_api_key or SecretStr("not-needed")  # local servers (Ollama, llama.cpp) ignore the key
    return ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model or "default", api_key=key,
                      timeout=settings.llm_timeout_s, temperature=0, max_retries=1)


def format_passages(passages: Sequence[Passage], labels: Sequence[str]) -> str:
    return "\n\n".join(f"[{n}] ({label})\n{p.chunk.text}" for n, (p, label) in enumerate(zip(passages, labels, strict=True), 1))


class LLMAnswerer:
    """Writes answers with a chat model, keeps only what the documents support."""

    def __init__(self, extractive: ExtractiveAnswerer, chat_model: Any):
        self.extractive = extractive
        self.chat = chat_model
        self.corpus = extractive.corpus

    def answer(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None) -> Answer:
        found = self.extractive.retriever.retrieve(info, k, doc_filter)
        if found.problem or not found.passages:
            return self.extractive.answer(info, k, doc_filter)
        passages = found.passages[:k]
        labels = [clause_ref(self.corpus.meta(p.chunk.doc_id), p.chunk.path) for p in passages]
        prompt = render(PROMPT, question=info.text, passages=format_passages(passages, labels))
        try:
            reply = str(self.chat.invoke(prompt).content)
        except Exception as exc:  # noqa: BLE001 - any client or network failure is reported, not raised
            return self._fallback(info, k, doc_filter, f"không gọi được mô hình ngôn ngữ ({type(exc).__name__})")
        if reply.strip().upper().startswith("KHÔNG TÌM THẤY"):
            return self.extractive.abstain(found, "Mô hình ngôn ngữ không tìm thấy căn cứ trong các đoạn trích.")
        return self._checked(reply, passages, found.passages) or self._fallback(
            info, k, doc_filter, "câu trả lời của mô hình ngôn ngữ không qua được kiểm tra trích dẫn")

    def _checked(self, reply: str, passages: Sequence[Passage], retrieved: Sequence[Passage]) -> Answer | None:
        match = _ANSWER.search(reply)
        if not match:
            return None
        text = match.group(1).strip()
        citations: list[Citation] = []
        for number, quote in _QUOTE.findall(reply):
            n = int(number)
            if not 1 <= n <= len(passages):
                return None
            chunk = passages[n - 1].chunk
            at = chunk.text.find(quote.strip())
            if at < 0:
                return None  # not verbatim in the passage it cites
            start = chunk.start + at
            end = start + len(quote.strip())
            meta = self.corpus.meta(chunk.doc_id)
            citations.append(Citation(chunk.doc_id, chunk.path, self.corpus.text(chunk.doc_id)[start:end], start, end,
                                      page_at(self.corpus.pages(chunk.doc_id), start), meta.title or ""))
        body = re.sub(r"\[\d+\]", "", text)
        kept, _ = verify(body, citations, self.corpus.text)
        if not kept or len(kept) != len(citations):
            return None
        return Answer(text=text, citations=tuple(kept), abstained=False, passages=tuple(retrieved))

    def _fallback(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None, why: str) -> Answer:
        answer = self.extractive.answer(info, k, doc_filter)
        note = f"(Lưu ý: {why}; hiển thị câu trả lời trích nguyên văn.) "
        return replace(answer, text=note + answer.text, notes=(*answer.notes, why))
