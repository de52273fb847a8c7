"""Whatever the text — markers, tables, agencies, dates in any order — extraction does not fail and
every fact quotes the text at its own span (hypothesis)."""

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
