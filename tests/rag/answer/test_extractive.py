"""Each answer type over corpus/, abstention, and the verification rules."""

from dataclasses import replace

import pytest

from rag.answer.verify import quote_is_verbatim, unsupported_numbers, verify
from rag.text import contract_normalize as norm
from rag.types import Citation

pytestmark = pytest.mark.integration


def _says(answer, *needles):
    assert not answer.abstained, answer.text
    for needle in needles:
        assert norm(needle) in norm(answer.text), answer.text


def _quotes_verbatim(assistant, answer):
    assert answer.citations
    for c in answer.citations:
        assert assistant.corpus.text(c.doc_id)[c.start:c.end] == c.quote


def test_target_leads_with_the_fact_and_cites_the_clause(assistant):
    answer = assistant.ask("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?")
    _says(answer, "76%")
    assert answer.text.startswith("Tỷ lệ đô thị hóa đạt 76%") and len(answer.text) <= 400
    assert answer.citations[0].path == "II.3.(8)" and "Tỷ lệ đô thị hóa đạt 76%" in answer.citations[0].quote
    _quotes_verbatim(assistant, answer)


def test_deadline(assistant):
    answer = assistant.ask("Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là khi nào?")
    _says(answer, "trước ngày 31 tháng 3 năm 2024")
    assert answer.text.lower().startswith("trước ngày 31 tháng 3 năm 2024")
    assert answer.citations[0].path == "IV.2.a"
    _quotes_verbatim(assistant, answer)


def test_responsibility_takes_the_agency_from_the_clause_heading(assistant):
    answer = assistant.ask("Cơ quan nào chủ trì tổng hợp, theo dõi, đôn đốc việc triển khai đợt thi đua cao điểm?")
    _says(answer, "Sở Nội vụ")
    assert any("Sở Nội vụ (Ban Thi đua - Khen thưởng)" in c.quote for c in answer.citations)
    assert any(c.path == "IV.1.a" for c in answer.citations)
    _quotes_verbatim(assistant, answer)


def test_signer_and_issue_date(assistant):
    signer = assistant.ask("Ai ký Chỉ thị 02/CT-UBND?")
    _says(signer, "Nguyễn Văn Tùng")
    assert signer.passages[0].chunk.doc_id == signer.citations[0].doc_id
    issued = assistant.ask("Kế hoạch 33/KH-UBND được ban hành ngày nào?")
    _says(issued, "ngày 21 tháng 02 năm 2024")
    assert issued.citations[0].quote == "Cần Thơ, ngày 21 tháng 02 năm 2024"


def test_news_article_answers_from_its_body(assistant):
    _says(assistant.ask("Tỷ lệ hộ nghèo năm 2023 theo Chỉ thị 10/CT-UBND còn bao nhiêu?"), "0,36%")


def test_questions_without_diacritics_find_the_same_clause(assistant):
    with_marks = assistant.ask("Kim ngạch xuất khẩu năm 2021 của Hải Phòng là bao nhiêu?")
    without = assistant.ask("kim ngach xuat khau nam 2021 cua Hai Phong la bao nhieu")
    _says(without, "22,3 tỷ USD")
    assert with_marks.citations[0].quote == without.citations[0].quote


def test_comparison_gives_each_value_with_its_citation(assistant):
    answer = assistant.ask("So sánh chỉ tiêu tỷ lệ đô thị hóa của Cần Thơ năm 2021 và năm 2023.")
    _says(answer, "71,5%", "74%")
    assert {c.doc_id for c in answer.citations} == {
        "chi-thi-11-CT-UBND-can-tho-2020-12-04.txt", "tin-bai-chi-thi-10-CT-UBND-can-tho-2022-12-13.txt"}
    assert answer.text.index("Năm 2021") < answer.text.index("Năm 2023")


@pytest.mark.parametrize("question", [
    "Theo Kế hoạch 33/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?",  # indicator absent
    "Tỷ lệ đô thị hóa của Cần Thơ năm 2019 là bao nhiêu?",  # year absent
    "Chỉ tiêu tỷ lệ đô thị hóa của Đà Nẵng năm 2021 là bao nhiêu?",  # place absent
    "Theo Chỉ thị 99/CT-UBND, hạn nộp báo cáo là khi nào?",  # document absent
    "Kim ngạch xuất khẩu năm 2021 của Cần Thơ là bao nhiêu?",  # indicator of another city
])
def test_abstains_when_the_documents_are_silent(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.text.startswith("Không tìm thấy")
    assert not any(ch.isdigit() for ch in answer.text.split("Các điều khoản gần nhất")[0].replace("99", ""))


def test_named_clause_is_answered_from_that_clause(assistant):
    answer = assistant.ask("Kế hoạch 33/KH-UBND mục II.3 chỉ tiêu (12) là gì?")
    _says(answer, "17 bác sĩ/vạn dân")
    assert answer.citations[0].path == "II.3.(12)"


def test_forged_quote_is_rejected(assistant):
    texts = assistant.corpus.text
    real = assistant.ask("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?").citations[0]
    forged = replace(real, quote=real.quote.replace("76%", "86%"))
    assert quote_is_verbatim(real, texts) and not quote_is_verbatim(forged, texts)
    kept, problems = verify("Tỷ lệ đô thị hóa đạt 86%", [forged], texts)
    assert kept == [] and problems
    moved = replace(real, start=real.start + 1, end=real.end + 1)
    assert not quote_is_verbatim(moved, texts)


def test_number_not_in_the_quote_is_rejected(assistant):
    real = assistant.ask("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?").citations[0]
    assert unsupported_numbers("Tỷ lệ đô thị hóa đạt 76%", [real]) == []
    assert unsupported_numbers("Tỷ lệ đô thị hóa đạt 80% vào năm 2030", [real]) == ["80", "2030"]
    kept, problems = verify("Tỷ lệ đô thị hóa đạt 80%", [real], assistant.corpus.text)
    assert kept == [] and "80" in problems[-1]


def test_unknown_source_document_is_rejected():
    ghost = Citation(doc_id="missing.txt", path="1", quote="x", start=0, end=1)
    assert verify("x", [ghost], lambda doc_id: "")[0] == []


def test_lookup_by_number_and_clause(assistant):
    found = assistant.lookup("33/KH-UBND mục IV.1")
    assert found["document"]["number"] == "33/KH-UBND"
    assert [c["path"] for c in found["clauses"]] == ["IV.1"]
    assert "Sở Nội vụ (Ban Thi đua - Khen thưởng)" in found["clauses"][0]["text"]
    whole = assistant.lookup("Kế hoạch 33")
    assert [c["path"] for c in whole["clauses"]] == ["I", "II", "III", "IV"]
    assert assistant.lookup("Chỉ thị 99/CT-UBND") is None


def test_tasks_of_an_agency_come_from_the_clause_it_heads(assistant):
    answer = assistant.ask("Kế hoạch 33 giao nhiệm vụ gì cho Sở Nội vụ?")
    _says(answer, "Sở Nội vụ (Ban Thi đua - Khen thưởng): a) Chủ trì tổng hợp")
    assert answer.citations[0].path == "IV.1" and len(answer.text) <= 400
    _quotes_verbatim(assistant, answer)
    assigned = assistant.ask("Đơn vị nào chịu trách nhiệm tuyên truyền về đợt thi đua cao điểm?")
    _says(assigned, "Sở Thông tin và Truyền thông")
