"""The register across documents (pure): select facts by agency, kind, document, period and due
date, order them, and turn them into plain records for JSON, CSV, XLSX and the UI.

    select(facts, agency="Sở Tài chính", kind="responsibility")          # what one agency must do
    select(facts, kind="deadline", due_before="2025-12-31")              # what falls due by a date
    select(facts, kind="target", period="2025")                          # targets set for 2025

An agency matches by its canonical name (rag.facts.agencies), so 'Sở KH&CN' finds the duties of
'Sở Khoa học và Công nghệ', and a broader name finds the narrower ones ('Ủy ban nhân dân' finds
'Ủy ban nhân dân cấp xã').
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from rag.facts.agencies import agency_key
from rag.facts.times import iso_end, iso_start
from rag.text import match_key
from rag.types import Fact

KIND_NAMES = {"target": "Chỉ tiêu", "deadline": "Thời hạn", "responsibility": "Trách nhiệm"}
COLUMNS = ("kind", "agency", "role", "task", "value", "unit", "comparator", "period", "due", "due_iso", "due_end",
           "recurrence", "document", "path", "page", "quote", "doc_id", "agency_text", "indicator", "subject",
           "start", "end", "source")


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return iso_end(value.strip()) if value.strip() else None


def due_end(fact: Fact) -> date | None:
    """The last day a fact's deadline allows ('tháng 12 năm 2025' → 2025-12-31); None when undated."""
    return iso_end(fact.due_iso)


def _years(text: str | None) -> set[int]:
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", text or "")]
    if len(years) == 2 and years[0] < years[1]:
        return set(range(years[0], years[1] + 1))
    return set(years)


def in_period(fact: Fact, period: str) -> bool:
    """Does the fact concern `period` ('2025', '2026 - 2030')? Deadlines by their date, targets by
    the period they are set for."""
    wanted = _years(period)
    if not wanted:
        return True
    if fact.due_iso:
        first, last = iso_start(fact.due_iso), iso_end(fact.due_iso)
        if first and last and any(first.year <= y <= last.year for y in wanted):
            return True
    return bool(wanted & _years(fact.period)) or bool(wanted & _years(fact.due))


def agency_matches(fact_agency: str | None, wanted: str) -> bool:
    """The fact's agency is the wanted one, or one of the agencies a broader name covers."""
    if not fact_agency:
        return False
    have, want = agency_key(fact_agency), agency_key(wanted)
    return bool(want) and (have == want or want in have)


def select(facts: Iterable[Fact], agency: str | None = None, kind: str | Collection[str] | None = None,
           due_before: date | str | None = None, due_after: date | str | None = None,
           doc_ids: Collection[str] | None = None, period: str | None = None, text: str | None = None,
           role: str | None = None) -> list[Fact]:
    """The facts that pass every given filter, ordered by due date (undated last), document, position.

    `due_before`/`due_after` keep dated deadlines inside the window (by their last day) and keep
    recurring ones, which fall due in every window; undated facts are dropped by a date filter.
    """
    kinds = {kind} if isinstance(kind, str) else set(kind) if kind else None
    before, after = _as_date(due_before), _as_date(due_after)
    needle = match_key(text).strip() if text else ""
    out = []
    for fact in facts:
        if kinds and fact.kind not in kinds:
            continue
        if doc_ids is not None and fact.doc_id not in doc_ids:
            continue
        if agency and not agency_matches(fact.agency, agency):
            continue
        if role and fact.role != role:
            continue
        if period and not in_period(fact, period):
            continue
        if before or after:
            end = due_end(fact)
            if end is None and not fact.recurrence:
                continue
            if end is not None and ((before and end > before) or (after and end < after)):
                continue
        if needle and needle not in match_key(f"{fact.subject} {fact.quote} {fact.task or ''}"):
            continue
        out.append(fact)
    return sorted(out, key=sort_key)


def sort_key(fact: Fact) -> tuple[Any, ...]:
    end = due_end(fact)
    return (end is None, end or date.max, fact.doc_id, fact.start, ("deadline", "responsibility", "target").index(fact.kind))


def agencies_of(facts: Iterable[Fact]) -> list[str]:
    """Every canonical agency of the register, most duties first (for filters and menus)."""
    counts: dict[str, int] = {}
    for fact in facts:
        if fact.agency:
            counts[fact.agency] = counts.get(fact.agency, 0) + 1
    return sorted(counts, key=lambda a: (-counts[a], a))


def fact_record(fact: Fact, label: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A fact as a plain record: every field of the Fact, plus due_text, due_end and the document label."""
    record = asdict(fact)
    end = due_end(fact)
    record.update(due_text=fact.due, due_end=end.isoformat() if end else None,
                  document=label(fact.doc_id) if label else fact.doc_id)
    return record


def rows(facts: Sequence[Fact], label: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    """Records with the export columns, in `COLUMNS` order (CSV, XLSX)."""
    out = []
    for fact in facts:
        record = fact_record(fact, label)
        record["kind"] = KIND_NAMES.get(fact.kind, fact.kind)
        record["task"] = fact.task or fact.indicator or fact.subject
        out.append({column: record.get(column) for column in COLUMNS})
    return out
