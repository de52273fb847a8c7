"""Citation lookup: '33/KH-UBND mục IV', 'Chỉ thị 11 mục 3', 'Luật … Điều 5 khoản 2'."""

from __future__ import annotations

from typing import Any

from rag.index.corpus import CorpusView
from rag.ingest.header import parse_meta_and_layout
from rag.ingest.structure import iter_clauses, parse_clauses
from rag.search.query import analyze
from rag.search.retrieval import ref_matches
from rag.types import Clause


def clause_tree(text: str) -> list[Clause]:
    """The clause tree of a normalized document."""
    _, layout = parse_meta_and_layout(text)
    return parse_clauses(text, layout.body_start, layout.body_end)


def _bare_path(reference: str) -> str | None:
    """A clause path typed without 'mục' ('33/KH-UBND IV.2.a')."""
    tail = reference.strip().split()[-1] if reference.strip() else ""
    if tail and tail[0] in "IVXL" and all(ch.isalnum() or ch in ".()đ" for ch in tail):
        return tail
    return None


def lookup(reference: str, corpus: CorpusView) -> dict[str, Any] | None:
    """{"document": {...}, "clauses": [{"path", "heading", "text"}]} or None when no document matches."""
    info = analyze(reference)
    docs = [d for d, m in corpus.metas.items() if any(ref_matches(r, m) for r in info.doc_refs)]
    if not docs:
        return None
    doc_id = docs[0]
    text, meta = corpus.text(doc_id), corpus.meta(doc_id)
    clauses = iter_clauses(clause_tree(text))
    wanted = info.clause_path or _bare_path(reference)
    if wanted:
        chosen = [c for c in clauses if c.path == wanted] or [c for c in clauses if c.path.startswith(wanted + ".")]
    else:
        chosen = [c for c in clauses if "." not in c.path or c.level in ("article",)][:200]
    record = corpus.record(doc_id)
    return {
        "document": {"doc_id": doc_id, "source": record.get("source"), **{
            k: getattr(meta, k) for k in ("number", "doc_type", "issuer", "place", "issued_on", "issued_text",
                                          "title", "signer")}},
        "clauses": [{"path": c.path, "heading": c.heading, "text": text[c.start:c.end].strip()} for c in chosen],
        "outline": [{"path": c.path, "heading": c.heading} for c in clauses],
    }
