"""Time expressions of Vietnamese directives (pure): dates, months, quarters, years, ranges,
relative limits and recurring rules, each kept verbatim with its cue word and resolved to ISO
8601 where it names a time ('trước ngày 31 tháng 3 năm 2024' → 2024-03-31; 'Quý I năm 2026' →
2026-01/2026-03; 'trước ngày 20/12 hằng năm' → FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20).

A date with no year takes the document's year (the year it was issued), the way a reader does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTH_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
                "xi": 11, "xii": 12}
_COUNT = {"một": 1, "hai": 2, "ba": 3, "sáu": 6, "mười hai": 12}
_S = r"[ \t]*\n?[ \t]*"  # a space that may be a hard line break
_SS = r"(?:[ \t]+\n?[ \t]*|[ \t]*\n[ \t]*)"  # at least one space or a line break

_EXPR = re.compile(
    "|".join((
        # recurring: 'ngày 15 hằng tháng', 'định kỳ 6 tháng', 'định kỳ hằng năm', 'hằng quý'
        rf"(?P<monthday>(?:định{_SS}kỳ{_SS})?(?:vào{_SS})?ngày{_SS}(?P<rd>\d{{1,2}}){_SS}(?:hằng|hàng){_SS}tháng)",
        rf"(?P<every>định{_SS}kỳ{_SS}(?P<en>\d{{1,2}}|một|hai|ba|sáu)(?:{_S}\([^()]{{1,12}}\))?{_SS}tháng"
        rf"(?:{_SS}(?:một|1){_SS}lần|{_S}/{_S}lần)?)",
        rf"(?P<nmonths>(?P<nn>\d{{1,2}}|sáu|ba){_SS}tháng{_SS}(?:một|1){_SS}lần)",
        rf"(?P<recur>(?:định{_SS}kỳ{_SS})?(?:hằng|hàng){_SS}(?P<ru>năm|tháng|quý|tuần|ngày))",
        # dates
        rf"(?P<dwords>ngày{_SS}(?P<d1>\d{{1,2}}){_SS}tháng{_SS}(?P<m1>\d{{1,2}})(?:{_S}(?:năm|/){_S}(?P<y1>\d{{4}}))?)",
        rf"(?P<dnum>(?P<dn>ngày{_SS})?(?P<d2>\d{{1,2}})/(?P<m2>\d{{1,2}})(?:/(?P<y2>\d{{4}}))?)(?![\d/])",
        # half years, quarters, months, year ranges, years
        rf"(?P<half>(?:06|6|sáu){_SS}tháng{_SS}(?P<hw>đầu|cuối){_SS}năm(?:{_SS}(?P<y5>\d{{4}}))?)",
        rf"(?P<quarter>quý{_SS}(?P<q>IV|I{{1,3}}|[1-4])(?!\w)(?!/(?!\d{{4}}))(?:{_S}(?:năm|/|-){_S}(?P<y4>\d{{4}}))?)",
        rf"(?P<month>tháng{_SS}(?P<m3>1[0-2]|0?[1-9]|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?!\w)(?!/(?!\d{{4}}))"
        rf"(?:{_S}(?:năm|/|-){_S}(?P<y3>\d{{4}}))?)",
        rf"(?P<years>(?:giai{_SS}đoạn{_SS})?(?P<ya>(?:19|20)\d\d){_S}[-–]{_S}(?P<yb>(?:19|20)\d\d))(?![\d/])",
        rf"(?P<year>(?:(?:cuối|đầu|giữa){_SS})?năm{_SS}(?P<y6>(?:19|20)\d\d))(?![\d/])",
        # an ongoing task: 'nhiệm vụ thường xuyên', 'thực hiện thường xuyên, liên tục'
        rf"(?P<ongoing>(?:là{_SS})?nhiệm{_SS}vụ{_SS}thường{_SS}xuyên|(?:thực{_SS}hiện{_SS})?thường{_SS}xuyên(?:,?{_SS}liên{_SS}tục)?)",
        # relative limits: 'trong thời hạn 30 ngày', 'trong vòng 02 (hai) ngày làm việc'
        rf"(?P<relative>(?:trong{_SS}(?:thời{_SS}hạn|vòng)(?:{_SS}tối{_SS}đa|{_SS}không{_SS}quá)?|chậm{_SS}nhất"
        rf"(?:{_SS}là)?|không{_SS}quá|tối{_SS}đa){_SS}(?P<rn>\d{{1,3}})(?:{_S}\([^()]{{1,20}}\))?{_SS}"
        rf"(?P<rel>ngày{_SS}làm{_SS}việc|ngày|tháng|tuần))",
    )),
    re.IGNORECASE,
)
_CUE = re.compile(
    rf"(?:(?:hoàn{_SS}thành|xong){_SS})?"
    rf"(?:trước|chậm{_SS}nhất(?:{_SS}(?:là|vào|trong))*|không{_SS}muộn{_SS}hơn|muộn{_SS}nhất|trong|vào|đến|tới|từ|"
    rf"kể{_SS}từ|sau|(?:thời{_SS})?hạn(?:{_SS}cuối)?|hoàn{_SS}thành|xong)(?:{_SS}(?:ngày|hết))?{_SS}$",
    re.IGNORECASE,
)
# the date of a cited document ('Quyết định số 1519/QĐ-TTg ngày 02 tháng 12 năm 2023'), not a time to meet
_CITATION = re.compile(r"(?:\d+[\w.]*/[\w/.Đđ-]+|ban\s+hành|ký|kỳ\s+họp\s+thứ\s+\w+|khóa\s+[XVI]+|hiệu\s+lực)"
                       r"[\s,*]*(?:của[^,;\n]{0,40})?$", re.IGNORECASE)


@dataclass(frozen=True)
class TimeExpr:
    """A time expression: text[start:end] verbatim (with its cue), resolved where it can be."""

    start: int
    end: int
    text: str
    iso: str | None  # '2024-03-31', '2025-12', '2026', '2026-01/2026-03', '2024-01/2024-12-31'
    rrule: str | None  # RFC 5545 recurrence, 'FREQ=MONTHLY;INTERVAL=6'
    cue: str  # the cue word before the expression, lowercase ('trước', 'trong', '' when none)
    citation: bool  # the date of a cited document
    kind: str  # date | month | quarter | half | year | years | range | relative | recurring | ongoing


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_number(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    return _MONTH_ROMAN.get(token)


def _resolve(m: re.Match[str], year: int | None) -> tuple[str, str | None, str | None]:
    """(kind, iso, rrule) of one matched expression."""
    g = m.groupdict()
    if g["monthday"]:
        return "recurring", None, f"FREQ=MONTHLY;BYMONTHDAY={int(g['rd'])}"
    if g["every"] or g["nmonths"]:
        raw = (g["en"] or g["nn"] or "").lower()
        n = int(raw) if raw.isdigit() else _COUNT.get(raw, 0)
        return "recurring", None, (f"FREQ=MONTHLY;INTERVAL={n}" if n else None)
    if g["ongoing"]:
        return "ongoing", None, None
    if g["recur"]:
        freq = {"năm": "YEARLY", "tháng": "MONTHLY", "quý": "MONTHLY;INTERVAL=3", "tuần": "WEEKLY",
                "ngày": "DAILY"}[g["ru"].lower()]
        return "recurring", None, f"FREQ={freq}"
    if g["dwords"] or g["dnum"]:
        d, mo, y = (g["d1"], g["m1"], g["y1"]) if g["dwords"] else (g["d2"], g["m2"], g["y2"])
        y_ = int(y) if y else year
        return "date", (_valid(y_, int(mo), int(d)) if y_ else None), None
    if g["half"]:
        y_ = int(g["y5"]) if g["y5"] else year
        first = g["hw"].lower() == "đầu"
        return "half", (f"{y_}-{'01' if first else '07'}/{y_}-{'06' if first else '12'}" if y_ else None), None
    if g["quarter"]:
        q = _ROMAN[g["q"].lower()]
        y_ = int(g["y4"]) if g["y4"] else year
        return "quarter", (f"{y_}-{3 * q - 2:02d}/{y_}-{3 * q:02d}" if y_ else None), None
    if g["month"]:
        mo_ = _month_number(g["m3"])
        y_ = int(g["y3"]) if g["y3"] else year
        return "month", (f"{y_}-{mo_:02d}" if y_ and mo_ else None), None
    if g["years"]:
        return "years", f"{g['ya']}/{g['yb']}", None
    if g["year"]:
        return "year", g["y6"], None
    return "relative", None, None


def find_times(text: str, year: int | None = None) -> list[TimeExpr]:
    """Every time expression of `text` in order; `year` completes dates written without one."""
    out: list[TimeExpr] = []
    for m in _EXPR.finditer(text):
        kind, iso, rrule = _resolve(m, year)
        start = m.start()
        if m.group("dnum") and not m.group("dn") and not m.group("y2"):
            # '2/3 số hộ' is a fraction: a bare d/m counts only right after a cue ('trước 15/12')
            before = _CUE.search(text[max(0, start - 40):start])
            if not before or not re.search(r"(?:trước|đến|ngày|hạn)\s*$", before.group(0), re.I):
                continue
        left = text[max(0, start - 60):start]
        cue_m = _CUE.search(left)
        cue = re.sub(r"\s+", " ", cue_m.group(0)).strip().lower() if cue_m else ""
        begin = start - len(cue_m.group(0)) if cue_m and kind != "relative" else start
        citation = bool(_CITATION.search(left)) and not cue
        out.append(TimeExpr(begin, m.end(), text[begin:m.end()], iso, rrule, cue, citation, kind))
    return _combine(text, out)


def _combine(text: str, exprs: list[TimeExpr]) -> list[TimeExpr]:
    """Join 'từ A đến B' into one range, and a yearless date with its 'hằng năm' into one rule."""
    out: list[TimeExpr] = []
    i = 0
    while i < len(exprs):
        cur = exprs[i]
        nxt = exprs[i + 1] if i + 1 < len(exprs) else None
        gap = text[cur.end:nxt.start] if nxt else ""
        if nxt and cur.cue.endswith("từ") and nxt.cue in ("đến", "tới", "đến hết", "đến ngày") and not gap.strip(" ,"):
            iso = f"{cur.iso}/{nxt.iso}" if cur.iso and nxt.iso else None
            out.append(TimeExpr(cur.start, nxt.end, text[cur.start:nxt.end], iso, None, cur.cue, False, "range"))
            i += 2
            continue
        pair = _yearly_pair(text, cur, nxt)
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        out.append(cur)
        i += 1
    return out


def _yearly_pair(text: str, a: TimeExpr, b: TimeExpr | None) -> TimeExpr | None:
    """'trước ngày 20/12 hằng năm', 'Hàng năm, trước ngày 25 tháng 12': one yearly rule."""
    if b is None or len(text[a.end:b.start]) > 12 or re.search(r"[.;\n]", text[a.end:b.start]):
        return None
    recur, when = (a, b) if a.kind == "recurring" else (b, a)
    if recur.kind != "recurring" or recur.rrule != "FREQ=YEARLY" or when.kind not in ("date", "month"):
        return None
    m = re.search(r"(\d{1,2})(?:\s+tháng\s+|/)(\d{1,2})\s*$", when.text) if when.kind == "date" else None
    if when.kind == "date" and m and not re.search(r"(?:năm\s*|/)\d{4}\s*$", when.text):
        rule = f"FREQ=YEARLY;BYMONTH={int(m.group(2))};BYMONTHDAY={int(m.group(1))}"
    elif when.kind == "month" and not re.search(r"\d{4}\s*$", when.text):
        month = _month_number(when.text.split()[-1])
        rule = f"FREQ=YEARLY;BYMONTH={month}" if month else "FREQ=YEARLY"
    else:
        return None
    start, end = min(a.start, b.start), max(a.end, b.end)
    return TimeExpr(start, end, text[start:end], None, rule, when.cue or recur.cue, False, "recurring")


# ---------------------------------------------------------------- ISO helpers


def _end_of(part: str) -> date | None:
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", part):
            return date.fromisoformat(part)
        if re.fullmatch(r"\d{4}-\d\d", part):
            y, m = int(part[:4]), int(part[5:])
            return date(y, m, calendar.monthrange(y, m)[1])
        if re.fullmatch(r"\d{4}", part):
            return date(int(part), 12, 31)
    except ValueError:
        return None
    return None


def _start_of(part: str) -> date | None:
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", part):
            return date.fromisoformat(part)
        if re.fullmatch(r"\d{4}-\d\d", part):
            return date(int(part[:4]), int(part[5:]), 1)
        if re.fullmatch(r"\d{4}", part):
            return date(int(part), 1, 1)
    except ValueError:
        return None
    return None


def iso_end(iso: str | None) -> date | None:
    """The last day an ISO date, month, year or interval covers ('2026-01/2026-03' → 2026-03-31)."""
    if not iso:
        return None
    return _end_of(iso.split("/")[-1])


def iso_start(iso: str | None) -> date | None:
    """The first day an ISO date, month, year or interval covers."""
    if not iso:
        return None
    return _start_of(iso.split("/")[0])
