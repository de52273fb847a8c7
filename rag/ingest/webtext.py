"""Text copied or crawled from legal-document websites → the document as its author wrote it (pure).

Such text carries the page around the document (menus, copyright notes, a metadata table, a
catalogue line and "related documents" after the signature), Markdown emphasis (`**`, `*`,
`#`), lines hard-wrapped at ~80 characters, and tables flattened to one cell per line between
`|` lines. This module cuts the page chrome, drops emphasis, and rebuilds tables: the official
header and signature (two-column layout tables) become separate paragraphs, data tables become
one line per row (`| a | b | c |`). Words and punctuation inside the document are never
changed, so a sentence matches the source once whitespace and `*` are ignored.
"""

from __future__ import annotations

import re

from rag.ingest.structure import DOC_TYPES

_PIPE = re.compile(r"^\s*\|\s*$")
_EMPHASIS = re.compile(r"(?<!\()\*+(?!\))")  # '**Điều 1.**', '*Nơi nhận:*' — not the footnote mark '(*)'
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MOTTO = re.compile(r"CỘNG\s+H[OÒ]À?\s*A?\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM", re.I)
# The catalogue line websites put under a document: "Quyết định 2954/QĐ-UBND năm 2025 về …",
# "Thông tư 110/2025/TT-BTC ngày 19/11/2025 …", "Circular No. 109/2025/TT-BTC dated …".
_CATALOGUE = re.compile(
    r"^(?:" + "|".join(DOC_TYPES) + r"|Circular|Decree|Decision|Resolution|Official Dispatch)\s+(?:số\s+|No\.\s*)?"
    r"\d+[\w/\-Đđ]*\s+(?:năm\s+\d{4}|ngày\s+\d{1,2}/\d{1,2}/\d{4}|dated)\b"
)
# Page furniture of Vietnamese legal-document websites that may follow a document.
_FOOTER_PHRASES = (
    "Văn bản này chưa cập nhật nội dung Tiếng Anh", "Cảm ơn đã dùng", "Hãy đăng nhập hoặc đăng ký Thành viên",
    "Văn bản liên quan", "Lược đồ", "Nội dung tóm tắt",
)
_CLOSING = re.compile(r"^(?:Nơi nhận|TM\.|KT\.|Q\.|TL\.|TUQ\.|PP\.)", re.I)
_LAYOUT_COLUMNS = 2


def looks_like_web_text(raw: str) -> bool:
    """Markdown emphasis, `|` cell lines or page chrome: text from a website, not a clean file."""
    head = raw[:20000]
    pipes = sum(1 for line in head.split("\n") if _PIPE.match(line))
    return pipes >= 4 or head.count("**") >= 6 or any(p in raw for p in _FOOTER_PHRASES[:3])


def _cut_page(lines: list[str]) -> list[str]:
    """The document's own lines: from its official header to before the page footer."""
    start = 0
    joined, offsets = "", []
    for line in lines[:400]:
        offsets.append(len(joined))
        joined += line.replace("*", "") + " "
    motto = _MOTTO.search(joined)
    if motto is not None:
        at = max(i for i, off in enumerate(offsets) if off <= motto.start())
        # back to the start of the table row that holds the issuer beside the motto
        j = at
        while j > 0 and not _PIPE.match(lines[j]):
            j -= 1
        start = j if _PIPE.match(lines[j]) else at
        # the issuer cell sits before the motto cell: one more cell back
        k = j - 1
        while k > 0 and not _PIPE.match(lines[k]):
            k -= 1
        if k >= 0 and _PIPE.match(lines[k]) and j - k <= 8 and any(s.strip() for s in lines[k + 1:j]):
            start = k
    closed = False
    for i in range(start, len(lines)):
        bare = lines[i].replace("*", "").strip()
        if _CLOSING.match(bare):
            closed = True
        if any(bare.startswith(p) for p in _FOOTER_PHRASES):
            return lines[start:i]
        if closed and (_CATALOGUE.match(bare) or (_HEADING.match(lines[i]) and bare)):
            return lines[start:i]
    return lines[start:]


def _clean_line(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _HEADING.sub("", line)
    return _EMPHASIS.sub("", line).rstrip()


def _segments(lines: list[str], i: int) -> list[tuple[list[str], int]]:
    """From the pipe line `i`: the stretches of lines between consecutive pipe lines, each with
    the index of the pipe line that closes it. Stops where no further pipe line comes."""
    segments: list[tuple[list[str], int]] = []
    n = i + 1
    current: list[str] = []
    while n < len(lines):
        if _PIPE.match(lines[n]):
            segments.append((current, n))
            current = []
        else:
            current.append(lines[n])
        n += 1
    return segments


def _empty(cell: list[str]) -> bool:
    return not any(s.replace("*", "").strip() for s in cell)


def _layout(cell: list[str]) -> bool:
    """A cell of the official header or of the signature block."""
    text = " ".join(cell).replace("*", "")
    return bool(_MOTTO.search(text) or re.search(r"^\s*(?:Số|Nơi nhận)\b", text) or _CLOSING.match(text.strip()))


def _table(lines: list[str], i: int) -> tuple[list[list[list[str]]], int, bool]:
    """The rows of the table opened by the pipe line `i` (each row a list of cells, each cell its
    lines) and the index of the line after its closing pipe.

    Rows are `| a | b |` with one cell per stretch; between two rows the closing and opening
    pipes leave an empty stretch. The first row fixes the column count, so an empty cell inside
    a row is read as a cell; a non-empty stretch where the next row should open is text after
    the table, not a cell. Layout tables (header, signature) have two columns.
    """
    segments = _segments(lines, i)
    if not segments:
        return [], i + 1, False
    layout = any(_layout(cell) for cell, _ in segments[:2]) or " ".join(segments[0][0]).replace("*", "").strip() \
        .startswith("Kính gửi")
    if layout:
        width = 2
    else:
        width = next((k for k, (cell, _) in enumerate(segments) if _empty(cell)), len(segments)) or 1
    rows: list[list[list[str]]] = []
    end = i + 1
    k = 0
    while k + width <= len(segments):
        row = segments[k:k + width]
        rows.append([cell for cell, _ in row])
        end = row[-1][1] + 1
        k += width
        if k < len(segments) and _empty(segments[k][0]) and k + 1 < len(segments):
            k += 1  # the closing pipe of this row and the opening pipe of the next
            continue
        break
    return [r for r in rows if not all(_empty(c) for c in r)], end, layout


def _bold_block(lines: list[str], i: int) -> int:
    """Number of lines of a bold span that starts at line `i` and ends at a line end (0: none)."""
    if not lines[i].lstrip().startswith("**") or not lines[i].replace("*", "").strip():
        return 0
    for n in range(i, min(i + 4, len(lines))):
        line = lines[n].rstrip()
        closes = line.endswith("**") and (n > i or line.count("**") >= 2)
        inner_open = line.count("**") % 2 == (0 if n == i else 1)
        if closes and inner_open and "**" not in line.strip()[2:-2]:
            return n - i + 1
        if n > i and "**" in line and not line.endswith("**"):
            return 0
    return 0


def _layout_lines(cell: list[str]) -> list[str]:
    """The lines of a header or signature cell with their hard wraps joined.

    A wrapped line continues the previous one when both are of the same case (upper/mixed);
    list items ('- Như trên;'), the subject line ('V/v …') and the signer's name after the
    upper-case titles stay lines of their own.
    """
    lines: list[str] = []
    for raw in cell:
        line = _clean_line(raw).strip()
        if not line:
            continue
        prev = lines[-1] if lines else ""
        letters = re.sub(r"[^\w]|\d|_", "", line)
        upper = letters.isupper() if letters else None
        prev_letters = re.sub(r"[^\w]|\d|_", "", prev)
        prev_upper = prev_letters.isupper() if prev_letters else None
        joins = (prev and upper is not None and upper == prev_upper and not re.match(r"^(?:[-+•–]|V/v|Kính gửi)", line)
                 and not prev.endswith((";", ":", ".")))
        if joins:
            lines[-1] = f"{prev} {line}"
        else:
            lines.append(line)
    return lines


def _cell_text(cell: list[str]) -> str:
    return " ".join(_clean_line(s).strip() for s in cell if _clean_line(s).strip())


def clean_web_text(raw: str) -> str:
    """The document inside a crawled or copied web page, as plain text with one row per table line."""
    lines = _cut_page(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _PIPE.match(lines[i]):
            span = _bold_block(lines, i)
            if span:  # a heading or title line set in bold is a block of its own
                out += ["", *(_clean_line(s) for s in lines[i:i + span]), ""]
                i += span
                continue
            out.append(_clean_line(lines[i]))
            i += 1
            continue
        rows, end, layout = _table(lines, i)
        if layout or (rows and max(len(r) for r in rows) <= _LAYOUT_COLUMNS and len(rows) <= 2):
            # the header (issuer | motto, number | place-date) or the signature (recipients | signer):
            # each cell is a block of its own, its lines kept
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    out.append("")
                    out.extend(_layout_lines(cell))
                    if c < len(row) - 1:
                        out += ["", "|"]
                if r < len(rows) - 1:
                    out += ["", "|"]
            out.append("")
        else:
            out.append("")
            for row in rows:
                out += ["| " + " | ".join(_cell_text(c) for c in row) + " |", ""]
        i = max(end, i + 1)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


_WRAPPED_END = re.compile(r"[^.;:!?…)\]”\"'/|]$")
_LOWER_START = re.compile(r"^[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


def hard_wrapped(text: str) -> bool:
    """Lines cut mid-sentence at a fixed width (text copied from a web page or a PDF viewer)."""
    lines = [ln.strip() for ln in text.split("\n")]
    pairs = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if a and b]
    if len(pairs) < 10:
        return False
    cut = sum(1 for a, b in pairs if _WRAPPED_END.search(a) and _LOWER_START.match(b))
    return cut / len(pairs) > 0.15


def prepare_text(raw: str) -> tuple[list[str], bool]:
    """(pages, reflow) for a text file: web pages are cleaned; hard-wrapped lines get joined."""
    text = clean_web_text(raw) if looks_like_web_text(raw) else raw
    return [text], hard_wrapped(text)
