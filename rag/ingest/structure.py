"""Document structure: the body as a clause tree (pure functions); lines with their spans.

Works on lines, because converted laws often have no blank lines at all. Markdown
decoration (`##`, `**`) is looked through, never removed from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.markers import Marker, detect_marker
from rag.types import Clause

DOC_TYPES = (
    "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư liên tịch",
    "Thông tư", "Chỉ thị", "Kế hoạch", "Hướng dẫn", "Thông báo", "Công văn", "Báo cáo",
    "Quy định", "Quy chế", "Chương trình", "Đề án", "Tờ trình", "Công điện", "Lệnh", "Hiến pháp",
)
_CONTAINERS = ("part", "chapter", "lawsection")
_DECOR = re.compile(r"^[#*\s]+|[*\s]+$")


@dataclass(frozen=True)
class Line:
    """A non-empty line of the normalized text with its span."""

    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return _DECOR.sub("", self.text)


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
