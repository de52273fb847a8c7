"""Score extracted facts against the gold register (pure matching, plus the document loading).

A gold record is matched by at most one extracted record of its kind whose quote overlaps the
gold anchor (a verbatim phrase of the document, found whitespace- and markup-insensitively):
- target: same value (spaces ignored) and a compatible unit ('%' matches '%/năm');
- deadline: the extracted time expression contains the gold one ('31 tháng 12 năm 2024' in
  'Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024'); 'with agency' also needs the same
  agency (rag.facts.agencies.same_agency);
- responsibility: same agency and the same role.
Precision counts the extracted records inside the gold scope that match a gold record one to one.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.facts.agencies import same_agency
from rag.text import match_key
from rag.types import Fact

KINDS = ("target", "deadline", "responsibility")
_GOLD_KEY = {"target": "targets", "deadline": "deadlines", "responsibility": "responsibilities"}


class GoldError(Exception):
    """The gold register does not fit its document (an anchor that is not in the text)."""


@dataclass
class Located:
    """A normalized view of a document for finding anchors: text without markup, spaces collapsed."""

    text: str
    flat: str = ""
    offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        out: list[str] = []
        for i, ch in enumerate(self.text):
            if ch in "*#_|":
                continue
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            self.offsets.append(i)
        self.flat = match_key("".join(out))

    def find(self, phrase: str, start: int = 0) -> tuple[int, int] | None:
        """Span in the original text of the first occurrence of `phrase` at or after `start`."""
        key = match_key(re.sub(r"\s+", " ", re.sub(r"[*#_|]", "", phrase)).strip())
        flat_start = bisect.bisect_left(self.offsets, start)
        at = self.flat.find(key, flat_start)
        if at < 0 or not key:
            return None
        return self.offsets[at], self.offsets[at + len(key) - 1] + 1


def _norm_value(value: str | None) -> str:
    return re.sub(r"\s+|%", "", (value or "").replace("–", "-"))


def _norm_unit(unit: str | None) -> str:
    return re.sub(r"\s+", "", match_key(unit or "")).replace("µ", "μ")


def _norm_due(due: str | None) -> str:
    key = match_key(re.sub(r"\s+", " ", due or "")).replace("hàng", "hằng")
    return re.sub(r"\b0(\d)\b", r"\1", key)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def matches(kind: str, gold: dict[str, Any], fact: Fact, span: tuple[int, int], with_agency: bool = False) -> bool:
    """Does an extracted fact match one gold record (span: the gold anchor's span in the text)?"""
    if fact.kind != kind or not _overlaps((fact.start, fact.end), span):
        return False
    if kind == "target":
        gu, fu = _norm_unit(gold.get("unit")), _norm_unit(fact.unit)
        return _norm_value(gold["value"]) == _norm_value(fact.value) and (not gu or fu.startswith(gu) or gu.startswith(fu))
    if kind == "deadline":
        if _norm_due(gold["due"]) not in _norm_due(fact.due):
            return False
        return not with_agency or same_agency(gold["agency"] or "", fact.agency or "")
    return fact.role == gold["role"] and same_agency(gold["agency"], fact.agency or "")


def _assign(kind: str, golds: Sequence[tuple[dict[str, Any], tuple[int, int]]], facts: Sequence[Fact],
            with_agency: bool = False) -> dict[int, int]:
    """One-to-one matching, gold records in order, each taking the best-overlapping free fact."""
    taken: dict[int, int] = {}
    used: set[int] = set()
    for gi, (gold, span) in enumerate(golds):
        best, best_overlap = None, 0
        for fi, fact in enumerate(facts):
            if fi in used or not matches(kind, gold, fact, span, with_agency):
                continue
            overlap = min(fact.end, span[1]) - max(fact.start, span[0])
            if best is None or overlap > best_overlap:
                best, best_overlap = fi, overlap
        if best is not None:
            taken[gi] = best
            used.add(best)
    return taken


def scope_spans(located: Located, scope: Iterable[Sequence[str]] | None) -> list[tuple[int, int]]:
    """The parts of the document the gold register covers (the whole text when unscoped)."""
    if not scope:
        return [(0, len(located.text))]
    spans = []
    for begin, end in scope:
        a = located.find(begin)
        if a is None:
            raise GoldError(f"không thấy đầu phạm vi «{begin}»")
        b = located.find(end, a[1])
        if b is None:
            raise GoldError(f"không thấy cuối phạm vi «{end}»")
        spans.append((a[0], b[0]))
    return spans


def _anchor(located: Located, spans: Sequence[tuple[int, int]], record: dict[str, Any], doc: str) -> tuple[int, int]:
    """The span of a gold record's anchor inside the scope; an anchor found twice needs 'nth' (1-based)."""
    found = []
    for s, e in spans:
        at = s
        while (span := located.find(record["anchor"], at)) is not None and span[0] < e:
            found.append(span)
            at = span[0] + 1
    nth = int(record.get("nth", 1 if len(found) == 1 else 0))
    if not found:
        raise GoldError(f"{doc}: không thấy «{record['anchor']}» trong phạm vi")
    if nth < 1 or nth > len(found):
        raise GoldError(f"{doc}: «{record['anchor']}» xuất hiện {len(found)} lần; ghi rõ 'nth'")
    return found[nth - 1]


def score_document(gold: dict[str, Any], text: str, facts: Sequence[Fact]) -> dict[str, Any]:
    """Counts for one document: gold, found, matched per kind, deadlines with agency, periods; misses."""
    located = Located(text)
    spans = scope_spans(located, gold.get("scope"))
    inside = [f for f in facts if any(s <= f.start < e for s, e in spans)]
    out: dict[str, Any] = {"doc": gold["doc"], "label": gold.get("label", ""), "split": gold.get("split", "")}
    misses: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for kind in KINDS:
        golds = [(record, _anchor(located, spans, record, gold["doc"])) for record in gold.get(_GOLD_KEY[kind], [])]
        mine = [f for f in inside if f.kind == kind]
        taken = _assign(kind, golds, mine)
        row = {"gold": len(golds), "found": len(mine), "matched": len(taken)}
        if kind == "deadline":
            with_agency = [(g, s) for g, s in golds if g.get("agency")]
            agency_taken = _assign(kind, with_agency, mine, with_agency=True)
            row["gold_with_agency"] = len(with_agency)
            row["matched_with_agency"] = len(agency_taken)
            for gi, (g, _) in enumerate(with_agency):
                if gi not in agency_taken:
                    got = next((mine[fi].agency for gj, fi in taken.items() if golds[gj][0] is g), None)
                    misses.append({"kind": "deadline agency", "due": g["due"], "agency": g["agency"], "got": got})
        if kind == "target":
            periods = [(g, s) for g, s in golds if g.get("period")]
            row["gold_with_period"] = len(periods)
            row["matched_with_period"] = sum(
                1 for gi, fi in taken.items() if golds[gi][0].get("period") and mine[fi].period in golds[gi][0]["period"])
        out[kind] = row
        misses += [{"kind": kind, **golds[gi][0]} for gi in range(len(golds)) if gi not in taken]
        used = set(taken.values())
        extra += [{"kind": kind, "quote": f.quote[:160], "value": f.value, "unit": f.unit, "due": f.due,
                   "agency": f.agency, "role": f.role, "path": f.path} for fi, f in enumerate(mine) if fi not in used]
    out["misses"], out["extra"] = misses, extra
    return out


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Recall per kind, deadlines with agency, responsibilities with agency and role, precision."""
    def total(kind: str, key: str) -> int:
        return sum(r[kind][key] for r in rows)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    found = sum(total(k, "found") for k in KINDS)
    matched = sum(total(k, "matched") for k in KINDS)
    return {
        "documents": len(rows),
        "recall_targets": ratio(total("target", "matched"), total("target", "gold")),
        "recall_targets_with_period": ratio(total("target", "matched_with_period"), total("target", "gold_with_period")),
        "recall_deadlines": ratio(total("deadline", "matched"), total("deadline", "gold")),
        "recall_deadlines_with_agency": ratio(total("deadline", "matched_with_agency"), total("deadline", "gold_with_agency")),
        "recall_responsibilities": ratio(total("responsibility", "matched"), total("responsibility", "gold")),
        "precision": ratio(matched, found),
        "precision_by_kind": {k: ratio(total(k, "matched"), total(k, "found")) for k in KINDS},
        "counts": {k: {"gold": total(k, "gold"), "found": total(k, "found"), "matched": total(k, "matched")} for k in KINDS},
    }


def load_gold(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
