"""BM25 over Vietnamese syllables, syllable bigrams and accent-folded forms.

Tokens are ours (`document_tokens`, `query_tokens`); scoring and storage are tantivy's (Lucene's
BM25, k1 = 1.2, b = 0.75) inside the replica's local index (`rag.index.local`), which is updated
incrementally from the store and memory-mapped rather than held in RAM.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from rag.text import has_diacritics, match_key, strip_accents
from rag.types import Chunk

if TYPE_CHECKING:
    from rag.index.local import Snapshot

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def syllables(text: str) -> list[str]:
    """Lowercase syllables with one tone-mark convention; numbers kept whole ('7,5', '43.000')."""
    return _TOKEN.findall(match_key(text))


@lru_cache(maxsize=200_000)
def _folded(syllable: str) -> str:
    # a corpus has a few thousand distinct syllables: fold each once, not at every occurrence
    return strip_accents(syllable)


def _tokens(syl: list[str]) -> list[str]:
    folded = [_folded(s) for s in syl]
    tokens = [f"w:{s}" for s in syl] + [f"b:{a}_{b}" for a, b in zip(syl, syl[1:], strict=False)]
    tokens += [f"f:{s}" for s in folded] + [f"g:{a}_{b}" for a, b in zip(folded, folded[1:], strict=False)]
    return tokens


def document_tokens(text: str) -> list[str]:
    """Index-side tokens: exact syllables and bigrams, plus their accent-folded forms."""
    return _tokens(syllables(text))


def body_tokens(text: str) -> set[str]:
    """The syllables (exact and folded) a clause's own text holds: what `idf` counts."""
    syl = syllables(text)
    return {f"w:{s}" for s in syl} | {f"f:{_folded(s)}" for s in syl}


@lru_cache(maxsize=20_000)
def _heading_syllables(breadcrumb: str) -> tuple[str, ...]:
    return tuple(syllables(breadcrumb))  # the chunks of one article share it: split it once


def chunk_tokens(chunk: Chunk) -> tuple[list[str], set[str]]:
    """(`document_tokens(index_text(chunk))`, `body_tokens(chunk.text)`), splitting the text once."""
    syl = syllables(chunk.text)
    both = [*_heading_syllables(chunk.breadcrumb), *syl]
    return _tokens(both), {f"w:{s}" for s in syl} | {f"f:{_folded(s)}" for s in syl}


def query_tokens(text: str) -> list[str]:
    """Query-side tokens: exact forms when the query has diacritics, folded forms when it has none."""
    syl = syllables(text)
    if has_diacritics(text):
        return [f"w:{s}" for s in syl] + [f"b:{a}_{b}" for a, b in zip(syl, syl[1:], strict=False)]
    return [f"f:{s}" for s in syl] + [f"g:{a}_{b}" for a, b in zip(syl, syl[1:], strict=False)]


def index_text(chunk: Chunk) -> str:
    """What BM25 sees of a chunk: its section headings and its text."""
    return f"{chunk.breadcrumb}\n{chunk.text}"


class LexicalIndex:
    """BM25 search and term weights over one snapshot of the local index."""

    def __init__(self, snapshot: Snapshot, remember: Callable[[Iterable[Chunk]], None] | None = None):
        self.snapshot = snapshot
        self.remember = remember  # hands the chunks a search read to the corpus view's cache
        self._idf: dict[str, float] = {}  # the answerer weighs every term of every unit: ask the index once

    def idf(self, token: str) -> float:
        """Inverse document frequency of an index token ('w:đô', 'f:do'); rare terms weigh more.

        Counted over the clauses' own text, not their headings, so a word of a law's title is
        not made common by appearing in every breadcrumb of that law.
        """
        weight = self._idf.get(token)
        if weight is None:
            n = max(1, self.snapshot.chunk_total)
            df = self.snapshot.doc_freq(token)
            weight = float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))
            if len(self._idf) > 200_000:  # bounded: a long-running replica meets many words
                self._idf.clear()
            self._idf[token] = weight
        return weight

    def search(self, query: str, k: int, allowed: Sequence[str] | None = None,
               doc_ids: Sequence[str] | None = None, path: str | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) with score > 0.

        Optionally restricted to chunk ids (`allowed`), to documents (`doc_ids`), or to the clause
        `path` and the clauses under it; the cost follows the matching postings, not the corpus.
        """
        tokens = query_tokens(query)
        if not tokens or k <= 0 or (allowed is not None and not allowed) or (doc_ids is not None and not doc_ids):
            return []
        hits = self.snapshot.search(tokens, k, allowed, doc_ids, path)
        if self.remember is not None:
            self.remember(chunk for chunk, _ in hits)
        return [(chunk.chunk_id, score) for chunk, score in hits if score > 0]
