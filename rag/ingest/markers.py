"""Recognize the structural markers that start a clause line: I., 1., 2.1., a), (8), -, Điều 5., …

Markdown left over from conversion (`###`, `**`) is decoration, not structure: it is skipped
when a marker is looked for, but never removed from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DECORATION = re.compile(r"^(?:#{1,6}\s*)?(?:\*{1,3}\s*)?")
_BULLET = re.compile(r"^[-–•+]\s+")
_ROMAN = re.compile(r"^(?=[IVXL])(L?X{0,3})(IX|IV|V?I{0,3})$")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^(?:PHẦN|Phần)\s+(THỨ\s+[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]+|[IVXL]+|\d+)\b")),
    ("chapter", re.compile(r"^(?:CHƯƠNG|Chương)\s+([IVXL]+|\d+)\b")),
    ("lawsection", re.compile(r"^(?:MỤC|Mục)\s+(\d+)\b")),
    # "Điều 5. Quyền", and in older laws "Điều 5" alone or "Điều 5 Chính sách …" (no dot)
    ("article", re.compile(r"^Điều\s+(\d+[a-zđ]?)\s*(?:[.:]|$|(?=[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]))")),
    ("roman", re.compile(r"^([IVXL]{1,6})[.)]\s*(?=\S)")),
    # '2.1.', '1.2.3' number clauses; '3.000' (three digits after the dot) is a thousand
    ("decimal", re.compile(r"^(\d{1,3}(?:\.\d{1,2}){1,3})\.?\s+(?=\S)")),
    ("decimal", re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])\)\s*(?=\S)")),
    ("paren", re.compile(r"^\((\d{1,3})\)\s*(?=\S)")),
    ("ordinal", re.compile(r"^Thứ\s+(nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\s*[,:.]", re.I)),
)


@dataclass(frozen=True)
class Marker:
    """A clause marker found at the start of a line."""

    kind: str  # part, chapter, lawsection, article, roman, decimal, letter, paren, ordinal, dash
    label: str  # "II", "2.1", "a", "8", "Thứ nhất", "Điều 5"
    rest: str  # the heading text after the marker, decoration removed

    @property
    def depth(self) -> int:
        """Nesting depth of a decimal label (2.1 → 2); 1 for other kinds."""
        return self.label.count(".") + 1 if self.kind == "decimal" else 1

    @property
    def rank(self) -> str:
        """The kind that decides siblinghood: '2.1' and '3.4' are siblings, '2' is their parent."""
        return f"decimal{self.depth}" if self.kind == "decimal" else self.kind


def _strip_heading(text: str) -> str:
    return text.strip().strip("*").strip().rstrip(":").strip()


def detect_marker(line: str) -> Marker | None:
    """The clause marker at the start of `line`, or None for a continuation line."""
    bare = _DECORATION.sub("", line.strip(), count=1)
    bullet = _BULLET.match(bare)
    if bullet:
        inner = detect_marker(bare[bullet.end():])
        if inner is not None and inner.kind != "dash":
            return inner  # "- (1) Tốc độ tăng trưởng…" is target (1), not a bullet
        return Marker("dash", "-", _strip_heading(bare[bullet.end():]))
    for kind, pattern in _PATTERNS:
        match = pattern.match(bare)
        if not match:
            continue
        label = match.group(1)
        if kind == "roman" and not _ROMAN.match(label):
            continue
        if kind == "ordinal":
            label = "Thứ " + label.lower()
        elif kind == "article":
            label = "Điều " + label
        elif kind in ("part", "chapter", "lawsection"):
            label = match.group(0).strip()
        return Marker(kind, label, _strip_heading(bare[match.end():]))
    return None
