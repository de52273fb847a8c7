"""The assistant: store, lexical index, embedder, retriever and answerer wired once, kept fresh.

Chroma is the system of record; this replica's local index (BM25, chunks and texts on demand)
is derived from it and caught up incrementally when the store's generation moves, so several
stateless replicas can share one Chroma server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from rag.answer.extractive import Context, ExtractiveAnswerer
from rag.answer.intent import need_of
from rag.config import Settings
from rag.facts.extract import extract_facts
from rag.facts.register import select
from rag.facts.store import load_facts
from rag.index.chroma import Store
from rag.index.corpus import CorpusView
from rag.index.embeddings import Embedder, make_embedder, make_reranker
from rag.index.lexical import LexicalIndex
from rag.index.local import LocalIndex
from rag.search.followup import Turn, leans_on_previous, resolve_followup
from rag.search.lookup import lookup
from rag.search.query import QueryInfo, analyze
from rag.search.retrieval import Retriever
from rag.types import Answer, Fact

log = logging.getLogger(__name__)


def make_answerer(settings: Settings, retriever: Retriever, corpus: CorpusView, lexical: Any,
                  chat_model: Any = None) -> ExtractiveAnswerer | Any:
    """The configured answerer: extractive (default), or an LLM whose output is verified the same way."""
    extractive = ExtractiveAnswerer(settings, retriever, corpus, lexical)
    if settings.answerer == "extractive" and chat_model is None:
        return extractive
    if settings.answerer not in ("extractive", "llm"):
        raise ValueError(f"RAG_ANSWERER={settings.answerer!r}: chọn extractive hoặc llm")
    from rag.answer.llm import LLMAnswerer, make_chat_model

    if chat_model is None and not (settings.llm_base_url and settings.llm_model):
        raise ValueError("RAG_ANSWERER=llm cần RAG_LLM_BASE_URL và RAG_LLM_MODEL (ví dụ Ollama: "
                         "http://127.0.0.1:11434/v1 và qwen2.5:7b-instruct)")
    return LLMAnswerer(extractive, chat_model or make_chat_model(settings))


class Assistant:
    """Answers questions over the index in `settings.index_dir` (or a Chroma server)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, use_model: bool = True,
                 chat_model: Any = None):
        self.settings = settings
        self.chat_model = chat_model
        self.store = Store(settings)
        self.notice: str | None = None
        self.embedder = embedder
        if self.embedder is None and use_model and self.store.embedding_model:
            # queries must be embedded by the model that embedded the chunks
            wanted = settings.model_copy(update={"embedding_model": self.store.embedding_model,
                                                 "fallback_embedding_model": None})
            self.embedder, self.notice = make_embedder(wanted)
        elif self.embedder is None and use_model:
            self.notice = "Chỉ mục chưa có vectơ (lập chỉ mục khi không có mô hình nhúng): chỉ tìm kiếm theo từ khóa (BM25)."
        self.reranker, rerank_notice = make_reranker(settings) if use_model else (None, None)
        if rerank_notice:
            self.notice = f"{self.notice} {rerank_notice}".strip() if self.notice else rerank_notice
        self.local = LocalIndex.for_settings(settings)
        self._seen: tuple[str, int] | None = None
        self._checked = 0.0
        self._facts: dict[str, list[Fact]] = {}
        self._facts_of: object = None  # the corpus view the register cache was built for
        self.refresh(force=True)

    @property
    def mode(self) -> str:
        return f"lai (BM25 + {self.embedder.name})" if self.embedder else "chỉ từ khóa (BM25)"

    def refresh(self, force: bool = False) -> None:
        """Catch up with the store (checked at most every lexical_refresh_s, one small call).

        Only documents written since the last look are re-indexed; the view, the retriever and
        the answerer are then swapped in together, so a question in flight keeps its snapshot.
        """
        now = time.monotonic()
        if not force and now - self._checked < self.settings.lexical_refresh_s:
            return
        self._checked = now
        state = self.store.state()
        if not force and state == self._seen:
            return
        self.local.sync(self.store, wait=False)  # busy: another process (an ingest) is updating it
        self._seen = state if self.local.state() == state else None
        corpus = CorpusView.load(self.local, self.settings.cached_texts, self.settings.cached_chunks)
        lexical = LexicalIndex(corpus.source, corpus.remember)  # type: ignore[arg-type]
        retriever = Retriever(self.settings, self.store, corpus, lexical, self.embedder, self.reranker)
        answerer = make_answerer(self.settings, retriever, corpus, lexical, self.chat_model)
        self.corpus, self.lexical, self.retriever, self.answerer = corpus, lexical, retriever, answerer

    def ask(self, question: str, k: int | None = None, doc_filter: Sequence[str] | None = None) -> Answer:
        """Answer one question (extractive, verified)."""
        self.refresh()
        info = analyze(question, self.corpus.places)
        return self.answerer.answer(info, k or self.settings.top_k, doc_filter)

    def converse(self, question: str, previous: Turn | None = None, k: int | None = None,
                 doc_filter: Sequence[str] | None = None) -> tuple[Answer, Turn]:
        """Answer one turn of a chat: a follow-up is read in the light of the previous turn — it
        inherits its documents and, when it says little of its own, its topic and the kind of
        answer it asked for."""
        self.refresh()
        context = None
        resolved = question
        if previous is not None and leans_on_previous(question):
            own = analyze(question, self.corpus.places)
            own_need = need_of(question)
            resolved, terms = question, tuple[str, ...]()
            if len(own.terms) < 4:
                # a short follow-up: 'Còn năm 2023 thì sao?' is the previous question with what changed
                # swapped in; 'còn hạn của nó thì sao?' asks a new kind of fact about the same topic
                swapped = resolve_followup(previous.resolved, question)
                topic = previous.topic or previous.resolved
                resolved = f"{question} ({topic})" if own_need.kinds or swapped == previous.resolved else swapped
                terms = previous.terms
            need = own_need if own_need.kinds else need_of(previous.resolved)
            context = Context(previous.doc_ids, terms, need, previous.answer)
        info = analyze(resolved, self.corpus.places)
        answer = self._answer(info, k or self.settings.top_k, doc_filter, context)
        docs = tuple(dict.fromkeys(c.doc_id for c in answer.citations)) or (
            tuple(dict.fromkeys(p.chunk.doc_id for p in answer.passages[:1])))
        topic = (previous.topic or previous.resolved) if context is not None and previous is not None else resolved
        return answer, Turn(question=question, resolved=resolved, doc_ids=docs, terms=info.terms,
                            answer="" if answer.abstained else answer.text.split(" — ", 1)[0][:80], topic=topic)

    def _answer(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None, context: Context | None) -> Answer:
        if isinstance(self.answerer, ExtractiveAnswerer):
            return self.answerer.answer(info, k, doc_filter, context)
        return self.answerer.answer(info, k, doc_filter)  # type: ignore[no-any-return]

    def lookup(self, reference: str) -> dict[str, Any] | None:
        """Citation lookup: '33/KH-UBND mục IV' → the document and the clause(s)."""
        self.refresh()
        return lookup(reference, self.corpus)

    def facts(self, doc_id: str) -> list[Fact]:
        """Targets, deadlines and responsibilities of one indexed document."""
        return self.registers().get(doc_id, [])

    def register(self, agency: str | None = None, kind: str | Sequence[str] | None = None,
                 due_before: Any = None, doc_ids: Sequence[str] | None = None, period: str | None = None,
                 text: str | None = None, role: str | None = None) -> list[Fact]:
        """The register across documents, filtered: 'Sở Tài chính phải làm những gì, hạn khi nào?' is
        register(agency="Sở Tài chính", kind=("responsibility", "deadline"))."""
        facts = [f for doc_facts in self.registers().values() for f in doc_facts]
        return select(facts, agency=agency, kind=kind, due_before=due_before, doc_ids=doc_ids, period=period,
                      text=text, role=role)

    def registers(self) -> dict[str, list[Fact]]:
        """doc_id → its facts: stored at ingest when fresh, else extracted now (kept until the index changes)."""
        self.refresh()
        if self._facts_of is not self.corpus:  # refresh() swaps in a new view when the store changed
            stored = load_facts(self.store)
            registers = {}
            for doc_id in self.corpus.metas:
                record = stored.get(doc_id)
                if record is not None and record.fresh(self.corpus.record(doc_id).get("sha256")):
                    registers[doc_id] = list(record.facts)
                else:
                    registers[doc_id] = self._extract(doc_id)
            self._facts, self._facts_of = registers, self.corpus
        return self._facts

    def _extract(self, doc_id: str) -> list[Fact]:
        meta = self.corpus.meta(doc_id)
        return extract_facts(doc_id, self.corpus.text(doc_id), self.corpus.chunks_of(doc_id), meta=meta,
                             pages=self.corpus.pages(doc_id))

    def docs_matching(self, number: str) -> list[str]:
        """Document ids whose number starts with the given text ('33' or '33/KH-UBND')."""
        wanted = number.strip().lower()
        return [d for d, m in self.corpus.metas.items() if m.number and m.number.lower().startswith(wanted)]


def answer_record(question: str, answer: Answer, latency_ms: float, corpus: CorpusView, k: int,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The per-question record of the eval contract (also `python -m rag ask --json`)."""
    return {
        **(extra or {}),
        "question": question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {**{k_: v for k_, v in asdict(c).items()}, "title": c.title,
             "document": corpus.meta(c.doc_id).label() if c.doc_id in corpus.metas else c.doc_id}
            for c in answer.citations
        ],
        "passages": [
            {"rank": p.rank, "doc_id": p.chunk.doc_id, "path": p.chunk.path, "score": round(p.score, 6),
             "page": p.chunk.page, "text": p.chunk.text}
            for p in answer.passages[:max(k, 10)]
        ],
        "latency_ms": round(latency_ms, 2),
    }
