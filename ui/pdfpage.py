"""A PDF page as an image, with the quote's character boxes highlighted only when they verify.

A wrong highlight is worse than none. The boxes come from the PDF's own text layer (pypdfium2)
and are kept only if the characters they cover spell the quote exactly (whitespace aside), at
the same occurrence on the page as the cited span; otherwise the page is shown unmarked, with
the reason.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Dropped from match keys: whitespace, and what normalization removes (soft hyphen, zero widths).
_IGNORED = set("\u00ad\u200b\u200c\u200d\u2060\ufeff")
Box = tuple[float, float, float, float]  # left, top, width, height as fractions of the page


@dataclass(frozen=True)
class PageView:
    """One rendered page: a data: URI image and the verified highlight boxes (may be empty)."""

    page: int  # 1-based
    image: str
    boxes: tuple[Box, ...]
    verified: bool
    note: str = ""


def match_key(chars: Sequence[str]) -> tuple[str, list[int]]:
    """Decomposed (NFD) characters without whitespace, and for each the index of its source char."""
    key: list[str] = []
    owner: list[int] = []
    for i, ch in enumerate(chars):
        for c in unicodedata.normalize("NFD", ch):
            if c.isspace() or c in _IGNORED or unicodedata.category(c) == "Cc":
                continue
            key.append(c)
            owner.append(i)
    # canonical re-ordering of combining marks split over several PDF chars (length is unchanged)
    return unicodedata.normalize("NFD", "".join(key)), owner


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at >= 0 and needle:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def locate(pdf_chars: Sequence[str], page_text: str, start: int, end: int) -> list[int] | None:
    """Indices of the PDF chars spelling page_text[start:end], or None when that is not certain.

    The quote must occur in the PDF text as many times as in the stored page text, and the
    occurrence taken is the one with the same rank as the cited span, so a repeated phrase is
    never marked at the wrong place.
    """
    quote, _ = match_key(page_text[start:end])
    if not quote:
        return None
    text_key, text_owner = match_key(page_text)
    text_hits = _occurrences(text_key, quote)
    rank = next((n for n, at in enumerate(text_hits) if text_owner[at] >= start), None)
    if rank is None or text_owner[text_hits[rank]] >= end:
        return None
    pdf_key, pdf_owner = match_key(pdf_chars)
    pdf_hits = _occurrences(pdf_key, quote)
    if len(pdf_hits) != len(text_hits):
        return None
    at = pdf_hits[rank]
    indices = sorted(set(pdf_owner[at:at + len(quote)]))
    spelled, _ = match_key([pdf_chars[i] for i in range(indices[0], indices[-1] + 1)])
    return indices if spelled == quote else None


def line_boxes(char_boxes: Sequence[tuple[float, float, float, float]], width: float, height: float) -> list[Box]:
    """Character boxes (PDF points: left, bottom, right, top) merged per line, as page fractions."""
    lines: list[list[float]] = []
    for left, bottom, right, top in char_boxes:
        middle = (top + bottom) / 2
        if lines and lines[-1][1] <= middle <= lines[-1][3] and left >= lines[-1][0] - 1:
            line = lines[-1]
            line[0], line[1] = min(line[0], left), min(line[1], bottom)
            line[2], line[3] = max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [(left / width, (height - top) / height, (right - left) / width, (top - bottom) / height)
            for left, bottom, right, top in lines]


Crop = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page
MARGIN = 0.03  # white kept around the page's ink, as a fraction of the page width


@lru_cache(maxsize=32)
def _page_image(path: str, sha256: str, page: int, scale: float) -> tuple[str, Crop]:
    """The page rendered to PNG without its blank margins, as a data: URI, and the crop kept
    (cached per file version: the sha256 is part of the key)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    width, height = image.size
    ink = image.convert("L").point(lambda v: 255 if v < 235 else 0).getbbox()
    left, top, right, bottom = ink or (0, 0, width, height)
    pad = int(MARGIN * width)
    box = (max(0, left - pad), max(0, top - pad), min(width, right + pad), min(height, bottom + pad))
    out = io.BytesIO()
    # a 32-colour palette keeps text, stamps and signatures legible at a quarter of the size
    image.crop(box).quantize(32).save(out, format="PNG", optimize=True)
    crop = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii"), crop


def _in_crop(boxes: Sequence[Box], crop: Crop) -> tuple[Box, ...]:
    """Page-fraction boxes re-expressed as fractions of the cropped image."""
    x0, y0, x1, y1 = crop
    w, h = x1 - x0, y1 - y0
    return tuple(((x - x0) / w, (y - y0) / h, bw / w, bh / h) for x, y, bw, bh in boxes)


def _page_chars(path: str, page: int) -> tuple[list[str], list[tuple[float, float, float, float]], float, float]:
    """The page's characters, their (loose) boxes, and the page size in points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(path)
    try:
        handle = pdf[page - 1]
        width, height = handle.get_size()
        text = handle.get_textpage()
        count = text.count_chars()
        chars = [chr(pdfium_c.FPDFText_GetUnicode(text.raw, i)) for i in range(count)]
        boxes = [text.get_charbox(i, loose=True) for i in range(count)]
    finally:
        pdf.close()
    return chars, boxes, width, height


def render_page(path: Path, sha256: str, page: int, page_text: str, start: int | None, end: int | None,
                scale: float = 2.0) -> PageView:
    """Page `page` of the PDF with page_text[start:end] highlighted if, and only if, it verifies."""
    image, crop = _page_image(str(path), sha256, page, scale)
    if start is None or end is None:
        return PageView(page, image, (), False)
    chars, boxes, width, height = _page_chars(str(path), page)
    indices = locate(chars, page_text, start, end)
    if indices is None:
        return PageView(page, image, (), False, "chữ trên trang PDF không khớp chắc chắn với trích dẫn")
    picked = [boxes[i] for i in indices if not chars[i].isspace()]
    if any(r <= left or t <= b for left, b, r, t in picked):
        return PageView(page, image, (), False, "trang PDF không cho vị trí của một số ký tự")
    lines = _in_crop(line_boxes(picked, width, height), crop)
    if any(x < -0.01 or y < -0.01 or x + w > 1.01 or y + h > 1.01 for x, y, w, h in lines):
        return PageView(page, image, (), False, "vị trí ký tự nằm ngoài phần trang hiển thị")
    return PageView(page, image, lines, True)
