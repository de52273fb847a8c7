"""The assistant: store, lexical index, embedder, retriever and answerer wired once, kept fresh.

Chroma is the system of record; this replica's local index (BM25, chunks and texts on demand)
is derived from it and caught up incrementally when the store's generation moves, so several
stateless replicas can share one Chroma server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rag.answer.extractive import Context, ExtractiveAnswerer
from rag.answer.intent import need_of
from rag.config import Settings
from rag.facts.extract import extract_facts
from rag.facts.register import select
from rag.facts.store import load_facts
from rag.health import STORE_UNAVAILABLE, Health, unavailable_text
from rag.index.chroma import Store
from rag.index.corpus import CorpusView
from rag.index.embeddings import Embedder, make_embedder, make_reranker
from rag.index.lexical import LexicalIndex
from rag.index.local import LocalIndex
from rag.index.remote import StoreRefused, StoreUnavailable
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


@dataclass(frozen=True)
class View:
    """What answers read, as of one snapshot of the local index; swapped whole, never mutated."""

    corpus: CorpusView
    lexical: LexicalIndex
    retriever: Retriever
    answerer: Any


class Assistant:
    """Answers questions over the index in `settings.index_dir` (or a Chroma server).

    With `background=True` (the UI) catching up with the store's writes happens in a thread:
    questions never wait for a sync, they read the last complete view. A question is answered
    only while the store is reachable (see `rag.health`); otherwise it gets a message saying so.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, use_model: bool = True,
                 chat_model: Any = None, background: bool = False):
        self.settings = settings
        self.chat_model = chat_model
        self.background = background
        self.store = Store(settings)
        self.notice: str | None = None
        self.embedder = embedder
        self._use_model = use_model
        self._model_known = embedder is not None or not use_model
        self.reranker, rerank_notice = make_reranker(settings) if use_model else (None, None)
        self._rerank_notice = rerank_notice
        self.local = LocalIndex.for_settings(settings)
        self._seen: tuple[str, int] | None = None
        self._checked = 0.0
        self._behind_since: float | None = None  # when this replica first saw the store ahead of its view
        self._store_generation: int | None = None
        self._outage_noted: float | None = None
        self._catching_up = threading.Lock()
        self._facts: dict[str, list[Fact]] = {}
        self._facts_of: object = None  # the corpus view the register cache was built for
        self._view = self._build()
        self.refresh(force=True)

    @property
    def corpus(self) -> CorpusView:
        return self._view.corpus

    @property
    def lexical(self) -> LexicalIndex:
        return self._view.lexical

    @property
    def retriever(self) -> Retriever:
        return self._view.retriever

    @property
    def answerer(self) -> Any:
        return self._view.answerer

    @property
    def mode(self) -> str:
        return f"lai (BM25 + {self.embedder.name})" if self.embedder else "chỉ từ khóa (BM25)"

    def _know_model(self) -> bool:
        """Load the model that embedded the store's chunks, once the store can say which; True when it just did."""
        if self._model_known:
            return False
        name = self.store.embedding_model
        self._model_known = True
        if name:  # queries must be embedded by the model that embedded the chunks
            wanted = self.settings.model_copy(update={"embedding_model": name, "fallback_embedding_model": None})
            self.embedder, self.notice = make_embedder(wanted)
        else:
            self.notice = ("Chỉ mục chưa có vectơ (lập chỉ mục khi không có mô hình nhúng): chỉ tìm kiếm theo từ khóa "
                           "(BM25).")
        if self._rerank_notice:
            self.notice = f"{self.notice} {self._rerank_notice}".strip() if self.notice else self._rerank_notice
        return True

    def _build(self) -> View:
        corpus = CorpusView.load(self.local, self.settings.cached_texts, self.settings.cached_chunks)
        lexical = LexicalIndex(corpus.source, corpus.remember)  # type: ignore[arg-type]
        retriever = Retriever(self.settings, self.store, corpus, lexical, self.embedder, self.reranker)
        return View(corpus, lexical, retriever, make_answerer(self.settings, retriever, corpus, lexical, self.chat_model))

    def refresh(self, force: bool = False) -> None:
        """Catch up with the store (checked at most every lexical_refresh_s, one small call).

        Only documents written since the last look are re-indexed; the view (corpus, retriever,
        answerer) is then swapped in whole, so a question in flight keeps its snapshot. When the
        store cannot be reached the view stays as it is and the store's health says since when.
        """
        now = time.monotonic()
        if not force and now - self._checked < self.settings.lexical_refresh_s:
            return
        self._checked = now
        try:
            state = self.store.state()
            model_changed = self._know_model()
        except StoreUnavailable as down:
            self._note_outage(down.since)
            return
        self._note_outage(None)
        self._store_generation = state[1]
        if not force and not model_changed and state == self._seen:
            self._behind_since = None
            return
        if self._behind_since is None:
            self._behind_since = time.time()
        if self.background and not force:
            if self._catching_up.acquire(blocking=False):
                threading.Thread(target=self._catch_up, args=(state, True), name="catch-up", daemon=True).start()
            return
        with self._catching_up:
            self._catch_up(state)

    def _catch_up(self, state: tuple[str, int], locked: bool = False) -> None:
        try:
            self.local.sync(self.store, wait=False)  # busy: another process (an ingest) is updating it
            self._seen = state if self.local.state() == state else None
            self._view = self._build()
            if self._seen is not None:
                self._behind_since = None
        except StoreUnavailable as down:  # the view stays; the health view says the store is down
            self._note_outage(down.since)
        finally:
            if locked:
                self._catching_up.release()

    def _note_outage(self, since: float | None) -> None:
        """Record outages in the local index (for `python -m rag docs` on this machine), on changes only."""
        if since != self._outage_noted:
            self._outage_noted = since
            self.local.note_outage(since)

    def health(self) -> Health:
        """The store's reachability and how far this replica's view lags it (see `rag.health`)."""
        lagging = self._behind_since is not None and time.time() - self._behind_since >= self.settings.stale_after_s
        return Health(self.store.health, self.store.remote, self.local.state()[1], self._store_generation,
                      self._behind_since if lagging else None, self.local.synced_at(), None, time.time())

    def _unavailable(self, down: StoreUnavailable | None = None) -> Answer | None:
        """The answer a question gets while the store cannot be read (None while it can)."""
        if down is None:
            health = self.store.health
            if health.up:
                return None
            kind = StoreRefused if health.refused else StoreUnavailable
            down = kind(health.where, health.reason, health.since)
        return Answer(text=unavailable_text(down), citations=(), abstained=True, notes=(STORE_UNAVAILABLE,))

    def ask(self, question: str, k: int | None = None, doc_filter: Sequence[str] | None = None) -> Answer:
        """Answer one question (extractive, verified), or say the store cannot be read."""
        self.refresh()
        view = self._view
        try:
            return self._unavailable() or view.answerer.answer(
                analyze(question, view.corpus.places), k or self.settings.top_k, doc_filter)
        except StoreUnavailable as down:
            return self._unavailable(down)  # type: ignore[return-value]

    def converse(self, question: str, previous: Turn | None = None, k: int | None = None,
                 doc_filter: Sequence[str] | None = None) -> tuple[Answer, Turn]:
        """Answer one turn of a chat: a follow-up is read in the light of the previous turn — it
        inherits its documents and, when it says little of its own, its topic and the kind of
        answer it asked for."""
        self.refresh()
        view = self._view
        context = None
        resolved = question
        if previous is not None and leans_on_previous(question):
            own = analyze(question, view.corpus.places)
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
        info = analyze(resolved, view.corpus.places)
        try:
            answer = self._unavailable() or self._answer(view, info, k or self.settings.top_k, doc_filter, context)
        except StoreUnavailable as down:
            answer = self._unavailable(down)  # type: ignore[assignment]
        docs = tuple(dict.fromkeys(c.doc_id for c in answer.citations)) or (
            tuple(dict.fromkeys(p.chunk.doc_id for p in answer.passages[:1])))
        topic = (previous.topic or previous.resolved) if context is not None and previous is not None else resolved
        return answer, Turn(question=question, resolved=resolved, doc_ids=docs, terms=info.terms,
                            answer="" if answer.abstained else answer.text.split(" — ", 1)[0][:80], topic=topic)

    @staticmethod
    def _answer(view: View, info: QueryInfo, k: int, doc_filter: Sequence[str] | None,
                context: Context | None) -> Answer:
        if isinstance(view.answerer, ExtractiveAnswerer):
            return view.answerer.answer(info, k, doc_filter, context)
        return view.answerer.answer(info, k, doc_filter)  # type: ignore[no-any-return]

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
            try:
                stored = load_facts(self.store)
            except StoreUnavailable:  # the same extraction, from this replica's copy (the banner gives its age)
                stored = {}
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
