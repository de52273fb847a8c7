"""The register of a document: on the seed plan KH 33 (corpus/) and on documents written in the test."""

import pytest

from tests.rag.facts.conftest import HEAD

pytestmark = pytest.mark.integration
KH33 = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"


def test_every_quote_is_the_text_at_its_span(assistant):
    for doc_id in assistant.corpus.metas:
        text = assistant.corpus.text(doc_id)
        for fact in assistant.facts(doc_id):
            assert text[fact.start:fact.end] == fact.quote
            assert fact.agency is None or len(fact.agency) < 80  # an agency, never a sentence


def test_plan_targets_one_record_per_value(assistant):
    targets = [f for f in assistant.facts(KH33) if f.kind == "target"]
    by_path = {}
    for t in targets:
        by_path.setdefault(t.path, []).append((t.value, t.unit))
    assert by_path["II.3.(8)"] == [("76", "%")]
    assert by_path["II.3.(3)"] == [("5,6 - 5,9", "%"), ("33,7 - 34", "%"), ("54,1 - 54,75", "%"), ("5,9 - 5,95", "%")]
    assert by_path["II.3.(14)"] == [("24", "xã"), ("08", "xã")]
    assert len([p for p in by_path if p.startswith("II.3.(")]) == 21
    assert all(t.period == "2025" for t in targets if t.path == "II.3.(8)")
    assert not any("1519" in (f.value or "") for f in targets)  # a document number is not a target


def test_plan_deadlines_and_who_must_meet_them(assistant):
    deadlines = {f.path: f for f in assistant.facts(KH33) if f.kind == "deadline"}
    sent = deadlines["IV.2.a"]
    assert (sent.due, sent.due_iso, sent.agency) == ("trước ngày 31 tháng 3 năm 2024", "2024-03-31",
                                                      "Các cơ quan, đơn vị, địa phương")
    assert sent.agency_text == "Các cơ quan, đơn vị, địa phương trên địa bàn thành phố"  # from the section heading
    assert deadlines["III.1.b"].due_iso == "2024-06"
    assert deadlines["III.1.a"].due_iso == "2024-01/2024-12-31"


def test_plan_responsibilities(assistant):
    duties = [(f.path, f.agency, f.role) for f in assistant.facts(KH33) if f.kind == "responsibility"]
    assert ("IV.1.a", "Sở Nội vụ", "chủ trì") in duties and ("IV.1.b", "Sở Nội vụ", "thực hiện") in duties
    assert {("IV.4", "Sở Thông tin và Truyền thông", "thực hiện"), ("IV.4", "Báo Cần Thơ", "thực hiện"),
            ("IV.4", "Đài Phát thanh và Truyền hình", "thực hiện")} <= set(duties)
    # the preamble issues the plan: nobody's duty
    assert not any("ban hành Kế hoạch" in f.quote for f in assistant.facts(KH33))


def test_news_article_targets_without_verbs(assistant):
    doc = "tin-bai-chi-thi-10-CT-UBND-can-tho-2022-12-13.txt"
    values = {(f.value, f.unit, f.period) for f in assistant.facts(doc) if f.kind == "target"}
    assert ("74", "%", "2023") in values and ("43.000", "tỷ đồng", "2023") in values


def _rows(facts, kind):
    return [(f.agency, f.role, f.due) if kind != "target" else (f.value, f.unit) for f in facts if f.kind == kind]


@pytest.mark.unit
def test_table_rows_are_read_as_rows(facts_of):
    text, facts = facts_of(
        "PHỤ LỤC\n\n| Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n|---|---|---|---|\n"
        "| Xây dựng cơ sở dữ liệu đất đai | Sở Nông nghiệp và Môi trường | Sở Tài chính; UBND các xã, phường | "
        "Tháng 12/2025 |\n| Số hóa hồ sơ | Sở Nội vụ | Sở KH&CN | Quý II năm 2026 |\n")
    assert _rows(facts, "responsibility") == [("Sở Nông nghiệp và Môi trường", "chủ trì", "Tháng 12/2025"),
                                              ("Sở Tài chính", "phối hợp", None), ("Ủy ban nhân dân cấp xã", "phối hợp", None),
                                              ("Sở Nội vụ", "chủ trì", "Quý II năm 2026"),
                                              ("Sở Khoa học và Công nghệ", "phối hợp", None)]
    assert [(f.agency, f.due_iso) for f in facts if f.kind == "deadline"] == [
        ("Sở Nông nghiệp và Môi trường", "2025-12"), ("Sở Nội vụ", "2026-04/2026-06")]
    assert all(text[f.start:f.end] == f.quote for f in facts)


@pytest.mark.unit
def test_a_completion_line_keeps_the_agency_of_its_section(facts_of):
    _, facts = facts_of("II. NHIỆM VỤ\n\n3. Sở Công Thương\n\na) Xây dựng đề án phát triển thương mại điện tử.\n"
                        "Thời gian hoàn thành: Tháng 12/2025.\n\nb) Phối hợp với Sở Tài chính rà soát giá.\n")
    deadline = next(f for f in facts if f.kind == "deadline")
    assert (deadline.due, deadline.due_iso, deadline.agency) == ("Tháng 12/2025", "2025-12", "Sở Công Thương")
    assert _rows(facts, "responsibility") == [("Sở Công Thương", "thực hiện", "Tháng 12/2025"),
                                              ("Sở Công Thương", "phối hợp", None)]


@pytest.mark.unit
def test_labelled_fields_of_a_task(facts_of):
    _, facts = facts_of("II. NHIỆM VỤ\n\n1. Xây dựng kho dữ liệu dùng chung\n\n- Cơ quan chủ trì: Sở Khoa học và "
                        "Công nghệ\n\n- Cơ quan phối hợp: Sở Tài chính, Công an tỉnh\n\n- Thời gian hoàn thành: Quý III "
                        "năm 2025\n")
    assert _rows(facts, "responsibility") == [("Sở Khoa học và Công nghệ", "chủ trì", None),
                                              ("Sở Tài chính", "phối hợp", None), ("Công an tỉnh", "phối hợp", None)]
    assert [(f.agency, f.due_iso) for f in facts if f.kind == "deadline"] == [
        ("Sở Khoa học và Công nghệ", "2025-07/2025-09")]


@pytest.mark.unit
def test_inline_items_and_listed_agencies(facts_of):
    _, facts = facts_of(
        "I. NHIỆM VỤ\n\n1. Bộ Khoa học và Công nghệ: (1) trình Chương trình quốc gia, hoàn thành trong tháng 11 năm "
        "2025; (2) chủ trì, phối hợp với Bộ Tài chính hoàn thành Bộ công cụ trước ngày 10 tháng 12 năm 2025.\n\n"
        "2. Đề nghị các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội tổ chức triển khai, "
        "hoàn thành trong tháng 12 năm 2025.\n\n3. Bộ Công an: Tiếp tục đầu tư Trung tâm Dữ liệu quốc gia, nhiệm vụ "
        "thường xuyên.\n")
    assert _rows(facts, "responsibility") == [
        ("Bộ Khoa học và Công nghệ", "thực hiện", "hoàn thành trong tháng 11 năm 2025"),
        ("Bộ Khoa học và Công nghệ", "chủ trì", "trước ngày 10 tháng 12 năm 2025"), ("Bộ Tài chính", "phối hợp", None),
        ("Tập đoàn Bưu chính Viễn thông Việt Nam", "thực hiện", "hoàn thành trong tháng 12 năm 2025"),
        ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "thực hiện", None),
        ("Bộ Công an", "thực hiện", "nhiệm vụ thường xuyên")]


@pytest.mark.unit
def test_a_lead_in_with_its_role_heads_its_items_as_one_duty(facts_of):
    _, facts = facts_of("I. NHIỆM VỤ\n\n1. Các tỉnh, thành phố:\n\na) Rà soát thiệt hại, gửi Bộ Tài chính trước ngày "
                        "08 tháng 12 năm 2025.\n\nb) Bộ Tài chính chủ trì, phối hợp với các bộ, cơ quan liên quan:\n\n"
                        "- Tổng hợp tình hình thiệt hại;\n\n- Xây dựng phương án hỗ trợ.\n")
    assert _rows(facts, "responsibility") == [
        ("Ủy ban nhân dân các tỉnh, thành phố", "thực hiện", "trước ngày 08 tháng 12 năm 2025"),
        ("Bộ Tài chính", "chủ trì", None), ("Các bộ, ngành", "phối hợp", None)]
    assert next(f for f in facts if f.kind == "deadline").agency == "Ủy ban nhân dân các tỉnh, thành phố"


@pytest.mark.unit
def test_recurring_deadline_is_a_rule(facts_of):
    _, facts = facts_of("III. TỔ CHỨC THỰC HIỆN\n\nCác sở, ban, ngành báo cáo kết quả thực hiện về Sở Nội vụ trước ngày "
                        "20/12 hằng năm.\n")
    deadline = next(f for f in facts if f.kind == "deadline")
    assert (deadline.recurrence, deadline.agency) == ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "Các sở, ban, ngành")


@pytest.mark.unit
def test_tables_of_procedures_and_spending_scales_are_no_register(facts_of):
    _, facts = facts_of(
        "PHỤ LỤC\n\n| TT | Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | Căn cứ pháp lý |\n"
        "|---|---|---|---|---|\n| 1 | Cấp lại giấy chứng nhận | 04 ngày làm việc | Trung tâm Phục vụ hành chính công "
        "tỉnh | Nghị định số 144/2020/NĐ-CP ngày 14/12/2020 của Chính phủ |\n\n"
        "| TT | Nội dung | Đơn vị tính | Mức chi |\n|---|---|---|---|\n| 1 | Chủ tịch Hội đồng | người/ngày | 692 |\n")
    assert facts == []


@pytest.mark.unit
def test_the_enforcement_sentence_gives_no_duty_even_split_at_semicolons(facts_of):
    _, facts = facts_of("Điều 4. Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc Sở Giáo dục và Đào tạo, Thủ trưởng các "
                        "Sở, ban, ngành cấp tỉnh; Giám đốc Trung tâm Phục vụ hành chính công tỉnh chịu trách nhiệm thi "
                        "hành Quyết định này./.\n", head=HEAD.replace("KẾ HOẠCH", "QUYẾT ĐỊNH"))
    assert [f for f in facts if f.kind == "responsibility"] == []


@pytest.mark.unit
def test_a_lead_in_ending_in_a_colon_takes_its_task_from_what_follows(facts_of):
    _, facts = facts_of("Điều 2. Giao các cơ quan, địa phương:\n\n1. Sở Tài chính chủ trì, phối hợp với Văn phòng UBND "
                        "tỉnh (Trung tâm Phục vụ hành chính công tỉnh):\n\nXây dựng quy trình điện tử trong giải quyết thủ "
                        "tục hành chính. Thời hạn hoàn thành không quá 03 ngày làm việc kể từ ngày ban hành Quyết định.\n",
                        head=HEAD.replace("KẾ HOẠCH", "QUYẾT ĐỊNH"))
    duties = [(f.agency, f.role, f.task) for f in facts if f.kind == "responsibility"]
    assert duties[:2] == [("Sở Tài chính", "chủ trì", "Xây dựng quy trình điện tử trong giải quyết thủ tục hành chính"),
                          ("Văn phòng Ủy ban nhân dân tỉnh", "phối hợp",
                           "Xây dựng quy trình điện tử trong giải quyết thủ tục hành chính")]
    deadline = next(f for f in facts if f.kind == "deadline")
    assert (deadline.due, deadline.agency) == ("không quá 03 ngày làm việc", "Sở Tài chính")


@pytest.mark.unit
def test_an_article_gives_no_duties_nor_deadlines():
    import hashlib
    from dataclasses import replace

    from rag.config import Settings
    from rag.facts.extract import extract_facts
    from rag.ingest.pipeline import parse_document
    from rag.types import SourceDoc

    text = ("Học viện Quân y là trường đại học có nhiệm vụ đào tạo bác sĩ. Đoàn đại biểu Quốc hội có Trưởng đoàn.\n\n"
            "Thủ tướng giao Bộ Tài chính chủ trì, phối hợp với Bộ Y tế hoàn thành đề án trước ngày 30/6/2025.\n")
    doc = SourceDoc("a.md", "a.md", text, (), hashlib.sha256(text.encode()).hexdigest())
    meta, chunks = parse_document(doc, Settings(embedding_model="none", _env_file=None))  # type: ignore[call-arg]
    facts = extract_facts(doc.doc_id, text, chunks, meta=replace(meta, kind="news"))
    assert facts == []  # second-hand: the register reads the directive itself


@pytest.mark.unit
def test_a_recipient_list_without_its_label_is_no_duty(facts_of):
    _, facts = facts_of("III. TỔ CHỨC THỰC HIỆN\n\nSở Nội vụ tổng hợp, báo cáo kết quả thực hiện Kế hoạch.\n\n"
                        "Chính phủ; - Ban Tổ chức Trung ương; - Ủy ban TW Mặt trận Tổ quốc Việt Nam; - Kiểm toán nhà nước\n")
    assert [(f.agency, f.role) for f in facts if f.kind == "responsibility"] == [("Sở Nội vụ", "thực hiện")]
