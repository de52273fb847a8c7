"""The 'Nhiệm vụ & thời hạn' tab in a real browser (Playwright driving Debian's chromium)."""

import pytest

pytestmark = pytest.mark.browser


def _choose(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def _open(page) -> None:
    page.get_by_role("tab", name="Nhiệm vụ & thời hạn").click()
    page.wait_for_selector("#reg-show", timeout=20000)


def test_one_agencys_duties_across_documents_with_quote_and_clause(page):
    _open(page)
    _choose(page, "reg-agency", "Sở Nội vụ")
    _choose(page, "reg-kind", "Trách nhiệm")
    page.locator("#reg-show").click()
    page.wait_for_selector("#reg-table tr.reg-row", timeout=30000)
    rows = page.locator("#reg-table tr.reg-row")
    text = page.locator("#reg-table").inner_text()
    assert rows.count() >= 3 and "Kế hoạch 33/KH-UBND" in text and "Chỉ thị 02/CT-UBND" in text
    assert all(r == "responsibility" for r in rows.evaluate_all("rs => rs.map(r => r.dataset.kind)"))
    first = page.locator("#reg-table tr.reg-row[data-path='IV.1.a']")
    assert "chủ trì" in first.inner_text() and "mục IV.1.a" in first.inner_text()
    assert "Chủ trì tổng hợp, theo dõi, đôn đốc" in first.locator(".reg-quote").inner_text()
    first.locator("summary").click()
    clause = first.locator(".reg-clause")
    assert clause.is_visible() and clause.locator("mark").inner_text().startswith("Chủ trì tổng hợp")
    assert "3 dòng" in page.locator("#reg-summary").inner_text() or rows.count() > 3


def test_deadlines_of_a_period_and_the_calendar_download(page):
    _open(page)
    _choose(page, "reg-kind", "Thời hạn")
    _choose(page, "reg-period", "2024")
    page.locator("#reg-show").click()
    page.wait_for_selector("#reg-table tr.reg-row", timeout=30000)
    table = page.locator("#reg-table").inner_text()
    assert "trước ngày 31 tháng 3 năm 2024" in table and "hạn 31/03/2024" in table
    page.locator("#reg-ics").click()
    page.wait_for_selector("#reg-file a", timeout=30000)
    assert ".ics" in page.locator("#reg-file").inner_text()
