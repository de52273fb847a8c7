"""Query analysis (pure): document references, clause references, years, places, question kind.

Everything is matched on accent-folded lowercase text, so a question typed without
diacritics is understood the same way.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.text import has_diacritics, match_key, strip_accents

DOC_TYPE_WORDS = {
    "chi thi": "Chỉ thị", "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi dinh": "Nghị định",
    "thong tu": "Thông tư", "nghi quyet": "Nghị quyết", "bo luat": "Bộ luật", "luat": "Luật",
    "cong van": "Công văn", "thong bao": "Thông báo", "huong dan": "Hướng dẫn", "bao cao": "Báo cáo",
}
# Province-level units (before and after the 2025 merger) and large cities: recognised so that a
# question about a place with no document gets an honest "no document" instead of a near miss.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang",
    "Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
STOPWORDS = set(
    "theo là bao nhiêu gì nào ai khi có của và các những được cho trong với về thì đã để này đó phải cần mấy "
    "hãy biết hỏi như thế sao không hay hoặc ở tại do bởi từ đến trên dưới một mỗi nêu gồm ra vào lúc việc "
    "năm số văn bản quy định yêu cầu đặt chỉ tiêu mục tiêu đạt là gì ngày tháng "
    "nó đây đó này ấy kia vậy thế còn nếu sau trước khi mà".split()
)
# Without diacritics many stopwords collide with content words (do/đô, so/sở, ban/Ban, van/vạn):
# only the unambiguous ones are dropped from a folded question.
_FOLDED_STOP = {strip_accents(w) for w in STOPWORDS} - set(
    "do thi co so tai dat tu bao ve van ban hoi the de chi moi can dinh nam ma".split()
)
_NUMBER_REF = re.compile(r"(\d{1,4})\s*/\s*((?:\d{4}/)?[a-z]{1,6}(?:\s*-\s*[a-z]{1,8})*\d*)")
# the Party's numbering: '66-NQ/TW', '05-CT/TU', '123-KL/TW' (number, kind, issuing body)
_PARTY_REF = re.compile(r"\b(\d{1,4})\s*-\s*([a-z]{1,4})\s*/\s*([a-z]{1,4})\b")
_TYPE_REF = re.compile(r"\b(" + "|".join(sorted(DOC_TYPE_WORDS, key=len, reverse=True)) + r")\s*(so\s*)?(\d{1,5})\b"
                       r"(?!\s*(?:thang|nam|ngay|lan|quy|tuan|gio|%|phan|ty|trieu|nghin|xa|ho|nguoi|/))")
# words that are verbs as often as document types: 'báo cáo 6 tháng' is a report period, 'Báo cáo số 6' a document
_VERB_TYPES = {"bao cao", "huong dan", "thong bao"}
_PERIOD_AFTER = re.compile(r"\s+(?:tháng|quý|năm|ngày|tuần|giờ|lần)\b")  # '6 tháng': a number that says which report
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_CLAUSE_PARTS = (
    (re.compile(r"\b(?:muc|phan)\s+((?:[ivxl]+|\d+)(?:\.(?:\d+|\(\d+\)|[a-z]\b))*)(?!\w)"), "roman"),
    (re.compile(r"\bdieu\s+(\d+)"), "article"),
    (re.compile(r"\bkhoan\s+(\d+)"), "clause"),
    (re.compile(r"\bdiem\s+([a-z])\b"), "point"),
    (re.compile(r"(?:chi tieu|muc tieu)?\s*\((\d{1,2})\)"), "target"),
)

# How a question is asked, not what it is about: dropped from the content terms.
_FRAME = re.compile(
    r"\b(?:(?:co quan|don vi|cap|ben|bo|so|dia phuong|to chuc) nao|chiu trach nhiem|co trach nhiem|trach nhiem gi"
    r"|(?:giao )?nhiem vu gi|lam gi|la gi|bao nhieu|khi nao|bao gio|the nao|ra sao|dung hay sai|co phai|hay khong"
    r"|duoc giao|giao cho|nhung ai|so sanh(?: voi)?|chenh lech|khac nhau|lan luot|moi loai|loai nao|lon hon|nho hon"
    r"|cao hon|thap hon|keo dai(?: den)?|(?:bao nhieu )?phan tram|han chot|han cuoi|thoi han(?: nao)?|(?:la |vao )?(?:ngay|thang|nam|luc|dip|moc"
    r"|thoi diem|thoi gian|ky) nao|bao lau|may gio|khung gio(?: nao)?|dau moi|ve dau|o dau|phai lam|can lam"
    r"|han(?= (?:gui|nop|chot|cuoi|hoan thanh|bao cao|la|cua|thuc hien|xu ly|giai quyet)\b)|^han\b|\bhan$)\b"
)

# 'tối đa bao lâu', 'chậm nhất khi nào', 'ít nhất mấy': how a limit is asked. The clause may say it
# the same way ('tối thiểu 14,5%' — then the word tells two figures apart) or another ('không quá 30
# ngày', 'trước ngày …'): such words count when a unit has them and are not required when it has not.
_LIMIT = re.compile(r"\b(?:toi da|toi thieu|it nhat|cham nhat|nhieu nhat|khong qua)(?= (?:(?:la|trong|duoc|vao) )?"
                    r"(?:bao lau|bao nhieu|may\b|khi nao|ngay nao|luc nao))")

# a part named by its number: 'Dự án thành phần 3', 'giai đoạn 2', 'vùng I', 'đợt 2' (near-misses name another)
_NUMBERED = re.compile(r"\b(thanh phan|giai doan|dot|vung|nhom|goi thau|phan khu|khu vuc|tuyen) (\d{1,2}|[ivx]{1,4})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


def part_number(text: str) -> int | None:
    """'3', '03' or 'III' as a number (None for what is neither)."""
    return int(text) if text.isdigit() else _ROMAN.get(text.lower())


def numbered_parts(folded: str) -> tuple[tuple[str, int], ...]:
    """The numbered parts a folded text names: (('thanh phan', 3),)."""
    found = ((m.group(1), part_number(m.group(2))) for m in _NUMBERED.finditer(folded))
    return tuple(dict.fromkeys((noun, n) for noun, n in found if n is not None))


# 'ai lo …', 'đơn vị nào phụ trách …', 'cơ quan nào có nhiệm vụ …': how a role is asked; the clause
# gives it as 'chủ trì', 'giao …', a table column or the agency heading over the task
_ROLE_ASKED = re.compile(r"\b(?:ai|(?:co quan|don vi|bo|so|cap|ben|dia phuong|to chuc|ban|phong|cuc|trung tam) nao)"
                         r"(?: (?:se|phai|duoc|la|co trach nhiem|duoc giao))? "
                         r"(lo|phu trach|dam nhiem|dam nhan|co nhiem vu|nhan nhiem vu|thuc hien|lam)\b")

KIND_PATTERNS = (
    ("general", re.compile(r"\b(gom nhung ai|la nhung ai|bao gom nhung|gom nhung gi|gom nhung)\b")),
    ("signer", re.compile(r"\b(ai ky|nguoi ky|ky ban hanh|ky van ban|ky ke hoach|ky chi thi|ky quyet dinh)\b")),
    ("issued", re.compile(r"\b(ban hanh ngay|ngay ban hanh|ban hanh (vao )?(ngay|luc|thoi gian) nao|ban hanh khi nao)\b")),
    ("comparison", re.compile(r"\b(so sanh|khac nhau|chenh lech|thay doi the nao)\b")),
    ("deadline", re.compile(r"\b(khi nao|dip nao|bao gio|thoi han|han chot|han gui|han nop|ngay nao|thoi gian|luc nao|truoc ngay|bao lau)\b")),
    ("tasks", re.compile(r"\b(nhiem vu gi|lam gi|trach nhiem gi|duoc giao gi|giao (nhiem vu )?gi|phai lam gi)\b")),
    ("responsibility", re.compile(r"\b(ai\b|co quan nao|don vi nao|chu tri|phoi hop|trach nhiem|giao cho|nhiem vu gi|gui ve dau|ve dau)\b")),
    ("target", re.compile(r"\b(bao nhieu|chi tieu|ty le|dat muc|muc tieu|phan tram)\b")),
)


@dataclass(frozen=True)
class DocRef:
    """A document named in the question: by full number ('33/kh-ubnd') or type + number."""

    number: int
    symbol: str | None = None  # folded symbol after the slash, e.g. 'kh-ubnd' ('nq/tw' for the Party's '66-NQ/TW')
    doc_type: str | None = None


@dataclass(frozen=True)
class QueryInfo:
    text: str
    folded: str
    kind: str
    expanded: str = ""  # the question with abbreviations written out ('' when it has none)
    doc_refs: tuple[DocRef, ...] = ()
    clause_path: str | None = None
    years: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    terms: tuple[str, ...] = field(default=())  # content syllables (match keys), stopwords removed
    pairs: tuple[tuple[str, str], ...] = field(default=())  # content syllables adjacent in the question
    soft: tuple[str, ...] = field(default=())  # terms that count when found, not required (see _LIMIT)
    parts: tuple[tuple[str, int], ...] = field(default=())  # numbered parts named: (('thanh phan', 3),)


def _sections_only(key: str, folded: str) -> str:
    """The folded question for finding a clause reference: 'mức' (a level) folds to the 'muc' of
    'mục' (a section), so with diacritics only 'mục' may open one ('tổng mức vốn' names none)."""
    return strip_accents(re.sub(r"\bmức\b", "mức_", key)) if has_diacritics(key) else folded


def _clause_path(folded: str) -> str | None:
    found: dict[str, str] = {}
    for pattern, part in _CLAUSE_PARTS:
        if m := pattern.search(folded):
            found[part] = m.group(1)
    if "article" in found:
        path = f"Điều {found['article']}"
        if "clause" in found:
            path += f".{found['clause']}"
            if "point" in found:
                path += f".{found['point']}"
        return path
    if "roman" in found:
        head, _, rest = found["roman"].partition(".")
        path = head.upper() + (f".{rest}" if rest else "")
        if "target" in found and "(" not in path:
            path += f".({found['target']})"
        return path
    return None


_ABBREVIATIONS_FILE = Path(__file__).with_name("data") / "abbreviations.tsv"
_LOWERCASE_AMBIGUOUS = {"ai", "cp", "dn", "tt"}  # also plain words when typed in lower case


@functools.cache
def _abbreviations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, full form) for each abbreviation of the data file, longest first."""
    pairs = []
    for line in _ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, full = line.split("\t", 1)
        flags = re.I if short.lower() not in _LOWERCASE_AMBIGUOUS else 0
        pattern = re.compile(rf"(?<![\w/&-]){re.escape(short)}(?![\w/&-])", flags)
        pairs.append((len(short), pattern, full.strip()))
    return tuple((p, f) for _, p, f in sorted(pairs, key=lambda x: -x[0]))


def expand_abbreviations(text: str) -> str:
    """'Bộ GD&ĐT', 'chương trình MTQG' → their full forms, so a question matches either way of writing.

    A question typed without diacritics gets the full forms without diacritics too.
    """
    plain = not has_diacritics(text)
    for pattern, full in _abbreviations():
        text = pattern.sub(strip_accents(full).lower() if plain else full, text)
    return text


def analyze(question: str, known_places: tuple[str, ...] = ()) -> QueryInfo:
    """Pick out what the question names and what it asks for."""
    expanded = expand_abbreviations(question)
    key = match_key(expanded)
    folded = strip_accents(key)
    refs: list[DocRef] = [DocRef(int(m.group(1)), f"{m.group(2)}/{m.group(3)}") for m in _PARTY_REF.finditer(folded)]
    for m in _NUMBER_REF.finditer(folded):
        symbol = re.sub(r"\s+", "", m.group(2))
        if "-" in symbol or re.match(r"\d{4}/", symbol):  # '06/CP' names a scheme, not a document
            refs.append(DocRef(int(m.group(1)), symbol))
    numbers = {r.number for r in refs}
    for m in _TYPE_REF.finditer(folded):
        if m.group(1) in _VERB_TYPES and not m.group(2):
            continue
        if int(m.group(3)) not in numbers:
            refs.append(DocRef(int(m.group(3)), None, DOC_TYPE_WORDS[m.group(1)]))
    kind = "general"
    for name, pattern in KIND_PATTERNS:
        if pattern.search(folded + " "):
            kind = name
            break
    years = tuple(dict.fromkeys(_YEAR.findall(folded)))
    if kind != "comparison" and len(years) >= 2 and re.search(r"\bva\b", folded) and "so sanh" in folded:
        kind = "comparison"
    candidates = {strip_accents(p.lower()): p for p in (*PROVINCES, *known_places)}
    places = tuple(dict.fromkeys(name for f, name in candidates.items() if re.search(rf"\b{re.escape(f)}\b", folded)))
    drop: set[str] = set()
    for ref_text in (*_NUMBER_REF.findall(folded), *_PARTY_REF.findall(folded)):
        drop.update(re.findall(r"[a-z]+|\d+", " ".join(ref_text)))
    if refs:  # "Kế hoạch 33" names the document; its type words are not content
        for words in DOC_TYPE_WORDS:
            if re.search(rf"\b{words}\b", folded):
                drop.update(words.split())
    for place in places:
        drop.update(strip_accents(place.lower()).split())
    tokens = list(re.finditer(r"\d+(?:[.,]\d+)*|[^\W\d_]+", key))
    syllables = [t.group(0) for t in tokens]
    framed = [m.span() for m in _FRAME.finditer(folded)]  # folded and key align: same length
    accented = has_diacritics(question)
    keep = [
        (s not in STOPWORDS if accented else s not in _FOLDED_STOP)
        and strip_accents(s) not in drop and s not in years
        and (not s.isdigit() or len(s) >= 3 or _PERIOD_AFTER.match(key, t.end()) is not None)
        and not any(a <= t.start() < b for a, b in framed)
        for s, t in zip(syllables, tokens, strict=True)
    ]
    terms = tuple(s for s, k in zip(syllables, keep, strict=True) if k)
    limits = [m.span() for m in _LIMIT.finditer(folded)]  # folded and key align: same length
    limits += [m.span(1) for m in _ROLE_ASKED.finditer(folded)]
    soft = tuple(dict.fromkeys(s for s, t, k in zip(syllables, tokens, keep, strict=True)
                               if k and any(a <= t.start() < b for a, b in limits)))
    pairs = tuple((a, b) for (a, ka), (b, kb) in zip(zip(syllables, keep, strict=True),
                                                   zip(syllables[1:], keep[1:], strict=True), strict=False) if ka and kb)
    return QueryInfo(
        text=question, expanded=expanded if expanded != question else "", folded=folded, kind=kind, doc_refs=tuple(refs), clause_path=_clause_path(_sections_only(key, folded)),
        years=years, places=places, terms=terms, pairs=pairs, soft=soft, parts=numbered_parts(folded),
    )
