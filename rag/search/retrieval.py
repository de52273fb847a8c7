"""Hybrid retrieval: filters from the question, a dense leg (Chroma) and a lexical leg (BM25),
fused by reciprocal-rank fusion, with boosts for a named clause and the question's years."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.config import Settings
from rag.index.chroma import Store
from rag.index.corpus import CorpusView
from rag.index.embeddings import Embedder, recommended_dense_weight
from rag.index.lexical import LexicalIndex
from rag.search.query import DocRef, QueryInfo
from rag.text import strip_accents
from rag.types import Chunk, DocMeta, Passage


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages plus what the filters decided (used to explain an abstention)."""

    passages: tuple[Passage, ...]
    doc_ids: tuple[str, ...] | None  # the documents the question was restricted to, if any
    problem: str | None = None  # why nothing could match (unknown document or place)


def _folded(text: str | None) -> str:
    return strip_accents((text or "").lower())


def ref_matches(ref: DocRef, meta: DocMeta) -> bool:
    """Does document `meta` carry the number the question names?"""
    if not meta.number:
        return False
    head, _, symbol = meta.number.partition("/")
    if not head.isdigit() or int(head) != ref.number:
        return False
    if ref.symbol and _folded(symbol).replace(" ", "") != ref.symbol:
        return False
    return not (ref.doc_type and meta.doc_type and _folded(meta.doc_type) != _folded(ref.doc_type))


def place_matches(place: str, meta: DocMeta) -> bool:
    folded = _folded(place)
    return folded in _folded(meta.place) or folded in _folded(meta.issuer)


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int) -> dict[str, float]:
    """Reciprocal-rank fusion of several rankings, each with a weight."""
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank)
    return fused


class Retriever:
    """Finds the passages that may answer a question."""

    def __init__(self, settings: Settings, store: Store, corpus: CorpusView, lexical: LexicalIndex,
                 embedder: Embedder | None, reranker: Any = None):
        self.settings, self.store, self.corpus, self.lexical, self.embedder = settings, store, corpus, lexical, embedder
        self.reranker = reranker

    @property
    def dense_weight(self) -> float:
        if self.settings.dense_weight is not None:
            return self.settings.dense_weight
        return recommended_dense_weight(self.embedder.name) if self.embedder else 0.0

    def restrict(self, info: QueryInfo, doc_filter: Sequence[str] | None = None) -> tuple[list[str] | None, str | None]:
        """The documents a question is about (None: all) and, when none fit, why."""
        docs = list(doc_filter) if doc_filter else None
        if info.doc_refs:
            named = [d for d, m in self.corpus.metas.items() if any(ref_matches(r, m) for r in info.doc_refs)]
            if not named:
                refs = ", ".join(f"{r.doc_type or ''} {r.number}{'/' + r.symbol.upper() if r.symbol else ''}".strip()
                                 for r in info.doc_refs)
                return [], f"Không có văn bản số {refs} trong các văn bản đã lập chỉ mục."
            docs = [d for d in named if docs is None or d in docs]
        placed_index = any(m.place for m in self.corpus.metas.values())
        if info.places and info.kind != "comparison" and placed_index:
            pool = docs if docs is not None else list(self.corpus.metas)
            placed = [d for d in pool if any(place_matches(p, self.corpus.meta(d)) for p in info.places)]
            if not placed:
                return [], f"Không có văn bản nào của {', '.join(info.places)} trong các văn bản đã lập chỉ mục."
            docs = placed
        return docs, None

    def retrieve(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None,
                 query_text: str | None = None) -> Retrieval:
        docs, problem = self.restrict(info, doc_filter)
        if problem:
            return Retrieval((), tuple(docs or ()), problem)
        text = query_text or info.text
        allowed = None if docs is None else self.corpus.chunk_ids_of(docs)
        n = self.settings.candidates
        lexical = [cid for cid, _ in self.lexical.search(text, n, allowed)]
        rankings: list[tuple[Sequence[str], float]] = [(lexical, self.settings.lexical_weight)]
        weight = self.dense_weight
        if self.embedder is not None and weight > 0:
            vector = self.embedder.encode_query(text)
            dense = [cid for cid, _ in self.store.dense_query(vector, n, docs)]
            rankings.append((dense, weight))
        fused = rrf(rankings, self.settings.rrf_k)
        known = self.corpus.chunks(fused)
        fused = {cid: score for cid, score in fused.items() if cid in known}
        if info.clause_path:  # "mục II.3 chỉ tiêu (12)": the named clause first
            for chunk in self.corpus.iter_chunks(docs):
                if chunk.path == info.clause_path or chunk.path.startswith(info.clause_path + "."):
                    fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0
                    known[chunk.chunk_id] = chunk
        for cid in list(fused):
            fused[cid] += self._year_boost(known[cid], info.years)
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        if self.reranker is not None and ranked:
            ranked = self._rerank(text, ranked)
        ranked = ranked[: max(k, self.settings.top_k, 10)]
        passages = tuple(Passage(known[cid], score, rank)
                         for rank, (cid, score) in enumerate(ranked, start=1))
        return Retrieval(passages, None if docs is None else tuple(docs))

    def _rerank(self, query: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Re-order the head of the fused list with the cross-encoder; the tail keeps its order."""
        head = ranked[: self.settings.rerank_candidates]
        chunks = list(self.corpus.chunks(cid for cid, _ in head).values())
        scores = self.reranker.predict([(query, f"{c.breadcrumb}\n{c.text}") for c in chunks])
        order = sorted(range(len(head)), key=lambda i: -float(scores[i]))
        return [(head[i][0], float(scores[i])) for i in order] + ranked[len(head):]

    def _year_boost(self, chunk: Chunk, years: Sequence[str]) -> float:
        """Prefer clauses and documents that speak of the years the question names."""
        if not years:
            return 0.0
        title = self.corpus.meta(chunk.doc_id).title or ""
        boost = 0.0
        for year in years:
            if re.search(rf"năm {year}\b", chunk.text):
                boost += 0.004
            elif re.search(rf"năm {year}\b", title) or re.search(rf"năm {year}\b", chunk.breadcrumb):
                boost += 0.003
            elif year in chunk.text or year in title:
                boost += 0.001
        return boost
