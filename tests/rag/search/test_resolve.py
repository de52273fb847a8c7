"""Which document a number in the question names."""

import pytest

from rag.search.query import DocRef, analyze
from rag.search.resolve import ref_matches, ref_mentioned
from rag.types import DocMeta

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("question", [
    "Các bộ gửi báo cáo thực hiện Nghị quyết 66-NQ/TW cho Bộ Tư pháp chậm nhất khi nào?",
    "cac bo gui bao cao thuc hien nghi quyet 66-nq/tw cho bo tu phap cham nhat khi nao",
    "Theo Nghị quyết số 66 - NQ/TW, ai chủ trì?",
])
def test_a_party_number_keeps_its_symbol(question):
    info = analyze(question)
    assert info.doc_refs == (DocRef(66, "nq/tw"),)
    assert not {"nq", "tw", "66"} & {t.lower() for t in info.terms}


def test_the_same_number_with_another_symbol_is_another_document():
    party = analyze("Nghị quyết 66-NQ/TW").doc_refs[0]
    council = analyze("Nghị quyết 66/2025/NQ-HĐND").doc_refs[0]
    assert ref_matches(party, DocMeta(number="66-NQ/TW", doc_type="Nghị quyết"))
    assert not ref_matches(party, DocMeta(number="66/2025/NQ-HĐND", doc_type="Nghị quyết"))
    assert ref_matches(council, DocMeta(number="66/2025/NQ-HĐND", doc_type="Nghị quyết"))
    assert not ref_matches(council, DocMeta(number="66-NQ/TW", doc_type="Nghị quyết"))
    # a plan that implements the resolution mentions it: the question narrows to that plan
    assert ref_mentioned(party, "Thực hiện Nghị quyết số 66-NQ/TW ngày 30/4/2025 của Bộ Chính trị, UBND tỉnh ban hành")
    assert not ref_mentioned(party, "Căn cứ Nghị quyết số 66/2025/NQ-HĐND của Hội đồng nhân dân tỉnh")


def test_a_bare_number_still_names_any_document_of_that_type():
    ref = analyze("Kế hoạch 33 có những chỉ tiêu nào?").doc_refs[0]
    assert ref_matches(ref, DocMeta(number="33/KH-UBND", doc_type="Kế hoạch"))
