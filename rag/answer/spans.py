"""Typed spans (pure): the quantities, dates, periods, durations, times, agencies, people and
document references a sentence holds, with their offsets.

The answerer needs to know whether a sentence holds an answer of the type a question asks for
("bao nhiêu" → a quantity, "trước ngày nào" → a date, "cơ quan nào" → an agency) and where it
is, so that the answer can lead with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import LOWER, UPPER

_NUM = r"\d+(?:[.,]\d+)*"
_DAY_MONTH_YEAR = (
    r"ngày\s+\d{1,2}\s*(?:tháng|/|-)\s*\d{1,2}(?:\s*(?:năm|/|-)\s*\d{4})?"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2}(?!/|\d)"
    r"|tháng\s+\d{1,2}(?:\s*(?:năm|/)\s*\d{4})?|tháng\s+\d{1,2}/\d{4}"
    r"|quý\s+(?:[IV]+|\d)(?:\s*(?:năm|/)\s*\d{4})?|(?:cuối|đầu|hết|trong|trước|đến|từ|sau)\s+năm\s+\d{4}|\d{1,2}/\d{4}"
)
_RELATION = r"(?:(?:trước|sau|chậm nhất|muộn nhất|đến hết|đến|từ|trong|kể từ|không quá|vào)\s+(?:ngày\s+)?)"
DATE = re.compile(rf"(?:{_RELATION})?(?:{_DAY_MONTH_YEAR})(?:\s+(?:hằng|hàng)\s+(?:năm|tháng|quý))?", re.I)
RECURRING = re.compile(
    r"(?:định kỳ\s+(?:\d+\s+)?(?:hằng|hàng|mỗi)?\s*(?:ngày|tuần|tháng|quý|năm|6 tháng|sáu tháng)"
    r"|(?:trước\s+)?ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2})?\s+(?:hằng|hàng|mỗi)\s+(?:tháng|quý|năm)"
    r"|(?:hằng|hàng|mỗi)\s+(?:ngày|tuần|tháng|quý|năm|kỳ)|\d{1,2}\s+lần\s*/\s*(?:ngày|tuần|tháng|năm))",
    re.I,
)
DURATION = re.compile(
    rf"(?:(?:trong|tối đa|không quá|chậm nhất|trong vòng|trong thời hạn|sau)\s+)?{_NUM}(?:\s*-\s*{_NUM})?\s*"
    r"(?:ngày làm việc|ngày|giờ|tháng|năm|tuần|phút)(?![\w/])(?:\s+(?:kể từ|sau khi|trước khi)\s+[^,.;]{1,60})?",
    re.I,
)
TIME = re.compile(r"(?:trước|sau|từ|đến)?\s*\d{1,2}\s*(?:h|giờ)(?![^\W\d_])\s*(?:\d{1,2}\s*(?:phút|’|')?)?", re.I)
QUANTITY = re.compile(
    rf"(?:(?:đạt|trên|dưới|tối thiểu|tối đa|ít nhất|khoảng|hơn|gần|không quá|không dưới|còn|từ|xuống|lên|≥|≤|>|<)\s*)*"
    rf"(?<![\d/.,]){_NUM}(?![\d/])(?:\s*-\s*{_NUM})?\s*"
    r"(?:%(?:\s*/\s*(?:năm|tháng))?|‰|(?:nghìn|triệu|tỷ|ngàn)\s+(?:đồng|USD|tấn|lượt|người|ha)|[a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+(?:\s+[a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+)?)?",
    re.I,
)
EVENT = re.compile(
    r"(?:(?:tại|trước|sau|vào|trong)\s+)?(?:[Kk]ỳ họp thứ \w+|phiên họp [^,.;]{3,40}|thời điểm [^,.;]{3,60}"
    r"|ngay sau khi [^,.;]{3,60}|ngay khi [^,.;]{3,60}|dịp [^,.;]{3,40}|trước khi [^,.;]{3,60})"
)
YEAR_ONLY = re.compile(r"^(?:19|20)\d\d$")
# A name word: a capitalised syllable, optionally with the lower-case syllable of its compound
# ('Khoa học', 'Nông nghiệp', 'Y tế'): Vietnamese agency names capitalise only a compound's first syllable.
_VERBISH = ("đẩy|chủ|phối|thực|tổ|có|là|được|chịu|tham|hướng|theo|báo|triển|tăng|tiếp|khẩn|rà|nghiên|đề|giao|cần|phải|sẽ"
            "|đã|đang|các|trên|tại|về|cho|với|bổ|cung|hỗ|đảm|chỉ|quản|xử|tuyên|lập|trình|ký|gửi|nhằm|để|và|thì|làm")
_NAME_WORD = rf"[{UPPER}&][{LOWER}&]*(?:\s+(?!(?:{_VERBISH})(?![{LOWER}]))[{LOWER}]+(?=[\s,.;:)]|$))?"
AGENCY = re.compile(
    rf"(?<![\w])(?:(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)(?:\s+(?:tỉnh|thành phố|huyện|xã|phường|các)"
    rf"(?:\s+[{UPPER}][\w]*)*)?"
    r"|(?:Sở|Bộ|Ban|Phòng|Cục|Chi cục|Tổng cục|Vụ|Văn phòng|Trung tâm|Thanh tra|Kho bạc|Ngân hàng|Đài|Báo|Viện"
    r"|Công an|Bộ Chỉ huy|Bộ Tư lệnh|Ủy ban|Uỷ ban|Mặt trận|Liên đoàn|Hội|Tòa án|Viện kiểm sát|Kiểm toán|Thuế|Hải quan"
    r"|Tập đoàn|Tổng công ty|Công ty)"
    rf"(?:\s+(?:{_NAME_WORD}|và|tỉnh|thành phố|Nhà nước|nhà nước|khu vực|[IVX]+|\d+)|,(?=\s+[{UPPER}][{LOWER}]))+"
    # agencies named by their function, in lower case ('cơ quan thuế cấp tỉnh', 'cơ quan hải quan nơi …')
    r"|(?:các\s+)?cơ quan\s+(?:thuế|hải quan|chuyên môn|có thẩm quyền|chủ quản|quản lý|nhà nước|chức năng|công an"
    r"|thống kê|tài chính|bảo hiểm)(?:\s+(?:cấp\s+(?:tỉnh|xã|huyện|trung ương)|nơi\s+[^,.;]{3,40}))?)"
)
PERSON = re.compile(r"(?<![\w])(?:[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+\s+){1,4}[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+(?![\w])")
# a classification or register code: an HS tariff line ('8311.30.00'), a number after 'mã số'
CODE = re.compile(r"(?<![\w.,])\d{4}(?:\.\d{2}){1,3}(?!\w|[.,]\d)|(?<=[Mm]ã số )\d{6,14}(?!\w)|(?<=[Mm]ã số: )\d{6,14}(?!\w)"
                  r"|(?<=[Mm]ã số thuế )\d{10}(?:-\d{3})?(?!\w)|(?<=[Mm]ã số thuế: )\d{10}(?:-\d{3})?(?!\w)")
DOCREF = re.compile(
    r"(?:(?:Quyết định|Nghị định|Nghị quyết|Thông tư|Chỉ thị|Kế hoạch|Công văn|Thông báo|Luật|Tờ trình|Văn bản)\s+(?:số\s+)?)?"
    r"\d{1,5}(?:/\d{4})?/[A-ZĐ][\wĐđ]*(?:-[\wĐđ]+)*"
)


@dataclass(frozen=True)
class Span:
    """A typed piece of a text: text[start:end] is a `kind` (quantity, date, agency, …)."""

    kind: str
    start: int
    end: int
    text: str


_REF_BEFORE = re.compile(r"(?:\d+(?:-[A-ZĐ]+)?(?:/\d{4})?/[A-ZĐ][\wĐđ]*(?:-[\wĐđ&]+)*|[Ss][ốo]\s+\S+)\s*,?\s*$")


def _names_a_document(text: str, start: int, end: int) -> bool:
    """A date that is part of a document's name ('Thông báo số 75-TB/VPTW ngày 04/8/2025', '27/2009/QĐ-UBND')
    dates that document; it is not a deadline of the clause."""
    if re.match(r"/[A-ZĐ\d]", text[end:end + 2]):
        return True
    return bool(_REF_BEFORE.search(text[max(0, start - 40):start]))


def _inside_date(text: str, start: int, end: int) -> bool:
    """'04 tháng' of 'ngày 04 tháng 8 năm 2025' is part of a date, not a duration."""
    return bool(re.search(r"ngày\s*$", text[max(0, start - 6):start]) or re.match(r"\s*\d", text[end:end + 3]))


def _quantities(text: str) -> list[Span]:
    out = []
    for m in QUANTITY.finditer(text):
        number = re.search(_NUM, m.group(0))
        if number is None or YEAR_ONLY.match(number.group(0)):
            continue
        before = text[max(0, m.start() - 6):m.start()].lower()
        if before.rstrip().endswith(("số", "điều", "khoản", "mục", "khóa", "lần thứ", "thứ")):
            continue  # 'Quyết định số 12', 'Điều 5', 'khóa XV' are names, not amounts
        after = m.start() + number.end()
        if re.match(r"\s*/\s*(?:\d|[A-ZĐ]{2})", text[after:after + 5]):
            continue  # '1519/QĐ-TTg', '31/12' are names and dates, not amounts
        if text[max(0, number.start() + m.start() - 1):number.start() + m.start()] == "(" and \
                text[number.end() + m.start():number.end() + m.start() + 1] == ")":
            continue  # '(8)' numbers a clause
        out.append(Span("quantity", m.start(), m.end(), m.group(0).strip()))
    return out


def find_spans(text: str, kinds: tuple[str, ...] = ("quantity", "date", "recurring", "duration", "time", "agency",
                                                    "docref")) -> list[Span]:
    """The typed spans of `text`, in order of position (overlaps between kinds are kept)."""
    found: list[Span] = []
    if "date" in kinds:
        found += [Span("date", m.start(), m.end(), m.group(0).strip()) for m in DATE.finditer(text)
                  if not _names_a_document(text, m.start(), m.end())]
    if "recurring" in kinds:
        found += [Span("recurring", m.start(), m.end(), m.group(0).strip()) for m in RECURRING.finditer(text)]
    if "duration" in kinds:
        found += [Span("duration", m.start(), m.end(), m.group(0).strip()) for m in DURATION.finditer(text)
                  if not _inside_date(text, m.start(), m.end())]
    if "time" in kinds:
        found += [Span("time", m.start(), m.end(), m.group(0).strip()) for m in TIME.finditer(text)
                  if re.search(r"\d\s*(?:h|giờ)", m.group(0))]
    if "event" in kinds:
        found += [Span("event", m.start(), m.end(), m.group(0).strip()) for m in EVENT.finditer(text)]
    if "quantity" in kinds:
        found += _quantities(text)
    if "agency" in kinds:
        found += [Span("agency", m.start(), m.end(), m.group(0).strip(" ,")) for m in AGENCY.finditer(text)
                  if len(m.group(0).split()) >= 2]
    if "docref" in kinds:
        found += [Span("docref", m.start(), m.end(), m.group(0)) for m in DOCREF.finditer(text)]
    if "code" in kinds:
        found += [Span("code", m.start(), m.end(), m.group(0)) for m in CODE.finditer(text)]
    if "person" in kinds:
        found += [Span("person", m.start(), m.end(), m.group(0)) for m in PERSON.finditer(text)]
    return sorted(found, key=lambda s: (s.start, -s.end))
