"""Facts a directive demands — targets, deadlines, responsibilities — as typed records (pure).

Each fact is anchored to a verbatim quote of the clause it comes from; nothing is inferred
beyond what the sentence says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rag.answer.units import AGENCY, DATE, QUANTITY, is_agency_heading, strip_marker, units_of
from rag.types import Chunk, Fact

_VALUE = re.compile(
    r"(?:(?:đạt|tăng|giảm|còn|chiếm|khoảng|tối thiểu|trên|dưới|từ)\s+)*"
    r"(\d+(?:[.,]\d+)*(?:\s*-\s*\d+(?:[.,]\d+)*)?)\s*(%|‰|tỷ\s+(?:đồng|USD)|triệu\s+(?:đồng|tấn|lượt|USD)|"
    r"nghìn\s+\w+|USD|xã|người|đảng viên|bác sĩ|lượt|tấn|ha|km)?"
)
_TARGET_HINT = re.compile(r"\b(đạt|tăng|giảm|còn|chiếm|phấn đấu|tỷ lệ|tốc độ|công nhận|hoàn thành)\b", re.I)
_DEADLINE_HINT = re.compile(r"\b(trước ngày|chậm nhất|hạn|thời gian|định kỳ)\b", re.I)
_YEAR = re.compile(r"\b(?:năm|giai đoạn|đến năm)\s+(\d{4}(?:\s*-\s*\d{4})?)")


def _is_amount(body: str, match: re.Match[str]) -> bool:
    """A measured amount ('76%', '24 xã'), not a document number ('số 1519/QĐ-TTg') or a duration."""
    if not match.group(2) or not QUANTITY.search(match.group(1)):
        return False
    before, after = body[: match.start(1)].rstrip().lower(), body[match.end(1): match.end(1) + 1]
    return not before.endswith("số") and after != "/"


def _role(text: str) -> str:
    lowered = text.lower()
    if "chủ trì" in lowered:
        return "chủ trì"
    if "phối hợp" in lowered:
        return "phối hợp"
    return "thực hiện"


def extract_facts(doc_id: str, text: str, chunks: Iterable[Chunk], title: str = "",
                  path_of: Callable[[Chunk, int], str] | None = None) -> list[Fact]:
    """Targets, deadlines and responsibilities found in a document's body chunks.

    `path_of(chunk, offset)` names the exact clause of a quote (default: the chunk's path).
    """
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for chunk in chunks:
        if chunk.section not in ("body", "preamble"):
            continue
        first = chunk.text.split("\n", 1)[0]
        heading_agency = (strip_marker(first.replace("#", "").replace("**", "").strip())
                          if is_agency_heading(first) else None)
        for unit in units_of(chunk, text, 0, title):
            quote = unit.text
            path = path_of(chunk, unit.start) if path_of else chunk.path
            if (unit.start, unit.end) != unit.sentence and len(quote) < 12:
                continue
            body = strip_marker(quote)
            period = _YEAR.search(f"{unit.lead} {quote}") or _YEAR.search(title)
            value = next((m for m in _VALUE.finditer(body) if _is_amount(body, m)), None)
            if value and (_TARGET_HINT.search(body) or (unit.start, unit.end) != unit.sentence):
                key = ("target", body)
                if key not in seen and len(body) <= 400:
                    seen.add(key)
                    subject = body[: value.start()].strip(" :,;")
                    subject = subject if len(subject) >= 12 else body
                    facts.append(Fact("target", subject, value.group(1), value.group(2), period.group(1) if period else None,
                                      None, None, None, quote, doc_id, path))
            date = next((m for m in DATE.finditer(body) if re.search(r"ngày|tháng|quý|định kỳ", m.group(0), re.I)), None)
            if date and _DEADLINE_HINT.search(body) and (unit.start, unit.end) == unit.sentence:
                key = ("deadline", body)
                if key not in seen:
                    seen.add(key)
                    facts.append(Fact("deadline", body, None, None, None, date.group(0), heading_agency, None,
                                      quote, doc_id, path))
            starts_with_agency = AGENCY.match(re.sub(r"^(?:Giao|Đề nghị)\s+", "", body))
            if (unit.start, unit.end) == unit.sentence and (heading_agency or starts_with_agency):
                agency = heading_agency or body.split(":", 1)[0][:120]
                key = ("responsibility", body)
                if key not in seen:
                    seen.add(key)
                    facts.append(Fact("responsibility", body, None, None, None,
                                      date.group(0) if date else None, agency, _role(body), quote, doc_id, path))
    return facts
