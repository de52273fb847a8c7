"""What a user would otherwise pick, measured in the same run:

- `naive`: a LangChain tutorial RAG — RecursiveCharacterTextSplitter, the same embedding model,
  Chroma, dense retrieval only; its "answer" is the top chunk (no answerer, no abstention).
- `bm25`: plain syllable BM25 (lowercase syllables, no bigrams, no folding) over whole records
  or the same naive chunks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.index.embeddings import Embedder

_SYL = re.compile(r"\w+")


@dataclass(frozen=True)
class Piece:
    doc_id: str
    path: str
    text: str


def naive_pieces(docs: dict[str, str], chunk_size: int = 1000, overlap: int = 200) -> list[Piece]:
    """The tutorial splitter over each document's text."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    pieces = []
    for doc_id, text in docs.items():
        for n, part in enumerate(splitter.split_text(text), start=1):
            pieces.append(Piece(doc_id, f"chunk {n}", part))
    return pieces


class PlainBM25:
    """Syllable BM25 with k1=1.2, b=0.75: the reference a Vietnamese user can build in an afternoon."""

    def __init__(self, pieces: Sequence[Piece]):
        import bm25s

        self.pieces = list(pieces)
        self.model = bm25s.BM25(k1=1.2, b=0.75)
        self.model.index([_SYL.findall(p.text.lower()) for p in self.pieces], show_progress=False)
        self.vocab = self.model.vocab_dict

    def search(self, query: str, k: int) -> list[tuple[Piece, float]]:
        ids = [self.vocab[t] for t in _SYL.findall(query.lower()) if t in self.vocab]
        if not ids:
            return []
        scores = np.asarray(self.model.get_scores_from_ids(ids))
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.pieces[i], float(scores[i])) for i in top if scores[i] > 0]


class NaiveDense:
    """RecursiveCharacterTextSplitter chunks in an in-memory Chroma collection, dense only."""

    def __init__(self, pieces: Sequence[Piece], embedder: Embedder):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.pieces = list(pieces)
        self.embedder = embedder
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.create_collection(f"naive-{uuid.uuid4().hex[:12]}", embedding_function=None)
        # the tutorial embeds raw chunk text with the model's own passage prefix
        vectors = embedder.encode_passages([p.text for p in self.pieces], progress=len(self.pieces) > 500)
        batch = 1000
        for i in range(0, len(self.pieces), batch):
            self.collection.add(ids=[str(j) for j in range(i, min(i + batch, len(self.pieces)))],
                                embeddings=vectors[i:i + batch])

    def search(self, query: str, k: int) -> list[tuple[Piece, float]]:
        got = self.collection.query(query_embeddings=[self.embedder.encode_query(query).tolist()],
                                    n_results=min(k, len(self.pieces)), include=["distances"])
        return [(self.pieces[int(i)], 1.0 - float(d) / 2.0)
                for i, d in zip(got["ids"][0], (got["distances"] or [[]])[0], strict=False)]
