"""Exports read back with their own parsers: the calendar with icalendar, CSV with csv, XLSX with openpyxl."""

import csv
import io
from datetime import date

import pytest

from rag.facts.export import HEADERS, first_occurrence, to_csv, to_ics, to_xlsx
from rag.facts.register import COLUMNS
from rag.types import Fact

pytestmark = pytest.mark.unit


def _deadline(due, due_iso=None, recurrence=None, agency="Sở Nội vụ", start=0):
    return Fact("deadline", "Gửi báo cáo", None, None, None, due, agency, None, f"Gửi báo cáo {due}", "kh33",
                "IV.2.a", due_iso=due_iso, recurrence=recurrence, task="Gửi báo cáo", start=start, end=start + 20)


FACTS = [
    _deadline("trước ngày 31 tháng 3 năm 2024", "2024-03-31"),
    _deadline("Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024", "2024-01/2024-12-31", start=50),
    _deadline("trước ngày 20/12 hằng năm", recurrence="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", start=100),
    _deadline("trong thời hạn 30 ngày", start=150),  # no date of its own: not in the calendar
    Fact("target", "Tỷ lệ đô thị hóa", "76", "%", "2025", None, None, None, "Tỷ lệ đô thị hóa đạt 76%.", "kh33",
         "II.3.(8)", start=300, end=325),
]


def _label(doc_id):
    return "Kế hoạch 33/KH-UBND"


def test_calendar_parses_back_with_dates_and_rules():
    from icalendar import Calendar

    calendar = Calendar.from_ical(to_ics(FACTS, _label, issued=lambda d: date(2024, 2, 21)))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    first, span, yearly = events
    assert first.decoded("dtstart") == date(2024, 3, 31) and first.decoded("dtend") == date(2024, 4, 1)
    assert span.decoded("dtstart") == date(2024, 1, 1) and span.decoded("dtend") == date(2025, 1, 1)
    assert yearly.decoded("dtstart") == date(2024, 12, 20)
    rule = yearly.decoded("rrule")
    assert (rule["FREQ"], rule["BYMONTH"], rule["BYMONTHDAY"]) == (["YEARLY"], [12], [20])
    assert str(first["summary"]).startswith("Sở Nội vụ: Gửi báo cáo")
    assert "Kế hoạch 33/KH-UBND, IV.2.a" in str(first["description"])
    assert len({str(e["uid"]) for e in events}) == 3


def test_first_occurrence_of_a_rule():
    assert first_occurrence("FREQ=MONTHLY;BYMONTHDAY=15", date(2025, 3, 20)) == date(2025, 4, 15)
    assert first_occurrence("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", date(2025, 12, 20)) == date(2025, 12, 20)


def test_csv_round_trip():
    rows = list(csv.reader(io.StringIO(to_csv(FACTS, _label))))
    assert rows[0] == [HEADERS[c] for c in COLUMNS]
    assert len(rows) == len(FACTS) + 1
    record = dict(zip(COLUMNS, rows[5], strict=True))
    assert (record["kind"], record["value"], record["unit"], record["quote"]) == (
        "Chỉ tiêu", "76", "%", "Tỷ lệ đô thị hóa đạt 76%.")
    assert dict(zip(COLUMNS, rows[1], strict=True))["due_end"] == "2024-03-31"


def test_xlsx_round_trip():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(to_xlsx(FACTS, _label)))
    sheet = book["Nhiệm vụ & thời hạn"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [HEADERS[c] for c in COLUMNS]
    assert len(values) == len(FACTS) + 1
    record = dict(zip(COLUMNS, values[1], strict=True))
    assert record["due"] == "trước ngày 31 tháng 3 năm 2024" and record["document"] == "Kế hoạch 33/KH-UBND"
