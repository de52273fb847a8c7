"""BM25 (bm25s) over Vietnamese syllables, syllable bigrams and accent-folded forms.

The index is derived from the store: it is rebuilt (and cached on disk) whenever the
store's fingerprint changes, so replicas sharing one Chroma server stay consistent.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rag.text import has_diacritics, match_key, strip_accents
from rag.types import Chunk

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def syllables(text: str) -> list[str]:
    """Lowercase syllables with one tone-mark convention; numbers kept whole ('7,5', '43.000')."""
    return _TOKEN.findall(match_key(text))


def document_tokens(text: str) -> list[str]:
    """Index-side tokens: exact syllables and bigrams, plus their accent-folded forms."""
    syl = syllables(text)
    folded = [strip_accents(s) for s in syl]
    tokens = [f"w:{s}" for s in syl] + [f"b:{a}_{b}" for a, b in zip(syl, syl[1:], strict=False)]
    tokens += [f"f:{s}" for s in folded] + [f"g:{a}_{b}" for a, b in zip(folded, folded[1:], strict=False)]
    return tokens


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
    """BM25 over a fixed list of chunk ids."""

    def __init__(self, ids: list[str], vocab: dict[str, int], model: object, df: dict[str, int] | None = None):
        self.ids = ids
        self.vocab = vocab
        self.model = model
        self.df = df or {}
        self.position = {cid: i for i, cid in enumerate(ids)}

    def idf(self, token: str) -> float:
        """Inverse document frequency of an index token ('w:đô', 'f:do'); rare terms weigh more."""
        n = max(1, len(self.ids))
        return float(np.log(1.0 + (n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5)))

    @classmethod
    def build(cls, chunks: Iterable[Chunk], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        import bm25s

        ids: list[str] = []
        vocab: dict[str, int] = {}
        df: dict[str, int] = {}
        corpus_ids: list[list[int]] = []
        for chunk in chunks:
            ids.append(chunk.chunk_id)
            tokens = document_tokens(index_text(chunk))
            corpus_ids.append([vocab.setdefault(t, len(vocab)) for t in tokens])
            for token in set(document_tokens(chunk.text)):  # IDF of what clauses say, not their headings
                if token[0] in "wf":
                    df[token] = df.get(token, 0) + 1
        model = bm25s.BM25(k1=k1, b=b)
        if ids:
            model.index((corpus_ids, vocab), show_progress=False)
        return cls(ids, vocab, model, df)

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query (0 where masked out)."""
        token_ids = [self.vocab[t] for t in query_tokens(query) if t in self.vocab]
        if not self.ids or not token_ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        scores = np.asarray(self.model.get_scores_from_ids(token_ids), dtype=np.float32)  # type: ignore[attr-defined]
        return scores * mask if mask is not None else scores

    def search(self, query: str, k: int, allowed: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) with score > 0, optionally restricted to allowed chunk ids."""
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=np.float32)
            mask[[self.position[c] for c in allowed if c in self.position]] = 1.0
        scores = self.scores(query, mask)
        if not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # ------------------------------------------------------------ disk cache
    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.model.save(str(tmp / "bm25"))  # type: ignore[attr-defined]
        (tmp / "ids.json").write_text(json.dumps({"ids": self.ids, "vocab": self.vocab, "df": self.df}))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        import bm25s

        meta = folder / "ids.json"
        if not meta.exists():
            return None
        data = json.loads(meta.read_text())
        model = bm25s.BM25.load(str(folder / "bm25")) if data["ids"] else bm25s.BM25()
        return cls(data["ids"], data["vocab"], model, data.get("df", {}))
