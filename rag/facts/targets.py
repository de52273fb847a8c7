"""Targets (chỉ tiêu): one record per value a directive sets, with its indicator, comparison word,
unit and period (pure). 'Cơ cấu kinh tế: Nông nghiệp - thủy sản chiếm 5,6% - 5,9%, công
nghiệp - xây dựng chiếm 33,7% - 34%' holds two targets, each with its own indicator.

A number is a target when it stands under a heading about targets ('Chỉ tiêu', 'Mục tiêu') or
behind a comparison word ('đạt', 'tối thiểu', 'giảm còn'); reported results ('ước đạt', 'đã
đạt', 'so với cùng kỳ', a section 'Đánh giá') and estimates of money ('nhu cầu vốn … dự kiến')
are not targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import fold_tones

_NUM = r"\d+(?:[.,]\d+)*"
_COUNT_NOUNS = (
    "doanh nghiệp", "hợp tác xã", "đảng viên", "bác sĩ", "giường bệnh", "học sinh", "sinh viên", "lao động",
    "người", "hộ", "xã", "phường", "huyện", "thôn", "bản", "lượt khách", "lượt", "sản phẩm", "chi bộ", "công trình",
    "dự án", "cơ sở", "trường", "sàn", "khu", "cụm", "điểm", "trạm", "nền tảng", "mô hình", "cán bộ", "hội viên",
    "đoàn viên", "tổ chức", "nhiệm vụ", "thủ tục", "hồ sơ", "loại hình", "công trình nghiên cứu", "đề tài", "lớp",
    "cuộc", "chương trình", "phòng học", "căn", "căn hộ", "ngôi nhà", "nhà", "km", "ha", "héc-ta", "tấn", "m2", "m²",
    "m3", "MW", "kWh", "lít", "con", "cây", "xe", "tàu", "vụ", "μg/m3", "µg/m3", "mg/m3", "mg/l", "m³", "km2", "GW",
    "kW", "tỷ kWh", "triệu tấn", "nghìn tấn", "triệu lượt", "nghìn lượt", "triệu người", "nghìn người", "giờ",
)
_MONEY = r"(?:nghìn\s+tỷ|tỷ|triệu|nghìn|ngàn)\s+(?:đồng|USD)|USD|đồng"
_UNIT = (rf"(?P<unit>%|‰|{_MONEY}|" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in
                                                  sorted(_COUNT_NOUNS, key=len, reverse=True)) + r")")
_VALUE = re.compile(
    rf"(?<![\d/.,])(?P<value>{_NUM}(?:\s*%?\s*[-–]\s*{_NUM})?)\s*{_UNIT}(?P<per>\s*/\s*(?:năm|tháng|người|"
    rf"vạn\s+dân|nghìn\s+dân|lao\s+động(?:\s*/\s*năm)?|km2|ha|hộ|xã))?(?![\w])",
    re.IGNORECASE,
)
_BARE_COUNT = re.compile(rf"(?:đạt|tối\s+thiểu|ít\s+nhất|trên|không\s+quá|tối\s+đa|có)\s+(?P<value>(?<![\d/.,]){_NUM}"
                         rf"(?:\s*[-–]\s*{_NUM})?)(?![\d/.,])\s+(?P<noun>[a-zà-ỹđ]+(?:\s+[a-zà-ỹđ]+)?)", re.IGNORECASE)
_NOT_UNITS = frozenset("năm tháng ngày tuần quý lần giờ phút giây tuổi điều khoản điểm mục trở và của trong với so".split())
_FRACTION = re.compile(r"(?<![\d/.,])(?P<value>\d{1,3}/\d{1,3})(?!\s*/)(?=\s+(?:số\s+)?[^\W\d])")
_TIMES = re.compile(rf"gấp\s+(?P<value>{_NUM})\s+lần")
# the comparison word before a value (longest first), or 'trở lên' after it
_COMPARATORS = (
    "đạt và vượt", "đạt tối thiểu", "đạt ít nhất", "đạt trên", "đạt dưới", "đạt khoảng", "đạt từ", "đạt bình quân",
    "chiếm tối thiểu", "chiếm trên", "chiếm khoảng", "giảm còn dưới", "giảm xuống dưới", "còn dưới", "giảm còn",
    "giảm xuống", "tăng lên", "tối thiểu", "ít nhất", "không quá", "không vượt quá", "tối đa", "trên", "dưới",
    "khoảng", "từ", "đạt", "chiếm", "tăng", "giảm", "còn", "bình quân", "gấp", "lên", "phấn đấu",
)
_COMPARATOR = re.compile(r"(?:^|\s)(" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in _COMPARATORS) +
                         r")\s*$", re.IGNORECASE)
_TARGET_WORDS = re.compile(r"(?:đảm\s+bảo|bảo\s+đảm|yêu\s+cầu|mục\s+tiêu|phấn\s+đấu|hỗ\s+trợ|hoàn\s+thành|số\s+h[oó][aá]|"
                           r"phủ\s+sóng|đạt|tối\s+thiểu|ít\s+nhất)[^,;.]{0,20}$", re.IGNORECASE)
_REPORTED = re.compile(r"ước\s+(?:đạt|tính|thực\s+hiện)|đã\s+(?:đạt|hoàn\s+thành|thực\s+hiện|giải\s+ngân)|"
                       r"so\s+(?:với\s+)?cùng\s+kỳ|cả\s+nước\s+(?:là|tăng)|bình\s+quân\s+cả\s+nước|xếp\s+thứ|"
                       r"tháng\s+đầu\s+năm|kết\s+quả\s+đạt\s+được|đạt\s+được\s+trong|năm\s+qua", re.IGNORECASE)
_ESTIMATE = re.compile(r"nhu\s+cầu|dự\s+kiến|dự\s+toán|kinh\s+phí|mức\s+(?:thu|phí|hỗ\s+trợ|chi)|lệ\s+phí|"
                       r"phí\s+|tiền\s+(?:phạt|lương)|phạt\s+tiền|mức\s+lương|hỗ\s+trợ\s+\d|lãi\s+suất|thuế\s+suất|"
                       r"thuế\s+giá\s+trị\s+gia\s+tăng|giá\s+vé|mức\s+giảm", re.IGNORECASE)
_CONDITION = re.compile(r"(?:^|\s)(?:nếu|trường\s+hợp|đối\s+với|có\s+giá\s+trị|quy\s+mô|công\s+suất|diện\s+tích|"
                        r"thuộc\s+đối\s+tượng|được\s+áp\s+dụng|áp\s+dụng\s+cho|sau\s+khi)(?:\s|$)", re.IGNORECASE)
_TARGET_HEADING = re.compile(r"chỉ\s+tiêu|mục\s+tiêu|kết\s+quả\s+(?:cần|phải)\s+đạt|yêu\s+cầu\s+cần\s+đạt",
                             re.IGNORECASE)
_REPORT_HEADING = re.compile(r"đánh\s+giá|kết\s+quả\s+(?:thực\s+hiện|đạt)|tình\s+hình|thực\s+trạng|bối\s+cảnh",
                             re.IGNORECASE)
_PERIOD = re.compile(r"(?:giai\s+đoạn|thời\s+kỳ|nhiệm\s+kỳ)\s+((?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)|"
                     r"(?:(?:đến|tới)\s+(?:hết\s+|cuối\s+|đầu\s+)?năm|năm|cuối\s+năm)\s+((?:19|20)\d\d)"
                     r"(?!\s*[-–]\s*\d)|\(?((?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)\)?|(hằng\s+năm|hàng\s+năm)",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One value a directive sets: text[start:end] holds it; `indicator` says what is measured."""

    start: int  # the value and its unit
    end: int
    value: str  # '76', '7,5 - 8', '145 - 160'
    unit: str  # '%', '%/năm', 'triệu đồng', 'xã', 'bác sĩ/vạn dân'
    comparator: str  # 'đạt', 'tối thiểu', 'còn dưới', 'trở lên', '' when none
    indicator: str  # 'Tỷ lệ đô thị hóa', 'Cơ cấu kinh tế: công nghiệp - xây dựng'


def target_context(headings: list[str]) -> bool | None:
    """True under a heading about targets, False under a report of results, None otherwise.

    Only short texts are headings: a long lead paragraph above a list ('… báo cáo tình hình và
    kết quả thực hiện …, cụ thể:') does not make its items a report.
    """
    for heading in reversed([h for h in headings if len(h) <= 150]):
        if _REPORT_HEADING.search(heading):
            return False
        if _TARGET_HEADING.search(heading):
            return True
    return None


def period_of(*texts: str) -> str | None:
    """The period a target is set for: '2025', '2021 - 2025', 'hằng năm' (first text that names one)."""
    for text in texts:
        m = _PERIOD.search(text or "")
        if m:
            found = next(g for g in m.groups() if g)
            return re.sub(r"\s*[-–]\s*", " - ", re.sub(r"\s+", " ", found)).lower() if "năm" in found.lower() else \
                re.sub(r"\s*[-–]\s*", " - ", found)
    return None


def _clean_value(raw: str) -> str:
    value = re.sub(r"\s*%\s*", "", raw) if re.search(r"%\s*[-–]", raw) else raw
    return re.sub(r"\s*[-–]\s*", " - ", re.sub(r"\s+", " ", value)).strip()


def _indicator(clause: str, seg_start: int, comp_start: int, lead: str) -> str:
    piece = clause[seg_start:comp_start]
    piece = re.sub(r"^[\s,;:.*()\-–]+|[\s,;:*(\-–]+$", "", piece)
    piece = re.sub(r"^(?:trong\s+đó,?\s*|ph[ấầ]n\s+đ[ấầ]u(?:\s+|$)|và\s+|đảm\s+bảo\s+|bảo\s+đảm\s+)", "", piece, flags=re.I)
    piece = re.sub(r"\s+", " ", piece).strip()
    if lead and lead.lower() not in piece.lower():
        piece = f"{lead}: {piece}" if piece else lead
    if len(piece) > 140:
        cut = piece.rfind(" ", 0, 137)
        piece = piece[:cut if cut > 0 else 137] + "…"
    return piece


def _is_amount(clause: str, start: int, end: int, unit: str) -> bool:
    """A measured amount, not a document number, a clause number, a duration or a date."""
    before = clause[max(0, start - 14):start].lower()
    after = clause[end:end + 2]
    if re.search(r"(?:số|điều|khoản|điểm|mục|đề án|chương|phụ lục|lần thứ|khóa|quyết định|nghị quyết)\s*$", before):
        return False
    if after.startswith("/") or re.match(r"\(\d", clause[max(0, start - 1):start + 1]):
        return False
    if unit.startswith("giờ") and re.match(r"\s*\d{1,2}\s*(?:phút|')|\s*(?:sáng|chiều|tối|đêm)", clause[end:end + 12]):
        return False  # a time of day ('từ 7 giờ 00 phút đến 22 giờ 00 phút'), not an amount
    return bool(unit)


def find_targets(clause: str, offset: int, in_targets: bool | None, lead: str = "") -> list[Target]:
    """Targets of one clause (a sentence or ';' segment); `offset` is the clause's position in the text.

    `in_targets`: the clause stands under a heading about targets (True), under a report of
    results (False), or elsewhere (None: a comparison word is then required).
    """
    if in_targets is False or _REPORTED.search(clause):
        return []
    found: list[tuple[int, int, str, str]] = []
    for m in _VALUE.finditer(clause):
        per = re.sub(r"\s*/\s*", "/", m.group("per") or "")
        unit = re.sub(r"\s+", " ", m.group("unit") + per)
        if _is_amount(clause, m.start("value"), m.end(), unit):
            found.append((m.start(), m.end(), _clean_value(m.group("value")), unit))
    for m in _BARE_COUNT.finditer(clause):
        if not any(s <= m.start("value") < e for s, e, _, _ in found) and _is_amount(clause, m.start("value"), m.end(), "x"):
            noun = m.group("noun")
            if fold_tones(noun.split()[0].lower()) not in _NOT_UNITS:
                found.append((m.start("value"), m.end(), _clean_value(m.group("value")), noun))
    for m in _TIMES.finditer(clause):
        found.append((m.start("value"), m.end(), m.group("value"), "lần"))
    for m in _FRACTION.finditer(clause):
        if not any(s <= m.start() < e for s, e, _, _ in found):
            found.append((m.start(), m.end(), m.group("value"), ""))
    found.sort()
    targets: list[Target] = []
    seg_start = 0
    colon = clause.find(": ")
    if not lead and found and 0 < colon < found[0][0]:
        lead = re.sub(r"^[\s\-–*()\d]+", "", clause[:colon]).strip()
    for start, end, value, unit in found:
        before = clause[seg_start:start]
        comp = _COMPARATOR.search(before)
        after = re.match(r"\s*(?:\(?[^()]{0,20}\)?\s*)?(trở\s+lên|trở\s+xuống)", clause[end:end + 30])
        if comp and re.search(r"gia\s*$", before[:comp.start(1)]):  # 'giá trị gia tăng 5%' is a tax, not a rise
            comp = None
        comparator = comp.group(1).lower() if comp else ""
        if after:
            comparator = f"{comparator} {after.group(1)}".strip()
        leading_percent = unit == "%" and re.search(r"[^\W\d_]", clause[end:]) is not None and (  # not a lone '5%'
            not clause[:start].strip(" -–*()0123456789.+") or bool(_TARGET_WORDS.search(clause[max(seg_start, start - 30):start])))
        if after and comparator.split()[0] in ("từ", "trở") and not in_targets and _CONDITION.search(clause[:start]):
            comparator = ""  # 'dự án … từ 300 triệu đồng trở lên thì được hoàn thuế': a threshold of a rule, not a goal
        listed = bool(targets) and targets[-1].unit == unit and not re.search(r"[.;:]", clause[seg_start:start])
        if not (in_targets or comparator or leading_percent or listed):  # 'listed': '100% A, 100% B' after a target
            seg_start = end
            continue
        if in_targets is None and _ESTIMATE.search(clause[seg_start:start]) and not comparator.startswith(("đạt", "tối", "ít")):
            seg_start = end
            continue
        comp_start = seg_start + comp.start(1) if comp else start
        first = not targets
        indicator = _indicator(clause, _segment_start(clause, seg_start, comp_start), comp_start,
                               lead if not first else "")
        if len(indicator.split()) < 3:  # 'Phấn đấu ít nhất 90% học sinh tốt nghiệp …': the words follow
            tail = re.match(r"[^,;.:()]{0,100}", clause[end:])
            indicator = re.sub(r"\s+", " ", f"{indicator} {tail.group(0) if tail else ''}").strip(" ,;:") or unit
        targets.append(Target(offset + start, offset + end, value, re.sub(r"\s+", " ", unit), comparator,
                              indicator or lead))
        seg_start = end
    return targets


def _segment_start(clause: str, seg_start: int, comp_start: int) -> int:
    """Start of the words naming what the value measures: after the previous value and its ', '."""
    piece = clause[seg_start:comp_start]
    if seg_start == 0:
        colon = piece.rfind(": ")
        return colon + 2 if 0 <= colon < len(piece) - 2 and colon > len(piece) * 0.4 else 0
    m = re.search(r"^[^,;]*?[,;]\s*", piece)
    return seg_start + (m.end() if m else 0)
