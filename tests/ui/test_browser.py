"""The assistant in a real browser (Playwright driving Debian's chromium)."""

import pytest

pytestmark = pytest.mark.browser


def _ask(page, question: str) -> None:
    before = page.locator("#chat .message").count() if page.locator("#chat .message").count() else 0
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message').length >= n + 2", arg=before, timeout=30000)


def test_page_loads_in_vietnamese_with_mode_banner(page):
    assert "Trợ lý văn bản chỉ đạo" in page.title()
    for tab in ("Hỏi đáp", "Tra cứu", "Văn bản", "Đánh giá"):
        assert page.get_by_role("tab", name=tab).is_visible()
    assert "chỉ từ khóa (BM25)" in page.locator("#mode-banner").inner_text()


def test_question_shows_answer_and_highlighted_quote(page):
    _ask(page, "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?")
    assert "Tỷ lệ đô thị hóa đạt 76%" in page.locator("#chat").inner_text()
    card = page.locator("#sources .src-card").first
    assert "33/KH-UBND" in card.inner_text() and "II.3.(8)" in card.inner_text()
    assert card.locator("mark").text_content() == "(8) Tỷ lệ đô thị hóa đạt 76%."
    card.locator("summary").click()
    assert card.locator(".src-clause").is_visible()
    assert "(8) Tỷ lệ đô thị hóa đạt 76%." in card.locator(".src-clause").inner_text()


def test_follow_up_question_is_resolved(page):
    _ask(page, "Tỷ lệ đô thị hóa của Cần Thơ năm 2021 là bao nhiêu?")
    _ask(page, "còn năm 2023 thì sao?")
    text = page.locator("#chat").inner_text()
    assert "71,5%" in text and "74%" in text.split("còn năm 2023 thì sao?")[-1]


def test_no_answer_shows_abstention(page):
    _ask(page, "Theo Kế hoạch 33/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?")
    assert "Không tìm thấy" in page.locator("#chat").inner_text()
    assert page.locator("#sources .src-card.abstain").count() == 1


def test_lookup_shows_the_clause(page):
    page.get_by_role("tab", name="Tra cứu").click()
    page.locator("#reference textarea").fill("33/KH-UBND mục IV.1")
    page.locator("#find").click()
    page.wait_for_selector("#lookup-result [data-path='IV.1']", timeout=20000)
    assert "Sở Nội vụ (Ban Thi đua - Khen thưởng)" in page.locator("#lookup-result").inner_text()


def test_uploaded_document_becomes_answerable(page, tmp_path):
    doc = tmp_path / "ke-hoach-45-rung.txt"
    doc.write_text(
        "Số: 45/KH-UBND\n\nĐà Lạt, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\n\nBảo vệ và phát triển rừng năm 2024\n\n"
        "I. CHỈ TIÊU\n\n1. Tỷ lệ che phủ rừng đạt 52,5% vào cuối năm 2024.\n\n"
        "2. Trồng mới 1.200 ha rừng tập trung.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn Minh\n", encoding="utf-8")
    page.get_by_role("tab", name="Văn bản").click()
    page.locator("#upload input[type=file]").set_input_files(str(doc))
    page.wait_for_timeout(1500)
    page.locator("#ingest").click()
    page.wait_for_function("document.querySelector('#ingest-result').innerText.includes('✓ uploads/ke-hoach-45-rung.txt')",
                           timeout=60000)
    assert "45/KH-UBND" in page.locator("#documents").inner_text()
    page.get_by_role("tab", name="Hỏi đáp").click()
    _ask(page, "Theo Kế hoạch 45/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?")
    assert "52,5%" in page.locator("#chat").inner_text()
