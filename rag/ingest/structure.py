"""Document structure: the header block gives DocMeta, the body a clause tree (pure functions).

Works on lines, because converted laws often have no blank lines at all. Markdown
decoration (`##`, `**`) is looked through, never removed from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.markers import Marker, detect_marker
from rag.types import Clause, DocMeta

DOC_TYPES = (
    "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư liên tịch",
    "Thông tư", "Chỉ thị", "Kế hoạch", "Hướng dẫn", "Thông báo", "Công văn", "Báo cáo",
    "Quy định", "Quy chế", "Chương trình", "Đề án", "Tờ trình", "Công điện", "Lệnh", "Hiến pháp",
)
_TYPE_BY_UPPER = {t.upper(): t for t in DOC_TYPES}
_TYPE_BY_CODE = {
    "CT": "Chỉ thị", "KH": "Kế hoạch", "QĐ": "Quyết định", "NĐ": "Nghị định", "TT": "Thông tư",
    "NQ": "Nghị quyết", "QH": "Luật", "TB": "Thông báo", "BC": "Báo cáo", "HD": "Hướng dẫn",
    "CV": "Công văn", "CĐ": "Công điện", "TTr": "Tờ trình", "PL": "Pháp lệnh",
}
_CONTAINERS = ("part", "chapter", "lawsection")
_DECOR = re.compile(r"^[#*\s]+|[*\s]+$")
_NUMBER_LINE = re.compile(r"^(?:Số|[\w ]{0,20}số)\s*:?\s*(.*)$", re.I)
_NUMBER = re.compile(r"^(\d*)\s*/\s*([0-9A-Za-zĐđ\-/]+)")
_PLACE_DATE = re.compile(
    r"^([^\d,:;]{2,40}?),\s*(ngày\s*(\d{0,2})\s*tháng\s*(\d{0,2})\s*năm\s*(\d{4}))", re.I
)
# The national motto sits beside the issuer in the two-column header; PDF text puts both on one line.
_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc"
                    r"|[-_*=]{3,}", re.I)
_PLACE_DATE_ANY = re.compile(
    r"((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){0,3}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+),\s*(ngày\s*(\d{0,2})\s*tháng\s*(\d{0,2})\s*năm\s*(\d{4}))"
)
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,5}$")
_CLOSING = re.compile(r"^(?:Nơi nhận|TM\.|KT\.|Q\.|TL\.|TUQ\.)", re.I)
_PREAMBLE_START = re.compile(r"^(?:Căn cứ|Thực hiện|Theo|Để|Năm \d|Nhằm|Trong|Ngày|Trên cơ sở)", re.I)
_REPORTED_TAIL = (
    r"([^.;\n]{0,80}?)\s+ban hành\s+(" + "|".join(DOC_TYPES) + r")\s+số\s+(\d+/[0-9A-Za-zĐđ\-]+)"
)
_REPORTED_DATED = re.compile(r"[Nn]gày\s+(\d{1,2})/(\d{1,2})/(\d{4}),?\s+" + _REPORTED_TAIL)
_REPORTED = re.compile(r"()()()" + _REPORTED_TAIL)
_ISSUER_PLACE = re.compile(
    r"(UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân)\s+(TP\.?|thành phố|tỉnh|huyện|quận|thị xã)\s+"
    r"((?:[A-ZĐÀ-Ỹ][\wà-ỹđ]*)(?:\s+[A-ZĐÀ-Ỹ][\wà-ỹđ]*){0,3})"
)


@dataclass(frozen=True)
class Line:
    """A non-empty line of the normalized text with its span."""

    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return _DECOR.sub("", self.text)


@dataclass(frozen=True)
class Layout:
    """Where the header, body and closing (recipients, signature) regions lie."""

    header_end: int
    body_start: int
    body_end: int


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their [start, end) spans."""
    lines = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return lines


def _doc_type_of(line: str) -> str | None:
    return _TYPE_BY_UPPER.get(_DECOR.sub("", line).upper()) if len(line) < 40 else None


def _type_from_number(number: str) -> str | None:
    for code in re.split(r"[/\-]", number)[1:]:
        if code in _TYPE_BY_CODE:
            return _TYPE_BY_CODE[code]
        if code.startswith("QH"):
            return "Luật"
    return None


def _find_header(lines: list[Line]) -> dict[str, object]:
    """Header facts from the first lines: number, place/date, type, title, issuer lines."""
    found: dict[str, object] = {}
    issuer_lines: list[str] = []
    for i, line in enumerate(lines[:40]):
        bare = _MOTTO.sub(" ", line.bare).strip()
        if detect_marker(line.text) is not None and "type_index" in found:
            break
        if not bare:
            continue
        if "number_raw" not in found and (m := _NUMBER_LINE.match(bare)) and "/" in m.group(1):
            found["number_raw"] = m.group(1)
            found["number_index"] = i
            if "place" not in found and (d := _PLACE_DATE_ANY.search(m.group(1))):  # "Số: 12/CT-UBND  Điện Biên, ngày …"
                found["place"], found["issued_text"] = d.group(1).strip(), d.group(2)
                found["date_parts"] = (d.group(3), d.group(4), d.group(5))
                found["date_index"] = i
            continue
        if "place" not in found and (m := _PLACE_DATE.match(bare.replace("*", ""))):
            found["place"], found["issued_text"] = m.group(1).strip(), m.group(2)
            found["date_parts"] = (m.group(3), m.group(4), m.group(5))
            found["date_index"] = i
            continue
        if "type_index" not in found and (doc_type := _doc_type_of(line.text)):
            found["doc_type"], found["type_index"] = doc_type, i
            continue
        if "number_index" not in found and "type_index" not in found and bare.isupper() and len(bare) < 80:
            issuer_lines.append(bare)
    found["issuer_lines"] = [s for s in issuer_lines if s]
    return found


def _title_after(lines: list[Line], type_index: int, text: str) -> tuple[str | None, int]:
    """The title (trích yếu) after the type line, and the index of the first body line."""
    parts: list[str] = []
    i = type_index + 1
    while i < len(lines) and len(parts) < 3:
        line = lines[i]
        if detect_marker(line.text) or _PREAMBLE_START.match(line.bare) or len(line.text) > 300:
            break
        if parts and "\n\n" in text[lines[i - 1].end:line.start]:
            break
        parts.append(line.bare)
        i += 1
    return (" ".join(parts) or None), i


def _iso_date(parts: tuple[str, str, str]) -> str | None:
    day, month, year = parts
    if not (day and month and year):
        return None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _signature(lines: list[Line], closing_index: int) -> tuple[str | None, str | None]:
    """Signer name and title from the closing block (the last name-like line)."""
    for i in range(len(lines) - 1, max(closing_index, len(lines) - 30) - 1, -1):
        bare = lines[i].bare
        if _NAME.match(bare) and not bare.isupper():
            titles = [lines[j].bare for j in range(max(closing_index, i - 3), i) if lines[j].bare.isupper() and len(lines[j].bare) > 3]
            return bare, (" ".join(titles) or None)
    return None, None


def _closing_index(lines: list[Line], after: int) -> int:
    """Index of the first line of the closing block (Nơi nhận, TM./KT. signature), or len(lines).

    Only lines after the header count: a short decree's header may itself name the President.
    """
    tail_from = max(after, len(lines) - 40)
    for i in range(tail_from, len(lines)):
        bare = lines[i].bare
        if _CLOSING.match(bare) or (bare.isupper() and re.match(r"^(CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG)", bare)):
            return i
    return len(lines)


def _level_word(text: str) -> str:
    counts = {w: len(re.findall(rf"\b{w}\b", text)) for w in ("thành phố", "tỉnh", "huyện", "quận", "thị xã")}
    return max(counts, key=lambda w: counts[w])


def parse_meta_and_layout(text: str) -> tuple[DocMeta, Layout]:
    """Header block → DocMeta; also the layout regions used by the clause parser and chunker."""
    lines = split_lines(text)
    if not lines:
        return DocMeta(), Layout(0, 0, 0)
    head = _find_header(lines)
    header_lines = max((int(head[k]) for k in ("type_index", "date_index", "number_index") if k in head),  # type: ignore[call-overload]
                       default=0) + 1
    closing = _closing_index(lines, header_lines)
    signer, signer_title = _signature(lines, closing)
    body_end = lines[closing].start if closing < len(lines) else len(text)
    number = doc_type = title = issuer = place = issued_on = issued_text = None
    kind = "document"
    if "type_index" in head or "number_raw" in head:
        if "number_raw" in head and (m := _NUMBER.match(str(head["number_raw"]).replace("*", "").strip())):
            symbol = m.group(2)
            number = f"{m.group(1)}/{symbol}" if m.group(1) else None
            doc_type = _type_from_number("/" + symbol)
        doc_type = str(head.get("doc_type") or doc_type or "") or None
        type_index = int(head.get("type_index", head.get("date_index", head.get("number_index", 0))))  # type: ignore[call-overload]
        if "type_index" in head:
            title, first_body = _title_after(lines, type_index, text)
        else:
            first_body = type_index + 1
        place = str(head["place"]) if "place" in head else None
        issued_text = str(head["issued_text"]) if "issued_text" in head else None
        if "date_parts" in head:
            issued_on = _iso_date(head["date_parts"])  # type: ignore[arg-type]
        issuer_lines = head["issuer_lines"]
        if issuer_lines:
            issuer = " ".join(issuer_lines)  # type: ignore[arg-type]
        elif signer_title and "ỦY BAN NHÂN DÂN" in signer_title.upper() and place:
            issuer = f"Ủy ban nhân dân {_level_word(text)} {place}"
        header_end = lines[first_body - 1].end if first_body > 0 else 0
        body_start = lines[first_body].start if first_body < len(lines) else body_end
    else:
        kind = "news"
        title = lines[0].bare
        header_end, body_start = lines[0].end, lines[1].start if len(lines) > 1 else lines[0].end
        if m := (_REPORTED_DATED.search(text[:3000]) or _REPORTED.search(text[:3000])):
            day, month, year, who, doc_type, number = m.groups()
            if day:
                issued_on = _iso_date((day, month, year))
                issued_text = f"ngày {day}/{month}/{year}"
            if im := _ISSUER_PLACE.search(who):
                issuer, place = im.group(0), im.group(3)
    meta = DocMeta(
        number=number, doc_type=doc_type, issuer=issuer, place=place, issued_on=issued_on,
        issued_text=issued_text, title=title, signer=signer, signer_title=signer_title, kind=kind,
    )
    return meta, Layout(header_end=header_end, body_start=min(body_start, body_end), body_end=body_end)


def parse_meta(text: str) -> DocMeta:
    """The DocMeta of a normalized document text."""
    return parse_meta_and_layout(text)[0]


# ---------------------------------------------------------------- clause tree


@dataclass
class _Node:
    marker: Marker
    component: str
    path: str
    start: int
    head_end: int
    end: int
    children: list[_Node]

    def freeze(self) -> Clause:
        heading = f"{self.marker.label}. {self.marker.rest}" if self.marker.rest else self.marker.label
        if self.marker.kind in ("paren",):
            heading = f"({self.marker.label}) {self.marker.rest}"
        elif self.marker.kind in ("letter",):
            heading = f"{self.marker.label}) {self.marker.rest}"
        elif self.marker.kind == "dash":
            heading = f"- {self.marker.rest}"
        elif self.marker.kind in _CONTAINERS:
            heading = f"{self.marker.label} {self.marker.rest}".strip()
        return Clause(
            path=self.path, heading=heading[:200], start=self.start, end=self.end,
            level=self.marker.kind, head_end=self.head_end,
            children=tuple(c.freeze() for c in self.children),
        )


def _component(marker: Marker, parent: _Node | None, dash_index: int) -> str:
    if marker.kind == "paren":
        return f"({marker.label})"
    if marker.kind == "dash":
        return f"-{dash_index}"
    return marker.label


def _join_path(parent: _Node | None, component: str) -> str:
    prefix = parent.path if parent else ""
    if not prefix:
        return component
    if parent and parent.marker.kind == "decimal" and component.startswith(parent.component + "."):
        return prefix[: len(prefix) - len(parent.component)] + component  # "I.2" + "2.1" → "I.2.1"
    return f"{prefix}.{component}"


def parse_clauses(text: str, start: int, end: int) -> list[Clause]:
    """The clause tree of text[start:end] (the body). Top-level clauses in document order."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    lines = [ln for ln in split_lines(text[start:end])]
    for idx, line in enumerate(lines):
        marker = detect_marker(line.text)
        if marker is None:
            continue
        abs_start, head_end = start + line.start, start + line.end
        if marker.kind in _CONTAINERS:
            order = _CONTAINERS.index(marker.kind)
            while stack and not (stack[-1].marker.kind in _CONTAINERS and _CONTAINERS.index(stack[-1].marker.kind) < order):
                stack.pop()
            if not marker.rest and idx + 1 < len(lines) and lines[idx + 1].bare.isupper():
                marker = Marker(marker.kind, marker.label, lines[idx + 1].bare)
                head_end = start + lines[idx + 1].end
        elif marker.kind == "article":
            while stack and stack[-1].marker.kind not in _CONTAINERS:
                stack.pop()
        else:
            ranks = [n.marker.rank for n in stack]
            if marker.rank in ranks:
                del stack[ranks.index(marker.rank):]
        parent = next((n for n in reversed(stack) if n.marker.kind not in _CONTAINERS), None)
        siblings = stack[-1].children if stack else roots
        dash_index = sum(1 for s in siblings if s.marker.kind == "dash") + 1
        component = _component(marker, parent, dash_index)
        path = marker.label if marker.kind in _CONTAINERS else _join_path(parent, component)
        node = _Node(marker, component, path, abs_start, head_end, end, [])
        siblings.append(node)
        stack.append(node)
    _close(roots, end)
    return [n.freeze() for n in roots]


def _close(nodes: list[_Node], end: int) -> None:
    """Set each node's end to the start of its next sibling (or the parent's end)."""
    for i, node in enumerate(nodes):
        node.end = nodes[i + 1].start if i + 1 < len(nodes) else end
        _close(node.children, node.end)


def iter_clauses(clauses: list[Clause] | tuple[Clause, ...]) -> list[Clause]:
    """All clauses of a tree in document order (pre-order)."""
    out: list[Clause] = []
    for clause in clauses:
        out.append(clause)
        out.extend(iter_clauses(clause.children))
    return out
