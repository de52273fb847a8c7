"""The register of one document (pure): every target, deadline and responsibility as a Fact
anchored to a verbatim quote (text[start:end] == quote), its clause path and page.

Stages: blocks (paragraphs under their headings, table rows) → clauses → targets, duties,
deadlines → Facts. A pure function of the parsed document, so it runs once at ingest and its
result is stored with the document.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from rag.facts.agencies import AgencySpan, canonical_agency, find_agencies
from rag.facts.blocks import Paragraph, Row, read_body
from rag.facts.duties import (
    COOP,
    DOER,
    LEAD,
    Act,
    Due,
    Duty,
    actors,
    agency_groups,
    deadline_times,
    enforcement,
    is_field,
    partners,
    role_at,
    short_task,
)
from rag.facts.targets import Target, find_targets, period_of, target_context
from rag.facts.times import TimeExpr, find_times
from rag.ingest.structure import iter_clauses, parse_clauses
from rag.types import Chunk, DocMeta, Fact, PageSpan, page_at

EXTRACTOR_VERSION = "4"  # bump when extraction changes: stored registers are then recomputed
_SENTENCE_END = re.compile(r"(?<![A-ZĐ][a-zđ]\.)(?<!\bTP\.)(?<!\bTp\.)(?<!v\.v\.)(?<=[.!?…])[\s*]+"
                           r"(?=[\"“(*]*[A-ZĐÀ-Ỹ0-9])")
_INLINE_ITEM = re.compile(r"(?:(?<=[;:])|(?<=[;:]\*\*))[\s*]*\(\s*(?:\d{1,2}|[ivx]{1,4})\s*\)")
_OPERATIVE = re.compile(r"(?m)^[\s*#]*(?:QUYẾT\s+NGHỊ|QUYẾT\s+ĐỊNH|CHỈ\s+THỊ|KẾT\s+LUẬN)[\s*]*:[\s*]*$")
_MARKER = re.compile(r"^[\s\-–•+*#]*(?:\(\d{1,3}\)|[a-zđ]\)|\d{1,3}(?:\.\d{1,3})*[.)]|[IVX]+\.)?[\s*]*")


@dataclass
class _Acc:
    """What one paragraph or row contributes, before it becomes Facts."""

    targets: list[tuple[Target, int, int, str | None, AgencySpan | None]] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    dues: list[Due] = field(default_factory=list)


def _spans(text: str, start: int, end: int, pattern: re.Pattern[str] | str) -> list[tuple[int, int]]:
    """Split text[start:end] at `pattern`, never inside parentheses or quotes; spans are trimmed."""
    piece = text[start:end]
    cuts: list[tuple[int, int]] = []
    depth = 0
    quoted = False
    protected = set()
    for i, ch in enumerate(piece):
        if ch in "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in "“”\"":
            quoted = ch != "”" if ch != '"' else not quoted
        if depth or quoted:
            protected.add(i)
    for m in re.finditer(pattern, piece):
        if m.start() not in protected:
            cuts.append((m.start(), m.end()))
    out, pos = [], 0
    for a, b in cuts + [(len(piece), len(piece))]:
        s, e = pos, a
        while s < e and piece[s] in " \t\n*":
            s += 1
        while e > s and piece[e - 1] in " \t\n*":
            e -= 1
        if e > s:
            out.append((start + s, start + e))
        pos = b
    return out


def _names_only(text: str) -> bool:
    """A ';' segment that only lists agencies ('UBND các phường, xã') continues the clause before it."""
    rest = text
    for agency in reversed(find_agencies(text)):
        rest = rest[:agency.start] + rest[agency.end:]
    return bool(text.strip()) and not re.sub(r"[\s,;.*/\-–]|\bvà\b|\bcác\b", "", rest)


def clauses_of(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(sentence start, clause start, clause end) of text[start:end]: sentences cut at ';'."""
    out: list[tuple[int, int, int]] = []
    for ss, se in _spans(text, start, end, _SENTENCE_END):
        parts = _spans(text, ss, se, r";\s+|;$")
        merged: list[tuple[int, int]] = []
        for cs, ce in parts:
            if merged and _names_only(text[cs:ce]):
                merged[-1] = (merged[-1][0], ce)
            elif merged and _names_only(text[merged[-1][0]:merged[-1][1]]) and len(merged) == 1 and cs > ss:
                merged[-1] = (merged[-1][0], ce)
            else:
                merged.append((cs, ce))
        out.extend((ss, cs, ce) for cs, ce in merged)
    return out


def _doc_year(meta: DocMeta | None, text: str, begin: int) -> int | None:
    if meta is not None and meta.issued_on:
        return int(meta.issued_on[:4])
    m = re.search(r"ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*((?:19|20)\d\d)", text[:max(begin, 3000)])
    return int(m.group(1)) if m else None


def _inherited(para: Paragraph) -> tuple[AgencySpan, ...]:
    """The agencies of the nearest heading above the paragraph that names any."""
    for heading in reversed(para.parents):
        if heading.agencies:
            return heading.agencies
    return ()


def _own_start(text: str, para: Paragraph) -> int:
    """Where the paragraph's own content starts: past an inline heading ('Sở Công Thương: …')."""
    if para.inline and para.agencies:
        m = re.compile(r"[^:\n]{0,60}?:[\s*]*").match(text, para.agencies[-1].end)
        if m:
            return m.end()
    return para.body_start


@dataclass
class _Items:
    """What the paragraphs read so far say about list items: who acts in each, which item a
    sub-item or continuation belongs to, and the 'Cơ quan chủ trì:' fields of a task."""

    field_leads: dict[int, list[AgencySpan]] = field(default_factory=dict)
    actors_of: dict[int, list[tuple[AgencySpan, str]]] = field(default_factory=dict)
    group_of: dict[int, int] = field(default_factory=dict)
    reported: bool = False  # an article or reference page, not a directive: only the targets it quotes


def _opens_with_actor(text: str, para: Paragraph) -> bool:
    first = clauses_of(text, para.body_start, para.end)[:1]
    if not first:
        return False
    clause = text[first[0][1]:first[0][2]]
    return any(how == "subject" for *_, how in actors(clause, agency_groups(clause)))


def _belonging(text: str, para: Paragraph, items: _Items) -> tuple[int, list[tuple[AgencySpan, str]]]:
    """The item a paragraph belongs to, and the agencies it acts for when it names none itself:
    'b) Bộ Tài chính chủ trì, phối hợp …:' gives its agency and role to '- Tổng hợp …' under it,
    and 'b) Các doanh nghiệp …' to the unmarked paragraph that continues it."""
    parent = para.parents[-1] if para.parents else None
    group = para.start
    if parent is not None and parent.rank != "leadin" and para.rank is None:
        group = items.group_of.get(parent.start, parent.start)
    inherited: list[tuple[AgencySpan, str]] = []
    if parent is not None and not parent.agencies and parent.start in items.actors_of and \
            not _opens_with_actor(text, para):
        inherited = items.actors_of[parent.start]
        group = items.group_of.get(parent.start, parent.start)
    items.group_of[para.start] = group
    if inherited:
        items.actors_of[para.start] = inherited
    return group, inherited


def _only_names(text: str, para: Paragraph) -> bool:
    """A heading that says nothing but who ('3. Sở Công Thương', '2. Các cơ quan … trên địa bàn thành phố')."""
    rest = text[para.body_start:para.end]
    for agency in reversed(para.agencies):
        rest = rest[:agency.start - para.body_start] + rest[agency.end - para.body_start:]
    return len(re.sub(r"[\W\d_]+", " ", rest).strip()) <= 30


def _recipients(body: str) -> bool:
    """A list of recipients whose 'Nơi nhận:' label the crawl lost: '- Chính phủ; - Ủy ban TW …; - Cục …;'."""
    if len(re.findall(r";\s*[-–•+]", body)) < (1 if re.match(r"^[\s*]*[-–•+]", body) else 2):
        return False
    parts = [p for p in re.split(r";\s*[-–•+]?", body) if p.strip(" -–•+*.|\n")]
    named = 0
    for part in parts:
        rest = part
        for agency in reversed(find_agencies(part)):
            rest = rest[:agency.start] + rest[agency.end:]
        named += len(re.sub(r"[\W\d_]+", " ", rest).strip()) <= 12 or bool(re.match(r"\s*Lưu\b", part))
    filed = any(re.match(r"\s*Lưu\b", part) for part in parts)  # '- Lưu: VT, …' closes a list of recipients
    return named >= (0.4 if filed else 0.6) * len(parts)


def _paragraph(text: str, para: Paragraph, year: int | None, title: str, items: _Items) -> _Acc:
    acc = _Acc()
    own_heading = para.agencies if (para.inline or para.heading) else ()
    group_id, inherited = _belonging(text, para, items)
    heading_agencies = own_heading or (() if inherited else _inherited(para))
    field_leads = items.field_leads
    start = _own_start(text, para)
    if start >= para.end or (para.heading and para.agencies and not para.inline and _only_names(text, para)) or \
            _recipients(text[start:para.end]):
        return acc
    headings = [h.text for h in para.parents] + ([text[para.body_start:para.end]] if para.heading else [])
    in_targets = target_context(headings)
    roles_seen: dict[str, str] = {}
    carried: list[Act] = []
    previous_indicator = ""
    key = para.parents[-1].start if para.parents else -1
    inline_items = [m.start() + start for m in _INLINE_ITEM.finditer(text[start:para.end])]
    item = 0
    for sentence_start, cs, ce in clauses_of(text, start, para.end):
        clause = text[cs:ce]
        now = bisect.bisect_right(inline_items, cs + 2)
        if now != item:  # '(2) …' starts a new task of the same paragraph
            item, roles_seen = now, {}
        prefix = text[sentence_start:cs]
        clause_targets_ctx = in_targets
        if clause_targets_ctx is None and re.search(r"(?:chỉ\s+tiêu|mục\s+tiêu)[^:]{0,120}:", prefix + clause[:200]):
            clause_targets_ctx = True
        lead = previous_indicator if re.match(r"^\W*trong\s+đó", clause, re.I) else ""
        targets = find_targets(clause, cs, clause_targets_ctx, lead) if (
            not items.reported or in_targets or re.search(r"chỉ\s+tiêu", prefix + clause[:200], re.I)) else []
        if targets:
            previous_indicator = targets[0].indicator
            owner = heading_agencies[0] if heading_agencies else None
            before = cs
            for t in targets:  # the period said nearest before the value first: '2025 đạt 8% và năm 2026 đạt 10%'
                period = period_of(text[before:t.start], clause, prefix, *reversed(headings), title)
                acc.targets.append((t, cs, ce, period, owner))
                before = t.end
        fieldm = is_field(clause)
        due_field = bool(fieldm and fieldm.group("due"))
        groups = agency_groups(clause)
        stop = _SENTENCE_END.search(text, ce, para.end)
        acts = [] if enforcement(text[sentence_start:stop.end() if stop else para.end]) else actors(clause, groups)
        source = "sentence"
        if fieldm and fieldm.group("role"):
            value_at = fieldm.end()
            agencies = [a for g in groups for a in g if a.start >= value_at] or _loose_agencies(clause, value_at)
            role = COOP if "phối" in fieldm.group("role").lower() else LEAD
            acts = [(agencies, role, len(clause), "subject")] if agencies else []
            source = "field"
        elif due_field:
            acts = []
        elif not any(how == "subject" for *_, how in acts) and inherited and not (targets and clause_targets_ctx):
            bare = clause[len(_MARKER.match(clause).group(0)):]  # type: ignore[union-attr]
            stated, used = role_at(bare)
            acts = [([AgencySpan(-1, -1, a.text, a.canonical)], stated if stated != DOER else role,
                     len(clause) - len(bare) + used, "subject") for a, role in inherited] + acts
            source = "heading"
        elif not any(how == "subject" for *_, how in acts) and heading_agencies and not (targets and clause_targets_ctx):
            # the heading's agencies are the unsaid subject ('a) Chủ trì …' under '1. Sở Nội vụ')
            bare = clause[len(_MARKER.match(clause).group(0)):]  # type: ignore[union-attr]
            role, used = role_at(bare)
            if role == DOER:
                role = roles_seen.get(heading_agencies[0].canonical, DOER)
            local = [AgencySpan(-1, -1, a.text, a.canonical) for a in heading_agencies]
            acts = [(local, role, len(clause) - len(bare) + used, "subject")] + acts
            source = "heading"
        elif not acts and carried and not targets:
            acts = carried
        if acts and source in ("heading", "sentence") and all(r != COOP for _, r, _, _ in acts) and \
                any(r in (LEAD, DOER) for _, r, _, _ in acts):
            known = {a.start for g, _, _, _ in acts for a in g}
            coop, p_end = partners(clause, [g for g in groups if g[0].start not in known], 0)
            if coop:
                acts = acts + [(coop, COOP, p_end, "partner")]
        if acts:
            carried = [a for a in acts if a[1] != COOP] or carried
        lead_agency = _lead(acts, cs)
        if lead_agency is None and (due_field or not acts):
            fields_lead = field_leads.get(key)
            lead_agency = fields_lead[0] if fields_lead else (heading_agencies[0] if due_field and heading_agencies
                                                              else None)
        said = max((u for _, _, u, _ in acts), default=0)  # the task follows the agencies, roles and partners
        for group, role, _used, _how in ([] if items.reported else acts):  # an article's duties are second-hand:
            task = short_task(clause[said:]) if said < len(clause) else short_task(clause)
            if not task and clause.rstrip(" *\n").endswith(":"):  # a lead-in: the task is what follows it
                following = text[ce:ce + 600].lstrip(" *\n")
                task = short_task(following[len(_MARKER.match(following).group(0)):])  # type: ignore[union-attr]
            for agency in group:
                shifted = _shift(agency, cs) if agency.start >= 0 else agency
                roles_seen.setdefault(shifted.canonical, role)
                acc.duties.append(Duty(shifted, role, cs, ce, task, source, item, group_id))
                if source == "sentence" and role != COOP and para.rank is not None and _how == "subject":
                    items.actors_of.setdefault(para.start, []).append((shifted, role))
        if not (fieldm and fieldm.group("role")):
            for when in deadline_times(clause, cs, year, bool(targets)):
                used = max((u for _, r, u, _ in acts if r != COOP), default=0)
                task = short_task(clause[said:]) or short_task(clause[used:] or clause)
                if not items.reported:  # an article's dates are mostly events it tells of
                    acc.dues.append(Due(when, lead_agency, cs, ce, task, source, group_id))
    return acc


def _loose_agencies(clause: str, at: int) -> list[AgencySpan]:
    """A field's value that names no known agency head ('Các cơ quan quản lý …'): the value itself."""
    value = clause[at:].strip(" *.;")
    if 2 < len(value) <= 90 and "\n\n" not in value:
        begin = clause.index(value, at)
        return [AgencySpan(begin, begin + len(value), value, canonical_agency(value))]
    return []


def _shift(agency: AgencySpan, offset: int) -> AgencySpan:
    return AgencySpan(agency.start + offset, agency.end + offset, agency.text, agency.canonical)


def _lead(acts: list[Act], offset: int) -> AgencySpan | None:
    """Who must meet a clause's deadline: its subject (a lead before a doer), else an assigned agency."""
    for how in ("subject", "assigned"):
        for wanted in (LEAD, DOER, COOP):
            for group, role, _, found_how in acts:
                if role == wanted and group and found_how == how:
                    return _shift(group[0], offset) if group[0].start >= 0 else group[0]
    return None


def _cell_agencies(text: str, start: int, end: int) -> list[AgencySpan]:
    """Agencies of a table cell: the names it holds, or each '- item' / ';' part when none is known."""
    found = find_agencies(text[start:end])
    if found:
        return [_shift(a, start) for a in found]
    out = []
    for s, e in _spans(text, start, end, r"[;\n]+"):
        part = text[s:e].strip(" -–•+*.")
        if 2 < len(part) <= 90:
            b = text.index(part, s)
            out.append(AgencySpan(b, b + len(part), part, canonical_agency(part)))
    return out


def _row(text: str, row: Row, year: int | None) -> _Acc:
    acc = _Acc()
    cells = row.cells
    task_cell = cells.get("task") or cells.get("group") or cells.get("product")
    task = short_task(task_cell.text) if task_cell else short_task(row.group)
    lead_header = row.headers.get("lead", "").lower()
    lead_role = LEAD if ("chủ trì" in lead_header or "coop" in cells or "coop" in row.headers) else DOER
    leads: list[AgencySpan] = []
    if "lead" in cells and cells["lead"].text.strip():
        leads = _cell_agencies(text, cells["lead"].start, cells["lead"].end)
        for agency in leads:
            acc.duties.append(Duty(agency, lead_role, row.start, row.end, task, "table", 0, row.end))
    if "coop" in cells and cells["coop"].text.strip():
        for agency in _cell_agencies(text, cells["coop"].start, cells["coop"].end):
            if not any(agency.canonical == lead.canonical for lead in leads):
                acc.duties.append(Duty(agency, COOP, row.start, row.end, task, "table", 0, row.end))
    heading_agency = next((h.agencies[0] for h in reversed(row.parents) if h.agencies), None)
    owner = leads[0] if leads else heading_agency
    if "due" in cells and cells["due"].text.strip():
        due = cells["due"]
        found = find_times(due.text, year)
        times = [t for t in found if not t.citation]
        expr: TimeExpr | None = None  # none when the cell cites a legal basis ('Nghị định … ngày …')
        if times:
            t = times[0]
            expr = replace(t, start=t.start + due.start, end=t.end + due.start)
        elif not found:
            raw = due.text.strip(" *-–.")
            if not raw or len(raw) > 90:
                raw = ""
            if raw:
                b = text.index(raw, due.start)
                expr = TimeExpr(b, b + len(raw), raw, None, None, "", False, "text")
        if expr is not None:
            acc.dues.append(Due(expr, owner, row.start, row.end, task, "table", row.end))
    for kind in ("target", "product", "task"):
        if kind in cells:
            cell = cells[kind]
            period = period_of(cell.text, cells["due"].text if "due" in cells else "", row.group)
            for target in find_targets(cell.text, cell.start, True if kind == "target" else None):
                acc.targets.append((target, row.start, row.end, period, owner))
            for when in deadline_times(cell.text, cell.start, year, False):
                if when.cue in ("trước", "chậm nhất", "hạn", "thời hạn") or when.cue.startswith(("chậm nhất", "trước")):
                    acc.dues.append(Due(when, owner, row.start, row.end, task, "table", row.end))
    return acc


class ClausePaths:
    """The clause path of any offset, as the chunks name it ('IV.1' → 'IV.1.a' for item a))."""

    def __init__(self, text: str, chunks: Sequence[Chunk]):
        self.text = text
        self.chunks = sorted(chunks, key=lambda c: c.start)
        self.starts = [c.start for c in self.chunks]
        self._cache: dict[str, list[tuple[int, int, str]]] = {}

    def __call__(self, offset: int) -> str:
        if not self.chunks:
            return ""
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        chunk = self.chunks[i]
        inside = self._clauses(chunk)
        deepest = [p for s, e, p in inside if s <= offset < e]
        if not inside or not deepest:
            return chunk.path
        root = inside[0][2]
        path = deepest[-1]
        return chunk.path + path[len(root):] if path.startswith(root) else chunk.path

    def _clauses(self, chunk: Chunk) -> list[tuple[int, int, str]]:
        if chunk.chunk_id not in self._cache:
            roots = parse_clauses(self.text, chunk.start, chunk.end)
            if len(roots) != 1 or roots[0].start != chunk.start or roots[0].level in ("part", "chapter", "lawsection"):
                self._cache[chunk.chunk_id] = []
            else:
                self._cache[chunk.chunk_id] = [(c.start, c.end, c.path) for c in iter_clauses(roots)]
        return self._cache[chunk.chunk_id]


def _body_begin(text: str, chunks: Iterable[Chunk]) -> int:
    """Where the register starts reading: the first clause of the body (the preamble that issues
    the document — 'Ủy ban nhân dân thành phố ban hành Kế hoạch …' — is nobody's duty), or the
    words after 'QUYẾT NGHỊ:' when a resolution speaks before its first numbered clause."""
    chunk_list = list(chunks)
    body = [c.start for c in chunk_list if c.section == "body"]
    begin = min(body) if body else 0
    preamble = [c for c in chunk_list if c.section == "preamble" and c.start < begin]
    if preamble:
        found = list(_OPERATIVE.finditer(text, min(c.start for c in preamble), begin))
        if found:
            return found[-1].end()
    return begin


def extract_facts(doc_id: str, text: str, chunks: Iterable[Chunk], title: str = "",
                  path_of: Callable[[Chunk, int], str] | None = None, meta: DocMeta | None = None,
                  pages: Sequence[PageSpan] = ()) -> list[Fact]:
    """Targets, deadlines and responsibilities of one document, in text order.

    `chunks` locate the body and name the clause paths; `path_of(chunk, offset)` may name them
    instead (the read view's resolver). Every Fact's quote is text[start:end].
    """
    chunk_list = list(chunks)
    begin = _body_begin(text, chunk_list)
    year = _doc_year(meta, text, begin)
    title = title or (meta.title if meta and meta.title else "")
    paragraphs, rows = read_body(text, begin)
    paths = ClausePaths(text, chunk_list)
    if path_of is not None and chunk_list:
        def where(offset: int) -> str:
            i = max(0, bisect.bisect_right(paths.starts, offset) - 1)
            return path_of(paths.chunks[i], offset)
    else:
        where = paths
    items = _Items(reported=bool(meta and meta.kind == "news"))
    field_leads = items.field_leads
    for para in paragraphs:  # labelled 'Cơ quan chủ trì:' fields first: a deadline field may come before
        for _, cs, ce in clauses_of(text, para.body_start, para.end):
            m = is_field(text[cs:ce])
            if m and m.group("role") and "phối" not in m.group("role").lower():
                found = find_agencies(text[cs + m.end():ce])
                if found:
                    key = para.parents[-1].start if para.parents else -1
                    field_leads[key] = [_shift(a, cs + m.end()) for a in found]
    accs = [_paragraph(text, para, year, title, items) for para in paragraphs]
    accs += [_row(text, row, year) for row in rows]
    return _facts(doc_id, text, accs, where, pages)


def _quote(text: str, start: int, end: int) -> tuple[int, int, str]:
    while start < end and text[start] in " \t\n*-–•+#":
        start += 1
    while end > start and text[end - 1] in " \t\n*":
        end -= 1
    return start, end, text[start:end]


def _facts(doc_id: str, text: str, accs: list[_Acc], where: Callable[[int], str],
           pages: Sequence[PageSpan]) -> list[Fact]:
    facts: list[Fact] = []
    duties = [d for acc in accs for d in acc.duties]
    dues = [d for acc in accs for d in acc.dues]
    for acc in accs:
        for t, cs, ce, period, agency in acc.targets:
            s, e, quote = _quote(text, cs, ce)
            facts.append(Fact("target", t.indicator, t.value, t.unit, period, None,
                              agency.canonical if agency else None, None, quote, doc_id, where(t.start),
                              indicator=t.indicator, comparator=t.comparator or None,
                              agency_text=agency.text if agency else None, start=s, end=e,
                              page=page_at(pages, s)))
    # one responsibility per agency, role and item: the clauses that say so are joined into one quote
    merged: dict[tuple[int, int, str, str], Duty] = {}
    for duty in duties:
        k = (duty.group if duty.group >= 0 else duty.start, duty.item, duty.agency.canonical, duty.role)
        first = merged.get(k)
        merged[k] = duty if first is None else replace(first, start=min(first.start, duty.start),
                                                         end=max(first.end, duty.end), task=first.task or duty.task)
    for duty in merged.values():
        if len(re.findall(r"[^\W\d_]{2,}", duty.task)) < 2:  # a line that only names an agency, a form's blanks
            continue
        s, e, quote = _quote(text, duty.start, duty.end)
        # the deadline of the same clause, else one of the same item ('Thời gian hoàn thành: …' below a task)
        due = next((d for d in dues if d.start >= duty.start and d.end <= duty.end and (
            d.agency is None or d.agency.canonical == duty.agency.canonical)), None) or next(
            (d for d in dues if duty.group >= 0 and d.group == duty.group and duty.role != COOP and
             d.agency is not None and d.agency.canonical == duty.agency.canonical), None)
        facts.append(Fact("responsibility", duty.task, None, None, None, due.time.text if due else None,
                          duty.agency.canonical, duty.role, quote, doc_id, where(s),
                          due_iso=due.time.iso if due else None, recurrence=due.time.rrule if due else None,
                          agency_text=re.sub(r"\s+", " ", duty.agency.text), task=duty.task, start=s, end=e,
                          page=page_at(pages, s), source=duty.source))
    for due in dues:
        s, e, quote = _quote(text, due.start, due.end)
        facts.append(Fact("deadline", due.task, None, None, None, re.sub(r"\s+", " ", due.time.text),
                          due.agency.canonical if due.agency else None, None, quote, doc_id, where(s),
                          due_iso=due.time.iso, recurrence=due.time.rrule,
                          agency_text=re.sub(r"\s+", " ", due.agency.text) if due.agency else None,
                          task=due.task, start=s, end=e, page=page_at(pages, s), source=due.source))
    facts.sort(key=lambda f: (f.start, ("target", "deadline", "responsibility").index(f.kind)))
    return facts
