"""The register as files: CSV, XLSX (openpyxl) and an iCalendar of deadlines (RFC 5545, icalendar).

The calendar holds one all-day event per dated deadline — on its last day ('tháng 12 năm 2025' is
due 2025-12-31), or across its span for a period ('Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm
2024') — and one recurring event (RRULE) per recurring deadline ('trước ngày 20/12 hằng năm'),
starting at its first occurrence after the document was issued. Deadlines with no date of their
own ('trong thời hạn 30 ngày', 'thường xuyên') stay in the register but not in the calendar.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from rag.facts.register import COLUMNS, KIND_NAMES, rows
from rag.facts.times import iso_end, iso_start
from rag.types import Fact

HEADERS = {
    "kind": "Loại", "agency": "Cơ quan", "role": "Vai trò", "task": "Nhiệm vụ / chỉ tiêu", "value": "Giá trị",
    "unit": "Đơn vị tính", "comparator": "So sánh", "period": "Kỳ", "due": "Thời hạn (nguyên văn)",
    "due_iso": "Thời hạn (ISO)", "due_end": "Hạn cuối", "recurrence": "Lặp lại (RRULE)", "document": "Văn bản",
    "path": "Mục", "page": "Trang", "quote": "Trích dẫn nguyên văn", "doc_id": "Mã văn bản",
    "agency_text": "Cơ quan (nguyên văn)", "indicator": "Chỉ tiêu", "subject": "Nội dung", "start": "Vị trí đầu",
    "end": "Vị trí cuối", "source": "Nguồn cơ quan",
}
Label = Callable[[str], str]


def to_csv(facts: Sequence[Fact], label: Label | None = None) -> str:
    """CSV (UTF-8, header row in Vietnamese then the field names' order of `COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([HEADERS[c] for c in COLUMNS])
    for record in rows(facts, label):
        writer.writerow(["" if record[c] is None else record[c] for c in COLUMNS])
    return buffer.getvalue()


def to_xlsx(facts: Sequence[Fact], label: Label | None = None) -> bytes:
    """An Excel workbook: one sheet 'Nhiệm vụ & thời hạn', bold frozen header, readable widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ & thời hạn"
    sheet.append([HEADERS[c] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in rows(facts, label):
        sheet.append([record[c] for c in COLUMNS])
    widths = {"agency": 32, "task": 48, "quote": 80, "document": 28, "due": 28}
    for n, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = widths.get(column, 14)
        if column in ("quote", "task"):
            for cell in sheet.iter_rows(min_row=2, min_col=n, max_col=n):
                cell[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def first_occurrence(rule: str, after: date) -> date:
    """The first day on or after `after` that a recurrence rule falls on (DTSTART of its event)."""
    from dateutil.rrule import rrulestr

    start = datetime(after.year, after.month, after.day)
    found = rrulestr(f"RRULE:{rule}", dtstart=start).after(start, inc=True)
    return found.date() if found else after


def _uid(fact: Fact) -> str:
    digest = hashlib.sha256(f"{fact.doc_id}|{fact.start}|{fact.end}|{fact.due}".encode()).hexdigest()[:24]
    return f"{digest}@tro-ly-van-ban-chi-dao"


def to_ics(facts: Sequence[Fact], label: Label | None = None, issued: Callable[[str], date | None] | None = None,
           today: date | None = None) -> bytes:
    """An iCalendar of the deadlines among `facts` (and of responsibilities' due dates; targets are skipped)."""
    from icalendar import Calendar, Event, vRecur

    calendar = Calendar()
    calendar.add("prodid", "-//Tro ly van ban chi dao//Nhiem vu va thoi han//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Nhiệm vụ & thời hạn")
    stamp = datetime(2000, 1, 1) if today is None else datetime(today.year, today.month, today.day)
    seen: set[tuple[str, str | None, str | None, str | None]] = set()
    for fact in facts:
        # deadlines, and the due dates of responsibilities when those are what was selected (once each)
        key = (fact.doc_id, fact.due, fact.agency, fact.due_iso or fact.recurrence)
        if fact.kind == "target" or key in seen:
            continue
        seen.add(key)
        start = end = None
        if fact.recurrence:
            base = (issued(fact.doc_id) if issued else None) or today or date.today()
            start = end = first_occurrence(fact.recurrence, base)
        elif fact.due_iso:
            last = iso_end(fact.due_iso)
            first = iso_start(fact.due_iso) if "/" in fact.due_iso else last
            start, end = first, last
        if start is None or end is None:
            continue
        event = Event()
        document = label(fact.doc_id) if label else fact.doc_id
        who = f"{fact.agency}: " if fact.agency else ""
        event.add("uid", _uid(fact))
        event.add("dtstamp", stamp)
        event.add("summary", f"{who}{fact.task or fact.subject}"[:200])
        event.add("dtstart", start)
        event.add("dtend", end + timedelta(days=1))
        if fact.recurrence:
            event.add("rrule", vRecur.from_ical(fact.recurrence))
        event.add("description", f"{fact.due}\n«{fact.quote}»\n{document}, {fact.path}")
        event.add("categories", [KIND_NAMES["deadline"]])
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def export(facts: Sequence[Fact], kind: str, label: Label | None = None,
           issued: Callable[[str], date | None] | None = None) -> Any:
    """The register as 'csv' (str), 'xlsx' (bytes) or 'ics' (bytes)."""
    if kind == "csv":
        return to_csv(facts, label)
    if kind == "xlsx":
        return to_xlsx(facts, label)
    if kind == "ics":
        return to_ics(facts, label, issued)
    raise ValueError(f"unknown export kind {kind!r}")
