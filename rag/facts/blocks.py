"""The body of a document as the register reads it (pure): paragraphs and list items under their
section headings, and table rows under their column headers.

A heading that names an agency ("3. Sở Công Thương", "**7. Sở Công Thương:** Chủ trì …") gives
its agency to every item under it. Tables come in two shapes: one row per line ("a | b | c",
from DOCX and Markdown) and the crawled-web shape where every cell sits between lines holding a
single '|' and merged cells are simply missing (a row with fewer cells takes the leading ones
from the row above). The closing block (Nơi nhận, signature) is skipped; an appendix after it
("PHỤ LỤC", an attached "KẾ HOẠCH") is read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.facts.agencies import AgencySpan, find_agencies
from rag.facts.times import find_times
from rag.ingest.markers import Marker, detect_marker

_RESUME = re.compile(r"^[#*\s]*(?:PHỤ\s+LỤC|Phụ\s+lục|KẾ\s+HOẠCH|QUY\s+ĐỊNH|QUY\s+CHẾ|CHƯƠNG\s+TRÌNH|DANH\s+MỤC|"
                     r"BIỂU|BẢNG|ĐỀ\s+ÁN|HƯỚNG\s+DẪN|NỘI\s+DUNG|[IVX]+\.\s)")
_CLOSING = re.compile(r"^[#*\s]*(?:Nơi\s+nhận|TM\.\s|KT\.\s|TL\.\s|TUQ\.\s|Q\.\s)", re.IGNORECASE)
# the legal bases of an attached decision ('Căn cứ Luật …'), not 'Căn cứ mục tiêu, chỉ tiêu …, tổ chức …'
_SKIP = re.compile(r"^[#*\s]*(?:Căn\s+cứ\s+(?:vào\s+)?(?:Luật|Bộ\s+luật|Hiến\s+pháp|Pháp\s+lệnh|Nghị\s+(?:định|quyết)|"
                   r"Quyết\s+định|Thông\s+(?:tư|báo)|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Văn\s+bản|Kết\s+luận|Điều|các)|"
                   r"Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)\b", re.IGNORECASE)
_DECOR = re.compile(r"[*#_]+")
_PIPE_ROW = re.compile(r"^\s*\|?(?:[^|\n]*\|){2,}[^|\n]*\|?\s*$")
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")

# column kinds of a task table, by words of the header cell
_COLUMNS = (
    ("coop", re.compile(r"phối\s*hợp", re.I)),
    ("due", re.compile(r"thời\s*gian|thời\s*hạn|tiến\s*độ|thời\s*điểm|lộ\s*trình|năm\s+hoàn\s+thành", re.I)),
    ("lead", re.compile(r"chủ\s*trì|thực\s*hiện|chịu\s+trách\s+nhiệm|cơ\s+quan|đơn\s+vị|đầu\s+mối", re.I)),
    ("target", re.compile(r"chỉ\s*tiêu|mục\s*tiêu", re.I)),
    ("product", re.compile(r"sản\s*phẩm|kết\s*quả", re.I)),
    ("group", re.compile(r"nhóm|thuộc", re.I)),
    ("task", re.compile(r"nhiệm\s*vụ|nội\s*dung|giải\s*pháp|hoạt\s*động|công\s*việc|tên|dự\s*án|đề\s*án|chương\s*trình", re.I)),
    ("index", re.compile(r"^(?:stt|tt|số\s+tt|số\s+thứ\s+tự)$", re.I)),
)


@dataclass(frozen=True)
class Heading:
    """A section heading above an item; `agency` when the heading names who acts."""

    start: int
    end: int
    text: str
    rank: str
    agencies: tuple[AgencySpan, ...]  # who acts under it ('3. Sở Công Thương', 'UBND A và UBND B …:')


@dataclass(frozen=True)
class Paragraph:
    """A paragraph or list item: text[start:end], its own text after the marker at body_start."""

    start: int
    end: int
    body_start: int
    rank: str | None  # marker rank ('roman', 'decimal1', 'letter', 'paren', 'dash', …), None when unmarked
    heading: bool  # a heading line: short, no sentence end
    agencies: tuple[AgencySpan, ...]  # the agencies it is headed by ('Sở Công Thương:', '1. Sở Nội vụ')
    parents: tuple[Heading, ...]  # enclosing headings, outermost first
    inline: bool = False  # its agencies are an inline heading ('Sở Công Thương: Chủ trì …')


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Row:
    """One row of a task table, cells keyed by column kind (lead, coop, due, task, target, …)."""

    start: int
    end: int
    cells: dict[str, Cell]
    group: str  # the group row above it ('A. BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG'), '' when none
    parents: tuple[Heading, ...]
    headers: dict[str, str]  # column kind → header text ('lead' → 'Cơ quan chủ trì')


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str, begin: int) -> list[_Line]:
    out, pos = [], begin
    for raw in text[begin:].split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def _bare(text: str) -> str:
    return _DECOR.sub("", text).strip()


def _marker(line: str) -> Marker | None:
    """The clause marker of a line, looking through bold markup ('**14.** Các sở …')."""
    return detect_marker(line.replace("*", ""))


def _ends_sentence(text: str) -> bool:
    return _bare(text).endswith((".", ";", ":", "!", "?", "./.")) or text.rstrip().endswith("**")


def _body_offset(text: str, start: int, end: int) -> int:
    """Where the paragraph's own words begin, past decoration and its marker."""
    piece = text[start:end]
    m = re.match(r"^[\s#*_]*(?:[-–•+]\s+)?(?:\(\d{1,3}\)|[a-zđ]\)|\d{1,3}(?:\.\d{1,3})*[.)]|[IVXL]+[.)]|"
                 r"Điều\s+\d+[a-zđ]?[.:]?|Thứ\s+\w+\s*[,:.])?[\s*_]*", piece)
    return start + (m.end() if m else 0)


# '… cập nhật các thông tin … đối với:' lists things, not tasks: its items are not duties of its agency
_OBJECTS_FOLLOW = re.compile(r"(?:đối\s+với|bao\s+gồm|gồm|như|là|cho|về|tại|theo|của)\s*:$", re.IGNORECASE)
_ROLE_NEXT = re.compile(r"^[\s,*]*(?:chủ\s+trì|phối\s+hợp)", re.IGNORECASE)
_JOINED = re.compile(r"^[\s,/*]*(?:(?:và|cùng)[\s*]*)?$")


def _heading_agencies(text: str, body_start: int, end: int, heading: bool) -> tuple[tuple[AgencySpan, ...], bool]:
    """The agencies a heading names and whether they head the paragraph's own text inline.

    '3. Sở Công Thương' and '7. Sở Công Thương: Chủ trì …' head what follows; so does a lead-in
    that names agencies and ends with ':' ('Ủy ban nhân dân thành phố Hà Nội và Ủy ban nhân dân
    Thành phố Hồ Chí Minh cần tập trung … như sau:'), unless it states their role itself ('Bộ Tài
    chính chủ trì, phối hợp với …:' is one duty, not a heading).
    """
    own = text[body_start:end]
    found = find_agencies(own[:400])
    if not found or found[0].start > 2:
        return (), False
    group = [found[0]]
    for agency in found[1:]:
        if _JOINED.match(own[group[-1].end:agency.start]):
            group.append(agency)
        else:
            break
    last = group[-1]
    after = _bare(own[last.end:last.end + 60])
    shifted = tuple(AgencySpan(body_start + a.start, body_start + a.end, a.text, a.canonical) for a in group)
    if heading and (not after or after.startswith((":", "(")) or len(_bare(own)) <= len(last.text) + 30 + last.start):
        return shifted, False
    if re.match(r"(?:\s*-\s*[^:.;]{3,40})?:(?!\s*\d)", after):  # 'Sở Công Thương:', '… Việt Nam - Chi nhánh Khu vực II:'
        return shifted, True
    if _bare(own).endswith(":") and not _ROLE_NEXT.match(own[last.end:]) and "\n\n" not in own and \
            not _OBJECTS_FOLLOW.search(_bare(own)):
        return shifted, False
    return (), False


_CONTAINERS = ("part", "chapter", "lawsection")
_TOP = {"part": (), "chapter": ("part",), "lawsection": ("part", "chapter"), "article": _CONTAINERS,
        "roman": _CONTAINERS + ("article",)}


class _Stack:
    """Open section headings; a marker rank already open closes it and everything under it."""

    def __init__(self) -> None:
        self.items: list[Heading] = []

    def open(self, heading: Heading) -> None:
        self.before(heading.rank)
        self.items.append(heading)

    def close_leadins(self) -> None:
        """An unmarked paragraph ends the list a lead-in ('… như sau:') opened."""
        ranks = [h.rank for h in self.items]
        if "leadin" in ranks:
            del self.items[ranks.index("leadin"):]

    def before(self, rank: str) -> tuple[Heading, ...]:
        """Headings that enclose an item of this rank (those of the same rank or deeper are closed)."""
        ranks = [h.rank for h in self.items]
        if rank in ranks:
            del self.items[ranks.index(rank):]
        elif rank in _TOP:  # 'II.' closes every list of 'I.', whatever they were
            keep = _TOP[rank]
            while self.items and self.items[-1].rank not in keep:
                self.items.pop()
        return tuple(self.items)


def _glued(lines: list[_Line], j: int) -> bool:
    """A single blank line that splits an agency name in two (left by unwrapping web text)."""
    if j < 1 or j + 1 >= len(lines) or not lines[j - 1].text or not lines[j + 1].text:
        return False
    before, after = lines[j - 1].text, lines[j + 1].text
    if _ends_sentence(before) or _marker(after) is not None or not after[:1].isupper():
        return False
    joined = f"{before} {after}"
    return any(a.start < len(before) < a.end for a in find_agencies(joined))


def read_body(text: str, begin: int) -> tuple[list[Paragraph], list[Row]]:
    """Paragraphs and table rows of text[begin:], each with the headings it sits under."""
    lines = _lines(text, begin)
    paragraphs: list[Paragraph] = []
    rows: list[Row] = []
    stack = _Stack()
    skipping = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.text:
            i += 1
            continue
        if line.text.startswith("|") and line.text.count("|") >= 2 and _LED_ROW.match(line.text):
            # rows written by the web-text loader: '| a | b |' paragraphs whose breaks are not row breaks
            j = _stream_end(lines, i)
            if not skipping:
                rows.extend(_stream_rows(text, lines[i:j], tuple(stack.items)))
            i = j
            continue
        if line.text == "|":
            j = _crawled_table_end(lines, i)
            cells, skipping = _without_closing(_crawled_cells(text, lines[i:j]), skipping)
            if cells:
                rows.extend(_table_rows(cells, tuple(stack.items)))
            i = j
            continue
        if _PIPE_ROW.match(line.text) and i + 1 < len(lines) and _PIPE_ROW.match(lines[i + 1].text):
            j = i
            while j < len(lines) and (_PIPE_ROW.match(lines[j].text) or _RULE_ROW.match(lines[j].text)):
                j += 1
            if not skipping:
                rows.extend(_table_rows(_pipe_cells(text, lines[i:j]), tuple(stack.items)))
            i = j
            continue
        # one paragraph: lines up to a blank line, a table, or a new marker after a finished line
        j = i + 1
        opening = _marker(lines[i].text)
        bold = lines[i].text.startswith(("**", "#"))
        while j < len(lines) and (lines[j].text or _glued(lines, j)) and lines[j].text != "|" and \
                not _PIPE_ROW.match(lines[j].text):
            if not lines[j].text:  # a break inside a name ('… Việt\n\nNam - Chi nhánh'): read on
                j += 1
                continue
            previous = lines[j - 1].text
            if bold and (previous.startswith("#") or (previous.endswith("**") and previous.strip("* "))):
                break  # a bold heading line ends its paragraph even when no blank line follows
            marker = _marker(lines[j].text)
            if marker is not None and (
                    _ends_sentence(lines[j - 1].text) or marker.kind in ("roman", "article", "paren", "letter")
                    or (opening is not None and opening.rank == marker.rank)):
                break
            j += 1
        start, end = lines[i].start, lines[j - 1].end
        i = j
        first = text[start:end].split("\n", 1)[0]
        if _CLOSING.match(first):
            skipping = True
            continue
        if skipping:
            if not _RESUME.match(first):
                continue
            skipping = False
            stack.items.clear()
        if _SKIP.match(first) or not _bare(text[start:end]):
            continue
        paragraphs.append(_paragraph(text, start, end, stack))
    return paragraphs, rows


def _paragraph(text: str, start: int, end: int, stack: _Stack) -> Paragraph:
    first = text[start:end].split("\n", 1)[0]
    marker = _marker(first)
    body_start = _body_offset(text, start, end)
    own = _bare(text[body_start:end])
    heading = bool(marker) and len(own) <= 160 and not own.endswith((".", ";", "./.")) and (
        own.endswith(":") or "\n" not in text[body_start:end].strip() or text[start:end].lstrip("#* ").startswith("*")
        or own.isupper() or len(own) <= 90)
    if marker is None:
        heading = own.isupper() and 3 < len(own) <= 160
    agencies, inline = _heading_agencies(text, body_start, end, heading)
    if marker is not None:
        rank = marker.rank
        if rank == "dash" and text[start:end].lstrip("#* ").startswith("+"):
            rank = "plus"  # '+' items sit under '-' items: the marker reader calls both a dash
        parents = stack.before(rank)
        stack.open(Heading(start, end, own, rank, agencies))
        return Paragraph(start, end, body_start, rank, heading, agencies, parents, inline)
    stack.close_leadins()
    if re.match(r"(?:Trên\s+đây|Trong\s+quá\s+trình)", own):  # the closing words address everyone
        stack.items.clear()
    parents = tuple(stack.items)
    if own.endswith(":"):
        stack.open(Heading(start, end, own, "leadin", agencies))
    elif heading:
        stack.items.clear()
    return Paragraph(start, end, body_start, None, heading, agencies, parents, inline)


# ---------------------------------------------------------------- tables


_LED_ROW = re.compile(r"^\|\s*[^|\s]")
_INDEX = re.compile(r"^(?:[A-ZĐ]|[IVXL]{1,5}|\d{1,3}(?:\.\d{1,3}){0,3})\.?$")
_GROUP_INDEX = re.compile(r"^(?:[A-ZĐ]|[IVXL]{1,5})\.?$")
_STREAM_GAP = 12  # non-empty lines between two row lines of one table, at most


def _stream_end(lines: list[_Line], i: int) -> int:
    """A web-text table: row lines ('| …') no more than _STREAM_GAP lines apart, plus the short cells
    that trail the last one ('Thực hiện thường xuyên, liên tục')."""
    last, j, gap = i, i + 1, 0
    while j < len(lines) and gap <= _STREAM_GAP:
        if lines[j].text.startswith("|"):
            last, gap = j, 0
        elif lines[j].text:
            gap += 1
        j += 1
    end = last + 1
    for k in range(last + 1, min(len(lines), last + 8)):
        t = lines[k].text
        if not t:
            continue
        if len(t) > 200 or _RESUME.match(t) or _CLOSING.match(t) or (_marker(t) and not _INDEX.match(_bare(t))):
            break
        end = k + 1
    return end


def _stream_cells(text: str, lines: list[_Line]) -> list[Cell | None]:
    """The cells of a web-text table in reading order; None marks a row break ('| |', or a row
    line that ends with '|' followed by one that starts with '|')."""
    out: list[Cell | None] = []
    previous_closed = False
    for line in lines:
        if not line.text or line.text == "|" or _RULE_ROW.match(line.text):
            continue
        if not line.text.startswith("|"):
            out.append(Cell(line.start, line.end, line.text))
            previous_closed = False
            continue
        if previous_closed:
            out.append(None)
        pos = line.start
        parts = text[line.start:line.end].split("|")
        for n, part in enumerate(parts):
            stripped = part.strip()
            lead = len(part) - len(part.lstrip())
            if stripped:
                out.append(Cell(pos + lead, pos + lead + len(stripped), stripped))
            elif 0 < n < len(parts) - 1:
                out.append(None)
            pos += len(part) + 1
        previous_closed = line.text.endswith("|")
    return out


def _cell_type(cell: Cell) -> str:
    """index | agencies | due | text — what a cell holds, whatever column it was written in."""
    bare = _bare(cell.text)
    if _INDEX.match(bare):
        return "index"
    if len(bare) <= 250:
        found = find_agencies(bare)
        covered = sum(len(a.text) for a in found)
        letters = len(re.sub(r"[\W\d_]", "", bare))
        if found and covered >= 0.6 * max(1, len(re.sub(r"[-–;,.\s]", "", bare))) and letters:
            return "agencies"
        if len(bare) <= 160 and find_times(bare[:60]) and not bare.startswith("-"):
            return "due"
    return "text"


_FITS = {"index": ("index",), "agencies": ("lead", "coop"), "due": ("due",),
         "text": ("task", "group", "target", "product", "other")}


def _stream_rows(text: str, lines: list[_Line], parents: tuple[Heading, ...]) -> list[Row]:
    """Rows of a web-text table, rebuilt by what each cell holds: the header names the columns; a
    cell goes to the next column that can hold it, and a cell that fits no column to its right
    opens a new row that keeps the cells to the left of it (merged cells: the same lead agency for
    several tasks)."""
    stream = _stream_cells(text, lines)
    first_break = stream.index(None) if None in stream else len(stream)
    header = [c for c in stream[:first_break] if c is not None]
    cells = stream[first_break + 1:]
    kinds = [_column_kind(c.text) for c in header]
    if len(kinds) < 3 or not _register_table(kinds, header):
        return []
    headers: dict[str, str] = {}
    for kind, head in zip(kinds, header, strict=True):
        headers.setdefault(kind, _bare(head.text))
    rows: list[Row] = []
    row: dict[str, Cell] = {}
    own: set[str] = set()  # the columns this row wrote itself (the others are merged from above)
    pos, group, title_next = -1, "", False

    def emit() -> None:
        placed = [row[k] for k in own if k in row]
        if any(k in row for k in ("lead", "due", "task", "target")) and placed and (own - {"index"}):
            rows.append(Row(min(c.start for c in placed), max(c.end for c in placed), dict(row), group, parents,
                            headers))

    for cell in cells:
        if cell is None:
            pos = len(kinds)  # a row break: the next cell opens a row
            continue
        if title_next:  # 'A. | BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG': the title of a group of rows
            group, title_next = f"{group} {_bare(cell.text)}".strip(), False
            continue
        kind_of = _cell_type(cell)
        if kind_of == "index" and _GROUP_INDEX.match(_bare(cell.text)):  # 'A.', 'II': a group of rows opens
            emit()
            group, title_next, row, own, pos = _bare(cell.text), True, {}, set(), -1
            continue
        if kind_of == "agencies" and 0 <= pos < len(kinds) and kinds[pos] == "coop" and "coop" in row:
            joined = row["coop"]
            row["coop"] = Cell(joined.start, cell.end, text[joined.start:cell.end])
            continue
        fits = [j for j, k in enumerate(kinds) if k in _FITS[kind_of]]
        ahead = [j for j in fits if j > pos]
        if kind_of == "text" and not ahead and 0 <= pos < len(kinds) and kinds[pos] in _FITS["text"] and \
                "due" in kinds and "due" not in row and kinds.index("due") > pos:
            last = row[kinds[pos]]  # a cell written as several paragraphs: the row's deadline is still to come
            row[kinds[pos]] = Cell(last.start, cell.end, text[last.start:cell.end])
            continue
        if ahead and not (kind_of == "index" and row):
            pos = ahead[0]
            row[kinds[pos]] = cell
            own.add(kinds[pos])
            continue
        emit()
        if kind_of == "index":
            row, own, pos = {"index": cell}, {"index"}, kinds.index("index") if "index" in kinds else 0
            continue
        # a continuation row: the columns left of this cell keep the values of the row above
        start = next((j for j in fits if kinds[j] == "task"), fits[0]) if fits else 0
        row = {k: v for k, v in row.items() if k in kinds and kinds.index(k) < start}
        own, pos = set(), start
        if fits:
            row[kinds[start]] = cell
            own.add(kinds[start])
    emit()
    return rows


_CELL_LINES = 40  # a cell longer than this is running text: the table ended at the '|' before it


def _crawled_table_end(lines: list[_Line], i: int) -> int:
    """A crawled table runs from a '|' line to the '|' line followed by a blank line, by running
    text (no '|' for many lines: pages crawled without blank lines), or by the end."""
    if i + 1 < len(lines) and not lines[i + 1].text:
        return i + 1  # a lone '|' (left by the web-text loader): no table
    j = i + 1
    while j < len(lines):
        if lines[j].text == "|":
            nxt = next((k for k in range(j + 1, min(len(lines), j + _CELL_LINES + 1)) if lines[k].text == "|"), None)
            if j + 1 >= len(lines) or not lines[j + 1].text or (nxt is None and j + _CELL_LINES < len(lines)):
                return j + 1
        j += 1
    return j


def _crawled_cells(text: str, lines: list[_Line]) -> list[list[Cell]]:
    """Rows of cells: text between '|' lines; two '|' lines in a row end a row."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    current: list[_Line] = []
    previous_pipe = False
    for line in lines:
        if line.text == "|":
            if current:
                row.append(_cell(text, current))
                current = []
                previous_pipe = True
                continue
            if previous_pipe and row:
                rows.append(row)
                row = []
            previous_pipe = True
            continue
        previous_pipe = False
        if line.text:
            current.append(line)
    if current:
        row.append(_cell(text, current))
    if row:
        rows.append(row)
    return rows


def _without_closing(rows: list[list[Cell]], skipping: bool) -> tuple[list[list[Cell]], bool]:
    """Drop the closing block (Nơi nhận, signature) that crawled pages put in table cells; an
    appendix title cell ('PHỤ LỤC I …') starts the table again."""
    out: list[list[Cell]] = []
    for row in rows:
        kept: list[Cell] = []
        for cell in row:
            if _CLOSING.match(cell.text):
                skipping, kept = True, []
            elif _RESUME.match(cell.text) and not _PIPE_ROW.match(cell.text):
                skipping, kept = False, []
            elif not skipping:
                kept.append(cell)
        if kept:
            out.append(kept)
    return out, skipping


def _cell(text: str, lines: list[_Line]) -> Cell:
    start, end = lines[0].start, lines[-1].end
    return Cell(start, end, text[start:end])


def _pipe_cells(text: str, lines: list[_Line]) -> list[list[Cell]]:
    rows = []
    for line in lines:
        if _RULE_ROW.match(line.text):
            continue
        cells, pos = [], line.start
        for part in text[line.start:line.end].split("|"):
            stripped = part.strip()
            lead = len(part) - len(part.lstrip())
            if stripped:
                cells.append(Cell(pos + lead, pos + lead + len(stripped), stripped))
            elif cells or pos > line.start:
                cells.append(Cell(pos, pos, ""))
            pos += len(part) + 1
        while cells and not cells[-1].text:
            cells.pop()
        if cells and not cells[0].text and text[line.start:line.end].lstrip().startswith("|"):
            cells = cells[1:] if not cells[0].text and line.text.startswith("|") else cells
        rows.append(cells)
    return rows


# Columns of tables that are no register: a list of administrative procedures or an internal
# processing procedure ('thời hạn giải quyết' is a service standard, 'địa điểm thực hiện' an office,
# 'người thực hiện' a clerk), or a price or spending scale ('đơn vị tính' is a unit, not an agency).
_PROCEDURE = re.compile(r"thời\s*hạn\s*giải\s*quyết|phí|căn\s*cứ\s*pháp\s*lý|cách\s*thức\s*thực\s*hiện|"
                        r"địa\s*điểm\s*thực\s*hiện|trình\s*tự|^bước|thủ\s*tục\s*hành\s*chính|tthc|"
                        r"thứ\s*tự\s*công\s*việc|người\s*thực\s*hiện|đơn\s*vị\s*tính|mức\s*chi|đơn\s*giá", re.I)


_DUTY_WORDS = re.compile(r"nhiệm\s*vụ|công\s*việc|nội\s*dung|giải\s*pháp|hoạt\s*động|đề\s*án|dự\s*án|chương\s*trình", re.I)


def _register_table(kinds: list[str], headers: list[Cell]) -> bool:
    """Whether a table is a register: it names who acts or what is targeted, or it gives tasks their
    times (a table of dates alone — terms of office, history — is not one), and it lists no procedure."""
    if any(_PROCEDURE.search(re.sub(r"\s+", " ", _bare(c.text)).strip()) for c in headers):
        return False
    if {"lead", "coop", "target"} & set(kinds):
        return True
    return "due" in kinds and any(k == "task" and _DUTY_WORDS.search(_bare(c.text)) for k, c in zip(kinds, headers, strict=True))


def _column_kind(header: str) -> str:
    bare = re.sub(r"\s+", " ", _bare(header)).strip(" :").lower()
    if re.fullmatch(_COLUMNS[-1][1], bare):
        return "index"
    for kind, pattern in _COLUMNS[:-1]:
        if pattern.search(bare):
            return kind
    return "other"


def _table_rows(cells: list[list[Cell]], parents: tuple[Heading, ...]) -> list[Row]:
    """Rows of a task table keyed by column kind; tables without a responsible column give none."""
    header_at = next((n for n, row in enumerate(cells[:4]) if len(row) >= 3 and
                      sum(_column_kind(c.text) in ("lead", "coop", "due", "target") for c in row) >= 1 and
                      all(len(_bare(c.text)) <= 80 for c in row)), None)
    if header_at is None:
        return []
    kinds = [_column_kind(c.text) for c in cells[header_at]]
    headers: dict[str, str] = {}
    for kind, cell in zip(kinds, cells[header_at], strict=True):
        headers.setdefault(kind, _bare(cell.text))
    if not _register_table(kinds, cells[header_at]):
        return []
    out: list[Row] = []
    above: dict[str, Cell] = {}
    group = ""
    for row in cells[header_at + 1:]:
        if not row:
            continue
        filled = [c for c in row if _bare(c.text)]
        if len(row) < len(kinds) and len(filled) <= 2 and len(kinds) > 3 and all(
                len(_bare(c.text)) <= 160 for c in filled) and (not filled or len(_bare(filled[0].text)) <= 6):
            group = " ".join(_bare(c.text) for c in filled)
            above = {}
            continue
        offset = len(kinds) - len(row)
        if offset < 0:
            continue
        keyed: dict[str, Cell] = {}
        for n, kind in enumerate(kinds):
            found = row[n - offset] if n >= offset else above.get(kind)
            if found is not None and kind not in keyed:
                keyed[kind] = found
        above = {k: v for k, v in keyed.items()}
        start, end = row[0].start, row[-1].end
        out.append(Row(start, end, keyed, group, parents, headers))
    return out
