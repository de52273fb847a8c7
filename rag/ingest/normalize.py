"""Text normalization: Unicode NFC, whitespace, paragraph repair, and match keys for Vietnamese.

The normalized text is the quotable source of truth, so normalization only repairs layout
(whitespace, line wraps, page-break splits); it never rewrites words. Tone-mark placement
(hòa/hoà) and diacritics are unified only in *match keys*, used for search, never shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rag.ingest.markers import detect_marker
from rag.types import PageSpan

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
# A paragraph that ends like this is complete; anything else may continue after a page break.
_TERMINAL = re.compile(r"[.;:!?…)\]”\"'/]\s*$")
_LOWER_START = re.compile(r"^[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
_CONNECTOR_END = re.compile(r"(?:^|\s)(?:và|của|các|cho|với|về|theo|tại|trong|hoặc|để|từ|đến|những|là|được|có|do|bởi|"
                            r"nhằm|như|thuộc|cùng|số|ngày|tháng|năm)\s*$", re.I)
_DASH_ITEM = re.compile(r"^[-–•+]\s+[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]")


def clean_unicode(text: str) -> str:
    """NFC, LF line ends, no invisible or control characters, no-break spaces as spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    return _CONTROL.sub(" ", text)


def _has_lower(text: str) -> bool:
    """Any lower-case letter? (A regex range such as à-ỹ would also hold capitals like Ế.)"""
    return any(ch.islower() for ch in text)


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _strong_marker(line: str) -> bool:
    """Markers a wrapped line is unlikely to start with: II., a), (8), Điều 5. — not '-' or '2.'."""
    marker = detect_marker(line)
    return marker is not None and marker.kind not in ("dash", "decimal")


def _reflow(lines: list[str]) -> list[str]:
    """Join lines that a PDF wrapped mid-paragraph; keep structural line starts."""
    widths = sorted(len(ln) for ln in lines if ln)
    width = widths[int(len(widths) * 0.9)] if widths else 0
    paragraphs: list[str] = []
    for line in lines:
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        prev = paragraphs[-1] if paragraphs else ""
        prev_last = prev.rsplit("\n", 1)[-1]
        prev_ends = _TERMINAL.search(prev_last) is not None
        prev_full = len(prev_last) >= 0.85 * width
        starts_new = (
            not prev
            # a marker after a full, unfinished line is a wrapped "- 2025" or "2. Điều này"
            or _strong_marker(line)
            or _DASH_ITEM.match(line) is not None  # "- Tiếp tục …": a list item, not a wrapped "- xã hội"
            or (detect_marker(line) is not None and (prev_ends or not prev_full or not _has_lower(prev_last)))
            or (prev_ends and not prev_full)
            or (len(prev_last) < 0.6 * width and not _LOWER_START.match(line))
            or (not _has_lower(prev_last)) != (not _has_lower(line))
        )
        if starts_new and prev and _CONNECTOR_END.search(prev_last) and not _strong_marker(line):
            starts_new = False  # '… Sở Văn hóa, Thể thao và' / 'Du lịch': a line never ends on 'và'
        if starts_new:
            paragraphs.append(line)
        elif re.search(r"[^\W\d_]-$", prev) and _LOWER_START.match(line):
            paragraphs[-1] = prev[:-1] + line  # a word hyphenated at the line end
        else:
            paragraphs[-1] = prev + " " + line
    return [p for p in paragraphs if p]


def _continues(prev: str, nxt: str) -> bool:
    """True when `nxt` is the rest of a sentence that a page break or blank line cut off."""
    tail = prev.rstrip("* ")
    if not tail or _TERMINAL.search(tail) or detect_marker(nxt) is not None:
        return False
    if nxt.startswith(("#", "*", "-", "|")):
        return False
    if _LOWER_START.match(nxt):
        return True
    # "… trong giai đoạn" / "2021 - 2030, tầm nhìn …": a long sentence cut before a number
    return bool(re.match(r"\d", nxt)) and len(tail) > 80 and bool(re.search(r"\w$", tail))


def normalize_pages(pages: Sequence[str], reflow: bool = False) -> tuple[str, tuple[PageSpan, ...]]:
    """Normalize page texts into one document text plus the character span of each page.

    Paragraphs are separated by one blank line. With `reflow` (PDF text) lines wrapped
    mid-paragraph are joined; in every case a sentence split by a page break or a stray
    blank line is joined back, so a clause reads as it was written.
    """
    # Each paragraph: its text plus (page, offset within the paragraph) where pages begin.
    paras: list[tuple[str, list[tuple[int, int]]]] = []
    for page_no, raw in enumerate(pages, start=1):
        lines = [_clean_line(ln) for ln in clean_unicode(raw).split("\n")]
        if reflow:
            blocks = _reflow(lines)
        else:
            blocks = [b.strip("\n") for b in _BLANK_LINES.split("\n".join(lines))]
        first = True
        for block in blocks:
            if not block.strip():
                continue
            if paras and _continues(paras[-1][0], block):
                text, marks = paras[-1]
                if first:
                    marks = marks + [(page_no, len(text) + 1)]
                paras[-1] = (text + " " + block, marks)
            else:
                paras.append((block, [(page_no, 0)]))
            first = False
    pieces: list[str] = []
    starts: dict[int, int] = {}
    offset = 0
    for text, marks in paras:
        for page_no, rel in marks:
            starts.setdefault(page_no, offset + rel)
        pieces.append(text)
        offset += len(text) + 2
    full = "\n\n".join(pieces)
    ordered = sorted(starts.items())
    spans = tuple(
        PageSpan(page, start, ordered[i + 1][1] if i + 1 < len(ordered) else len(full))
        for i, (page, start) in enumerate(ordered)
    )
    return full, spans


def normalize_text(raw: str) -> str:
    """Normalize a plain-text document (no reflow: its line breaks are the author's)."""
    return normalize_pages([raw])[0]
