"""Term similarity from a static embedding model: soft matching for paraphrases.

A static model (sentence-transformers `StaticEmbedding`, such as models/vi-legal-static) is a
table of piece vectors, so a term's vector is a lookup, not a model run: cheap enough for the
answer gate to ask "does the clause say 'thời hạn' when the question says 'hạn chót'?" for
every candidate sentence. Pure given the tokenizer and the table.

    terms = TermVectors.from_embedder(embedder)     # None when the model is not static
    terms.similarity("hạn chót", "thời hạn")        # cosine in [-1, 1]
    terms.similar_terms("chủ trì", k=5)             # [("chu tri", 0.83), ("phối hợp", 0.61), …]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.text import strip_accents

_SPACE = "\u2581"


class TermVectors:
    """Vectors of the model's vocabulary pieces, looked up by term text."""

    def __init__(self, tokenizer: Any, weights: np.ndarray):
        self.tokenizer = tokenizer
        norms = np.linalg.norm(weights, axis=1, keepdims=True)
        self.unit = (weights / np.maximum(norms, 1e-9)).astype(np.float32)
        self.known = norms[:, 0] > 0  # <unk> and unused rows are zero
        self.pieces = [tokenizer.id_to_token(i) or "" for i in range(weights.shape[0])]

    @classmethod
    def from_embedder(cls, embedder: Any) -> TermVectors | None:
        """The term table of a loaded Embedder (rag.index.embeddings), or None if it is not static."""
        module = embedder.model[0] if embedder is not None else None
        bag = getattr(module, "embedding", None)
        tokenizer = getattr(module, "tokenizer", None)
        if bag is None or tokenizer is None or not hasattr(bag, "weight"):
            return None
        return cls(tokenizer, bag.weight.detach().cpu().numpy())

    def vector(self, term: str) -> np.ndarray | None:
        """Unit vector of a term (mean of its known pieces), or None when no piece is known."""
        ids = [i for i in self.tokenizer.encode(term, add_special_tokens=False).ids if self.known[i]]
        if not ids:
            return None
        mean = self.unit[ids].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two terms; 0.0 when either has no known piece."""
        va, vb = self.vector(a), self.vector(b)
        return float(va @ vb) if va is not None and vb is not None else 0.0

    def similar_terms(self, term: str, k: int = 10) -> list[tuple[str, float]]:
        """The k vocabulary pieces nearest to `term` (as text, with their cosine), the term's
        own spellings (accent-folded, other tone placement) left out."""
        query = self.vector(term)
        if query is None:
            return []
        scores = self.unit @ query
        own = strip_accents(" ".join(term.lower().split()))
        out: list[tuple[str, float]] = []
        for i in np.argsort(-scores):
            text = self.pieces[i].replace(_SPACE, " ").strip()
            if not self.known[i] or not text or strip_accents(text) == own:
                continue
            if any(strip_accents(text) == strip_accents(t) for t, _ in out):
                continue
            out.append((text, round(float(scores[i]), 4)))
            if len(out) == k:
                break
        return out
