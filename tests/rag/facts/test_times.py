"""Time expressions: verbatim with their cue, resolved to ISO 8601, recurring ones as RFC 5545 rules."""

from datetime import date

import pytest

from rag.facts.times import find_times, iso_end, iso_start

pytestmark = pytest.mark.unit


def _one(text, year=2025):
    found = find_times(text, year)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start:t.end] == t.text
    return t


@pytest.mark.parametrize("text, verbatim, iso", [
    ("Gửi văn bản về Sở Nội vụ trước ngày 31 tháng 3 năm 2024 để theo dõi", "trước ngày 31 tháng 3 năm 2024", "2024-03-31"),
    ("Thời gian sơ kết đợt thi đua: Tháng 6 năm 2024;", "Tháng 6 năm 2024", "2024-06"),
    ("Thời gian hoàn thành: Tháng 12/2025", "Tháng 12/2025", "2025-12"),
    ("báo cáo Thủ tướng Chính phủ kết quả thực hiện trong Quý I năm 2026.", "trong Quý I năm 2026", "2026-01/2026-03"),
    ("hoàn thành trong tháng 12 năm 2025", "hoàn thành trong tháng 12 năm 2025", "2025-12"),
    ("chậm nhất ngày 30/6/2025", "chậm nhất ngày 30/6/2025", "2025-06-30"),
    ("gửi trước ngày 15/12", "trước ngày 15/12", "2025-12-15"),
    ("6 tháng đầu năm 2025", "6 tháng đầu năm 2025", "2025-01/2025-06"),
    ("Giai đoạn 2026 - 2027", "Giai đoạn 2026 - 2027", "2026/2027"),
    ("Thời gian phát động: Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024;",
     "Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024", "2024-01/2024-12-31"),
])
def test_dates_months_quarters_and_ranges(text, verbatim, iso):
    t = _one(text)
    assert (t.text, t.iso) == (verbatim, iso)


@pytest.mark.parametrize("text, rule", [
    ("gửi báo cáo trước ngày 20/12 hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20"),
    ("Hàng năm, trước ngày 25 tháng 12, các cơ quan báo cáo", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"),
    ("báo cáo vào ngày 15 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("báo cáo định kỳ 6 tháng một lần", "FREQ=MONTHLY;INTERVAL=6"),
    ("báo cáo định kỳ hằng năm", "FREQ=YEARLY"),
    ("báo cáo hằng quý", "FREQ=MONTHLY;INTERVAL=3"),
])
def test_recurring_deadlines_are_rules(text, rule):
    t = _one(text)
    assert t.rrule == rule and t.iso is None and t.kind == "recurring"


def test_a_cited_document_date_is_marked():
    t = _one("Quyết định số 1519/QĐ-TTg ngày 02 tháng 12 năm 2023 của Thủ tướng Chính phủ")
    assert t.citation and t.iso == "2023-12-02"


def test_fractions_are_not_dates():
    assert find_times("có sự tham gia của ít nhất 2/3 số hộ gia đình", 2025) == []


def test_relative_limits_and_ongoing_tasks_have_no_date():
    relative = _one("Trong vòng 02\n(hai) ngày làm việc, Phòng Văn hóa - Xã hội thẩm định")
    assert relative.kind == "relative" and relative.iso is None
    ongoing = _one("Tiếp tục đầu tư Trung tâm Dữ liệu quốc gia số 1, nhiệm vụ thường xuyên")
    assert ongoing.kind == "ongoing" and ongoing.text == "nhiệm vụ thường xuyên"


def test_iso_bounds():
    assert iso_end("2025-12") == date(2025, 12, 31)
    assert iso_end("2026-01/2026-03") == date(2026, 3, 31)
    assert iso_start("2026-01/2026-03") == date(2026, 1, 1)
    assert iso_end("2026/2030") == date(2030, 12, 31)
    assert iso_end(None) is None
