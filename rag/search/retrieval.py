"""Hybrid retrieval: which documents (resolution), then which clauses — a lexical leg (BM25) and
a dense leg (Chroma) fused by reciprocal rank, with a prior for the documents the question is
about, the clause it names and the years it asks about."""

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
from rag.search.query import QueryInfo
from rag.search.resolve import DocChoice, DocIndex, ref_matches, resolve
from rag.types import Chunk, Passage

__all__ = ["Retrieval", "Retriever", "ref_matches", "rrf"]

_FOCUS_DOCS = 3  # documents searched on their own as well, so their best clauses are candidates
_DOC_PRIOR = 0.012  # preference for the documents a conversation is about, in RRF units (1/(60+rank) ≈ 0.016)
_CROWD = 5  # a document is searched on its own when its fit stands far above the fifth best:
_STANDS_OUT = 0.35  # a question about one plan, not one of fifty articles of a law that fit alike


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages plus what the resolution decided (used to explain an abstention)."""

    passages: tuple[Passage, ...]
    doc_ids: tuple[str, ...] | None  # the documents the question was restricted to, if any
    problem: str | None = None  # why nothing could match (a number no document carries or mentions)
    docs: DocChoice | None = None


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
        self.doc_index = DocIndex(corpus.metas)

    @property
    def dense_weight(self) -> float:
        if self.settings.dense_weight is not None:
            return self.settings.dense_weight
        return recommended_dense_weight(self.embedder.name) if self.embedder else 0.0

    def resolve(self, info: QueryInfo, doc_filter: Sequence[str] | None = None) -> DocChoice:
        """Which documents the question is about (see rag.search.resolve)."""
        return resolve(info, self.doc_index, doc_filter)

    def retrieve(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None,
                 query_text: str | None = None, prior: Sequence[str] = ()) -> Retrieval:
        """The passages for a question. `prior`: documents the conversation is about (follow-ups)."""
        choice = self.resolve(info, doc_filter)
        if choice.problem:
            return Retrieval((), (), choice.problem, choice)
        docs = list(choice.restricted) if choice.restricted is not None else (
            list(doc_filter) if doc_filter is not None else None)
        text = query_text or (f"{info.text} {info.expanded}" if info.expanded else info.text)
        n = self.settings.candidates
        rankings: list[tuple[Sequence[str], float]] = [
            ([cid for cid, _ in self.lexical.search(text, n, doc_ids=docs)], self.settings.lexical_weight)]
        standing = choice.standing(_CROWD)
        fits = [d for d in choice.top(_FOCUS_DOCS) if standing.get(d, 0.0) >= _STANDS_OUT]
        focus = [d for d in (*prior, *fits) if docs is None or d in docs]
        focus = list(dict.fromkeys(focus))[:_FOCUS_DOCS + len(prior)]
        if focus and docs is None:
            inside = self.lexical.search(text, n, doc_ids=focus)
            rankings.append(([cid for cid, _ in inside], 0.5 * self.settings.lexical_weight))
        weight = self.dense_weight
        if self.embedder is not None and weight > 0:
            vector = self.embedder.encode_query(text)
            rankings.append(([cid for cid, _ in self.store.dense_query(vector, n, docs)], weight))
        fused = rrf(rankings, self.settings.rrf_k)
        known = self.corpus.chunks(fused)
        fused = {cid: score for cid, score in fused.items() if cid in known}
        for cid, chunk in known.items():
            if chunk.doc_id in prior:
                fused[cid] += _DOC_PRIOR
            fused[cid] += self._year_boost(chunk, info.years)
        if info.clause_path:  # "mục II.3 chỉ tiêu (12)": the named clause first
            named_in = docs if docs is not None else (focus or None)
            for chunk in self._named_clauses(text, info.clause_path, named_in):
                fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0
                known[chunk.chunk_id] = chunk
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        if self.reranker is not None and ranked:
            ranked = self._rerank(text, ranked)
        ranked = ranked[: max(k, self.settings.top_k, self.settings.answer_passages)]
        passages = tuple(Passage(known[cid], score, rank) for rank, (cid, score) in enumerate(ranked, start=1))
        return Retrieval(passages, None if docs is None else tuple(docs), None, choice)

    def _named_clauses(self, text: str, path: str, docs: Sequence[str] | None) -> list[Chunk]:
        """Chunks at the clause the question names, found through the path index.

        All of them within named documents; across the whole corpus ('Điều 7' of every law),
        the `candidates` best by the question's words, so the cost does not grow with the corpus.
        """
        if docs is not None:
            return self.corpus.chunks_at_path(path, docs)
        ranked = [cid for cid, _ in self.lexical.search(text, self.settings.candidates, path=path)]
        return list(self.corpus.chunks(ranked).values())

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
