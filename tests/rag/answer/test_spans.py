"""Typed spans: the facts a sentence holds, and what is not a fact (clause numbers, document numbers)."""

import pytest

from rag.answer.spans import find_spans

pytestmark = pytest.mark.unit


def _kinds(text, kind):
    return [s.text for s in find_spans(text) if s.kind == kind]


def test_quantities_keep_unit_and_comparison_word_but_not_names():
    text = "(8) Tỷ lệ đô thị hóa đạt 76%; Quyết định số 1519/QĐ-TTg; Điều 5; trên 20.000 hộ; 297,18 triệu đồng/lao động"
    found = _kinds(text, "quantity")
    assert "đạt 76%" in found and "trên 20.000 hộ" in found and any(f.startswith("297,18 triệu đồng") for f in found)
    assert not any(f.startswith(("8", "1519", "5")) for f in found)


def test_dates_periods_recurring_durations_times():
    text = ("Gửi báo cáo trước ngày 15 hằng tháng và trước ngày 31/12/2025; định kỳ 6 tháng báo cáo; xử lý trong 24 - 48 giờ "
            "kể từ khi nước rút; báo cáo trước 19h00 hằng ngày; hoàn thành trong tháng 11 năm 2025; Quý IV năm 2025.")
    assert "trước ngày 31/12/2025" in _kinds(text, "date")
    assert "trong tháng 11 năm 2025" in _kinds(text, "date") and "Quý IV năm 2025" in _kinds(text, "date")
    assert any("ngày 15 hằng tháng" in r for r in _kinds(text, "recurring"))
    assert any("định kỳ 6 tháng" in r for r in _kinds(text, "recurring"))
    assert any(d.startswith("trong 24 - 48 giờ") for d in _kinds(text, "duration"))
    assert any("19h00" in t for t in _kinds(text, "time"))


def test_agencies_and_document_references():
    text = "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Bộ Chỉ huy Quân sự tỉnh theo Quyết định số 2138/QĐ-TTg."
    agencies = _kinds(text, "agency")
    assert "Sở Khoa học và Công nghệ" in agencies and "Bộ Chỉ huy Quân sự tỉnh" in agencies
    assert _kinds(text, "docref") == ["Quyết định số 2138/QĐ-TTg"]


def test_codes_are_tariff_lines_and_numbers_after_ma_so_not_phones_or_figures():
    from rag.answer.spans import find_spans

    text = ("thuộc phân nhóm 7106.92, mã số 7106.92.00; mã số thuế: 0101234567-001; hỗ trợ (028) 3930.3279 _ "
            "0906.229966; sản lượng 1.234,56 tấn năm 2025.")
    assert [s.text for s in find_spans(text, ("code",))] == ["7106.92", "7106.92.00", "0101234567-001"]


def test_a_time_needs_h_or_gio_as_a_word():
    from rag.answer.spans import find_spans

    assert [s.text for s in find_spans("trước ngày 18 hàng tháng; họp lúc 14h30, từ 8 giờ 30 phút", ("time",))] == [
        "14h30", "từ 8 giờ 30 phút"]
