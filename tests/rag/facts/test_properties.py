"""Whatever the text — markers, tables, agencies, dates in any order — extraction does not fail and
every fact quotes the text at its own span (hypothesis)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rag.facts.conftest import extract_text

pytestmark = pytest.mark.unit

PIECES = [
    "I. NHIỆM VỤ\n\n", "1. Sở Tài chính\n\n", "a) Chủ trì, phối hợp với Sở Y tế rà soát;", "- Phối hợp thực hiện.",
    "Giao UBND các xã, phường triển khai", " trước ngày 31/12/2025", " hoàn thành trong quý I năm 2026.",
    " đạt tối thiểu 80%", "(2) Tỷ lệ đô thị hóa đạt 76%.", "|\n", "**Cơ quan chủ trì**\n", "Nơi nhận:\n- Lưu: VT.\n",
    "PHỤ LỤC\n", "| Nhiệm vụ | Cơ quan chủ trì | Thời gian |\n", "| Rà soát | Sở Nội vụ | Tháng 12/2025 |\n",
    "các Tập đoàn: Điện lực Việt Nam, ", "định kỳ 6 tháng", "; ", ", ", "\n\n", "Thời gian hoàn thành: ", "(", ")",
    "Hằng năm, trước ngày 20 tháng 12,", " Bộ Công an: (1) xây dựng; (2) ban hành", "2/3 số hộ", "**",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30))
def test_extraction_never_fails_and_quotes_its_span(pieces):
    text, facts = extract_text("".join(pieces))
    for fact in facts:
        assert text[fact.start:fact.end] == fact.quote
        assert fact.kind in ("target", "deadline", "responsibility")
        assert fact.agency is None or (0 < len(fact.agency) < 120)
        assert fact.role in (None, "chủ trì", "phối hợp", "thực hiện")


_ROOT = Path(__file__).resolve().parents[3]
# ../shared/data beside the project (or beside the folder of worktrees holding it)
DIRECTIVES = next((p / "shared" / "data" / "directives_vn" for p in (_ROOT.parent, _ROOT.parent.parent)
                   if (p / "shared" / "data" / "directives_vn").is_dir()), _ROOT.parent / "shared" / "data" / "directives_vn")


@pytest.mark.slow
@pytest.mark.skipif(not DIRECTIVES.is_dir(), reason="the crawled directives (../shared/data) are not on this machine")
def test_every_crawled_document_is_read_without_failing():
    """Extraction runs at ingest: one document it cannot read would stop the whole ingest (~1 min)."""
    from rag.config import Settings
    from rag.facts.extract import extract_facts
    from rag.ingest.loaders import load_document
    from rag.ingest.pipeline import parse_document

    config = Settings(embedding_model="none", _env_file=None)  # type: ignore[call-arg]
    for path in sorted(DIRECTIVES.glob("*.md")):
        doc = load_document(path, config, DIRECTIVES)
        meta, chunks = parse_document(doc, config)
        for fact in extract_facts(doc.doc_id, doc.text, chunks, meta=meta, pages=doc.pages):
            assert doc.text[fact.start:fact.end] == fact.quote, path.name
