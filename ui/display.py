"""Text for display (pure): HTML escaping, Markdown decoration hidden, dates in one format.

Documents crawled from the web keep Markdown (`#### **1. Sở Nội vụ**`, `*Căn cứ …;*`, table
pipes). The stored text stays verbatim (quotes are verified against it); only what is shown is
cleaned, character by character, so a highlighted quote keeps its exact place.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rag.types import DocMeta

# Characters that page templates could interpret ({{ }}, ${ }, `) are escaped too: text from a
# document or a question is never code, whatever renders it.
_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})


def esc(text: str | None) -> str:
    """HTML-escaped text, safe inside elements and quoted attributes."""
    return html.escape(text or "", quote=True).translate(_EXTRA)


_HEADING = re.compile(r"(?m)^[ \t]*#{1,6}(?=[ \t*]|$)[ \t]*")
# ** anywhere; __ only as a delimiter (after a space, before a space or punctuation), never inside
# an identifier such as window.__name
_BOLD = re.compile(r"\*\*+|(?:(?<=\s)|^)__+(?=\S)|(?<=\S)__+(?=\s|$|[.,;:!?)])", re.MULTILINE)
_ITALIC_EDGE = re.compile(r"(?m)^[ \t]*\*(?=[^\s*])|(?<=[^\s*])\*[ \t]*$")
_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\(([^)\s]{0,500})\)")
_TABLE_LINE = re.compile(r"(?m)^[ \t]*\|.*$")
_ONLY_RULE = re.compile(r"^[\s|:\-]*$")
_INNER_PIPES = re.compile(r"[ \t]*\|[ \t|]*")

Edit = tuple[int, int, str]  # replace text[start:end] by the string


def markdown_edits(text: str) -> list[Edit]:
    """Where the text carries Markdown decoration, and what is shown instead (non-overlapping)."""
    edits: list[Edit] = []
    edits += [(m.start(), m.end(), "") for m in _HEADING.finditer(text)]
    edits += [(m.start(), m.end(), "") for m in _BOLD.finditer(text)]
    edits += [(m.start(), m.end(), "") for m in _ITALIC_EDGE.finditer(text)]
    for m in _LINK.finditer(text):  # [text](url) and ![alt](url): the words stay, the address goes
        edits += [(m.start(), m.start(1), ""), (m.end(1), m.end(), "")]
    for m in _TABLE_LINE.finditer(text):
        line = m.group()
        if _ONLY_RULE.match(line):  # |---|---| or a row of empty cells: the whole line goes
            end = m.end() + 1 if m.end() < len(text) else m.end()
            edits.append((m.start(), end, ""))
            continue
        for p in _INNER_PIPES.finditer(line):
            edge = not line[:p.start()].strip() or not line[p.end():].strip()
            edits.append((m.start() + p.start(), m.start() + p.end(), "" if edge else " · "))
    edits.sort(key=lambda e: (e[0], -e[1]))  # at one place, the longer decoration wins
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def plain_text(text: str) -> str:
    """The text as shown: Markdown decoration removed (no HTML escaping)."""
    out, at = [], 0
    for start, end, rep in markdown_edits(text):
        out += [text[at:start], rep]
        at = end
    out.append(text[at:])
    return "".join(out)


def display_html(text: str, marks: Sequence[tuple[int, int]] = (), mark_id: str = "") -> str:
    """Escaped text with Markdown decoration hidden and the spans `marks` wrapped in <mark>.

    Offsets in `marks` are offsets into `text` (the stored text), so a verified quote is marked
    exactly where it is, whatever decoration surrounds it.
    """
    shown = list(text)
    for start, end, rep in markdown_edits(text):
        shown[start:end] = [rep] + [""] * (end - start - 1)
    inside = [False] * len(text)
    for start, end in marks:
        for i in range(max(0, start), min(len(text), end)):
            inside[i] = True
    parts: list[str] = []
    i = 0
    first = True
    while i < len(text):
        j = i
        while j < len(text) and inside[j] == inside[i]:
            j += 1
        chunk = esc("".join(shown[i:j]))
        if inside[i] and chunk:
            attr = f" id='{esc(mark_id)}'" if mark_id and first else ""
            first = False
            parts.append(f"<mark{attr}>{chunk}</mark>")
        else:
            parts.append(chunk)
        i = j
    return "".join(parts)


_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_DATE_SLASH = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YEAR = re.compile(r"năm\s*(\d{4})", re.IGNORECASE)


def format_issued(meta: DocMeta) -> str:
    """The issue date in one format: '21/02/2024', 'tháng 02/2021 (không ghi ngày)', or '(không ghi ngày)'."""
    if meta.issued_on and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.issued_on):
        year, month, day = meta.issued_on.split("-")
        return f"{day}/{month}/{year}"
    written = meta.issued_text or ""
    if m := _DATE_WORDS.search(written):
        day, month, year = m.groups()
        if day:
            return f"{int(day):02d}/{int(month):02d}/{year}"
        return f"tháng {int(month):02d}/{year} (không ghi ngày)"
    if m := _DATE_SLASH.search(written):
        return f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}"
    if m := _YEAR.search(written):
        return f"năm {m.group(1)} (không ghi ngày, tháng)"
    return "(không ghi ngày)"


def doc_line(meta: DocMeta) -> str:
    """'Kế hoạch 33/KH-UBND · Cần Thơ · 21/02/2024'."""
    date = format_issued(meta) if (meta.issued_on or meta.issued_text) else ""
    parts = [plain_text(meta.label()), meta.place or "", date]
    return " · ".join(p for p in parts if p)
