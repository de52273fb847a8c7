"""Facts of a text written in the test: normalized, parsed and extracted as ingest does."""

from __future__ import annotations

import hashlib

import pytest

from rag.config import Settings
from rag.facts.extract import extract_facts
from rag.ingest.normalize import normalize_text
from rag.ingest.pipeline import parse_document
from rag.types import Fact, SourceDoc

HEAD = ("ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI\n\nSố: 12/KH-UBND\n\nĐồng Nai, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\n\n"
        "Triển khai nhiệm vụ năm 2025\n\n")


def extract_text(raw: str) -> tuple[str, list[Fact]]:
    text = normalize_text(raw)
    doc = SourceDoc("t.txt", "t.txt", text, (), hashlib.sha256(text.encode()).hexdigest())
    settings = Settings(embedding_model="none", _env_file=None)  # type: ignore[call-arg]
    meta, chunks = parse_document(doc, settings)
    return text, extract_facts(doc.doc_id, text, chunks, meta=meta)


@pytest.fixture
def facts_of():
    """facts_of(body) → (text, facts) of a plan whose body is `body` (the header is added)."""
    def run(body: str, head: str = HEAD) -> tuple[str, list[Fact]]:
        return extract_text(head + body)
    return run
