"""Selecting the register across documents: by agency (as an entity), kind, document, period, due date."""

from datetime import date

import pytest

from rag.facts.register import agencies_of, fact_record, select
from rag.types import Fact

pytestmark = pytest.mark.unit


def _fact(kind, agency=None, due_iso=None, doc="a", period=None, recurrence=None, role=None, start=0):
    return Fact(kind, "việc", None, None, period, "hạn" if due_iso or recurrence else None, agency, role, "trích",
                doc, "1", due_iso=due_iso, recurrence=recurrence, start=start, end=start + 5, task="việc")


FACTS = [
    _fact("responsibility", "Sở Khoa học và Công nghệ", "2025-12", role="chủ trì"),
    _fact("deadline", "Sở Khoa học và Công nghệ", "2025-12-15", doc="b"),
    _fact("deadline", "Ủy ban nhân dân cấp xã", "2026-01/2026-03"),
    _fact("deadline", "Sở Tài chính", recurrence="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20"),
    _fact("target", None, period="2021 - 2025", doc="b"),
    _fact("responsibility", "Sở Tài chính", role="phối hợp"),
]


def test_agency_by_any_of_its_names():
    assert len(select(FACTS, agency="Sở KH&CN")) == 2
    assert [f.agency for f in select(FACTS, agency="UBND")] == ["Ủy ban nhân dân cấp xã"]  # a broader name covers it
    assert select(FACTS, agency="Sở Tài chính", role="phối hợp")[0].kind == "responsibility"


def test_due_before_keeps_dated_and_recurring_deadlines_in_the_window():
    due = select(FACTS, kind="deadline", due_before="2025-12-31")
    assert [f.due_iso for f in due] == ["2025-12-15", None]  # the quarter 2026 is out; the yearly one recurs
    assert [f.due_iso for f in select(FACTS, due_before=date(2026, 3, 31), kind="deadline")][:2] == [
        "2025-12-15", "2026-01/2026-03"]


def test_period_and_documents():
    assert [f.kind for f in select(FACTS, period="2025", doc_ids={"b"})] == ["deadline", "target"]
    assert [f.kind for f in select(FACTS, period="2026")] == ["deadline"]


def test_ordered_by_due_date_undated_last():
    ordered = select(FACTS)
    assert ordered[0].due_iso == "2025-12-15" and ordered[-1].due_iso is None


def test_record_keeps_every_field_and_adds_the_new_views():
    record = fact_record(FACTS[1], label=lambda d: f"Kế hoạch {d}")
    assert {"kind", "subject", "value", "unit", "period", "due", "agency", "role", "quote", "doc_id", "path"} <= set(record)
    assert record["due_text"] == "hạn" and record["due_end"] == "2025-12-15" and record["document"] == "Kế hoạch b"
    assert agencies_of(FACTS)[0] in ("Sở Khoa học và Công nghệ", "Sở Tài chính")
