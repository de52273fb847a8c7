"""The register stored with the index: one record per document in Chroma (the system of record),
written at ingest, so building the register of a library is a read, not a re-extraction.

A stored register is used only while it is fresh: same document (sha256) and same extractor
(EXTRACTOR_VERSION). Anything else is recomputed from the document — extraction is a pure
function of the parsed document — so a stale or missing record is never wrong, only slower.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from rag.facts.extract import EXTRACTOR_VERSION, extract_facts
from rag.types import Chunk, DocMeta, Fact, SourceDoc

_FIELDS = {f.name for f in fields(Fact)}


@dataclass(frozen=True)
class StoredFacts:
    """A document's register as stored: for which content and extractor it was computed."""

    sha256: str
    version: str
    facts: tuple[Fact, ...]

    def fresh(self, sha256: str | None) -> bool:
        return self.version == EXTRACTOR_VERSION and bool(sha256) and self.sha256 == sha256


def facts_to_json(facts: Iterable[Fact]) -> str:
    return json.dumps([asdict(f) for f in facts], ensure_ascii=False, separators=(",", ":"))


def facts_from_json(data: str) -> list[Fact]:
    """Facts from their JSON; fields a newer or older extractor wrote are dropped, missing ones defaulted."""
    return [Fact(**{k: v for k, v in record.items() if k in _FIELDS}) for record in json.loads(data or "[]")]


def save_facts(store: Any, doc_id: str, sha256: str, facts: Sequence[Fact]) -> None:
    """Write (or replace) one document's register."""
    store.facts_collection().upsert(
        ids=[doc_id], documents=[facts_to_json(facts)], embeddings=np.zeros((1, 1), dtype=np.float32),
        metadatas=[{"sha256": sha256, "version": EXTRACTOR_VERSION, "n_facts": len(facts)}])


def load_facts(store: Any, doc_ids: Sequence[str] | None = None, page_size: int = 200) -> dict[str, StoredFacts]:
    """Stored registers by document id (all of them, or those of `doc_ids`), paged."""
    collection = store.facts_collection()
    out: dict[str, StoredFacts] = {}
    offset = 0
    while True:
        if doc_ids is not None:
            got = collection.get(ids=list(doc_ids)[offset:offset + page_size], include=["documents", "metadatas"])
        else:
            got = collection.get(include=["documents", "metadatas"], limit=page_size, offset=offset)
        ids = got["ids"]
        if not ids:
            return out
        for doc_id, data, meta in zip(ids, got["documents"] or [], got["metadatas"] or [], strict=False):
            meta = dict(meta or {})
            out[doc_id] = StoredFacts(str(meta.get("sha256", "")), str(meta.get("version", "")),
                                      tuple(facts_from_json(data or "[]")))
        offset += page_size
        if doc_ids is not None and offset >= len(doc_ids):
            return out


def record_facts(store: Any, doc: SourceDoc, meta: DocMeta, chunks: Sequence[Chunk]) -> list[Fact]:
    """Extract a document's register and store it beside the document (the ingest step)."""
    facts = extract_facts(doc.doc_id, doc.text, chunks, meta=meta, pages=doc.pages)
    save_facts(store, doc.doc_id, doc.sha256, facts)
    return facts
