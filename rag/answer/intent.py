"""What kind of answer a question needs (pure): a date, a quantity, an agency, a list, a
document reference, the signer … read from how the question is asked, on accent-folded text so
that a question typed without diacritics is read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.text import has_diacritics, match_key, strip_accents

TEMPORAL = ("date", "recurring", "duration", "time", "event")


@dataclass(frozen=True)
class Need:
    """The answer a question asks for.

    `kinds`: span kinds that can answer it (rag.answer.spans); `strict`: a quoted unit must hold
    one; `wants_list`: several items are asked for; `about`: a fact of the document itself
    (signer, issued) rather than of a clause.
    """

    kinds: tuple[str, ...] = ()
    strict: bool = False
    wants_list: bool = False
    about: str | None = None
    label: str = "text"
    unit: str | None = None  # the measure a quantity is asked in ('%', 'tỷ đồng', 'tấn', 'xe'), folded
    addressees: bool = False  # asks whom the document is sent to ('Kính gửi', 'Nơi nhận')


_RULES: tuple[tuple[str, re.Pattern[str], Need], ...] = (
    ("signer", re.compile(r"\b(ai ky|nguoi ky|do ai ky|ky ban hanh|ky van ban|ai la nguoi ky|ky (quyet dinh|ke hoach|"
                          r"thong bao|cong van|chi thi)( nay| do)?\s*(la ai|\?|$))"),
     Need(("person",), about="signer", label="signer")),
    ("issued", re.compile(r"\b(ban hanh (vao )?(ngay|luc|thoi gian|khi) (nao|nao\b)|ngay ban hanh|ban hanh khi nao|"
                          r"ky ngay nao|ra ngay nao|duoc ban hanh (vao )?(ngay|khi) nao)"),
     Need(("date",), about="issued", label="issued")),
    ("docref", re.compile(r"\b((van ban|quyet dinh|nghi dinh|nghi quyet|thong tu|chi thi|ke hoach|cong van|to trinh|"
                          r"thong bao|luat|chuong trinh|de an)( so)? (nao|may|gi)\b|thay the (cho )?(quyet dinh|van ban|"
                          r"ke hoach|nhung quyet dinh)|bai bo (quyet dinh|van ban|nhung)|can cu (vao )?(thong tu|nghi dinh|"
                          r"quyet dinh|luat|van ban|nghi quyet)|so hieu|mang so)"),
     Need(("docref",), strict=True, label="docref")),
    ("code", re.compile(r"\bma (hs|so|so hs|so thue|hang hoa|so hang hoa)\b(?! (ho so|dinh danh)\b)(?:\s\w+){0,6}?\s(nao|la gi|gi|la bao nhieu|bao nhieu)\b"),
     Need(("code",), strict=True, label="code")),
    ("time", re.compile(r"\b(may gio|khung gio|gio nao|luc may gio|tu may gio|den may gio|truoc may gio)\b"),
     Need(("time", "duration"), strict=True, label="time")),
    ("duration", re.compile(r"\b(bao lau|trong bao|may ngay|bao nhieu ngay|bao nhieu gio|bao nhieu thang|"
                            r"bao nhieu nam|trong vong bao|may thang|may nam|may tuan)\b"),
     Need(("duration", "date", "time"), strict=True, label="duration")),
    ("when", re.compile(r"\b(khi nao|bao gio|ngay nao|luc nao|thang nao|nam nao|thoi diem nao|dip nao|den khi nao|tu khi nao"
                        r"|den bao gio|tu bao gio|truoc ngay nao|cham nhat (la )?(ngay|khi))\b"),
     Need(("date", "recurring", "time", "event"), strict=True, label="date")),
    ("date", re.compile(r"\b(khi nao|bao gio|ngay nao|thoi han|han chot|han cuoi|han nop|han gui|truoc ngay|cham nhat|"
                        r"thoi gian nao|luc nao|thang nao|nam nao|den ngay|tu ngay|ke tu|hieu luc|ap dung tu|moc nao|dip nao|"
                        r"ky hop nao|thoi diem nao|vao luc|den khi nao|den bao gio|dot nao|tien do|\bhan\b(?! (che|muc|ngach)))"),
     Need(TEMPORAL, strict=True, label="date")),
    ("quantity", re.compile(r"(?:\b|_)(bao nhieu|__may__|ty le|ti le|phan tram|muc nao|dat muc|muc bao|so luong|toi thieu|"
                            r"toi da|it nhat|chiem)\b"),
     Need(("quantity",), strict=True, label="quantity")),
    ("recipient", re.compile(r"\b(ve dau|gui (ve |cho |toi )?dau|(gui|bao cao|nop)( ve| len| cho| toi)? (co quan|don vi|bo|so|"
                             r"noi) nao|qua (co quan|don vi) nao|thong qua (co quan|don vi)? ?nao|len dau|o dau"
                             r"|phoi hop (voi )?(co quan|don vi|bo|so|nhung|cac)\b.{0,20}\bnao|lien he (voi )?(ai|co quan|don vi))"),
     Need(("agency",), strict=True, label="recipient")),
    ("agency", re.compile(r"\b((co quan|don vi|bo|so|cap|ben|dia phuong|tinh|thanh pho|xa|phuong|to chuc|cong ty|ngan hang|"
                          r"trung tam|cuc|ban|phong|noi|lanh dao) nao|ai\b|ve dau|gui (ve )?dau|o dau|dau moi|chu tri|"
                          r"phoi hop voi|giao cho|chiu trach nhiem|thuoc ve|tham muu)"),
     Need(("agency", "person"), strict=True, label="agency")),
)
_LIST = re.compile(
    r"\b(nhung|cac) (\w+ ){0,4}nao\b|\b(gom|bao gom) (nhung|cac|co)\b|\bgom (nhung )?gi\b|\bke ten\b|\bliet ke\b"
    r"|\b0?\d{1,2} (?!(?:thang|nam|ngay|gio|lan)\b)(\w+ ){1,7}nao\b|\b(nhung|cac) (viec|noi dung|nhiem vu|giai phap|yeu cau|hanh vi|thanh phan|ho so|giay to|"
    r"phuong phap|hinh thuc|doi tuong|linh vuc|chi tieu|muc tieu|dia diem) (gi|nao)\b|\bnhung gi\b|\bnhung ai\b"
)
_PERSON = re.compile(r"\b(pho thu tuong|thu tuong|bo truong|chu tich|giam doc|truong ban|pho truong ban|"
                     r"nguoi dung dau|truong doan) nao\b|\bai (lam|la|giu chuc) (pho |truong |chu tich|giam doc|thu truong)")


_UNITS = ("nghin ty dong", "ty dong", "trieu dong", "nghin dong", "ty usd", "trieu usd", "trieu tan", "nghin tan",
          "lao dong")
_ASKED_UNIT = re.compile(r"\b(?:bao nhieu|__may__)\s+(" + "|".join(_UNITS) + r"|[a-z]+)\b")
_NOT_A_UNIT = {"la", "so", "va", "trong", "tren", "cho", "voi", "thi", "duoc", "nam", "lan", "phan", "tien", "muc", "mot",
               "o", "de", "vao", "tu", "den", "khi", "sau", "truoc", "theo", "ti", "ty", "trieu", "nghin",
               # 'bao nhiêu mỗi năm', 'bao nhiêu hằng năm', 'bao nhiêu bình quân', 'bao nhiêu của …': no measure
               "moi", "hang", "binh", "cua", "nua", "ca", "vay", "a"}


def asked_unit(folded: str) -> str | None:
    """The measure or thing counted right after 'bao nhiêu' ('bao nhiêu tỷ đồng' → 'ty dong', 'bao nhiêu kg'
    → 'kg', 'bao nhiêu văn bản' → 'van'), '%' for 'phần trăm', 'dong' for 'tiền'."""
    m = _ASKED_UNIT.search(folded)
    if m is not None and m.group(1) == "phan" or re.search(r"\b(phan tram|ty le|ti le)\b.*\bbao nhieu\b", folded):
        return "%"
    if m is None:
        return None
    word = m.group(1)
    if word == "tien":
        return "dong"
    return None if word in _NOT_A_UNIT else word


_LIST_HEAD = re.compile(r"\b(?:nhung|cac|gom)\s+((?:\w+\s+){1,4}?)(?:nao|gi)\b")


def list_head(question: str) -> tuple[str, ...]:
    """The words naming what a list question enumerates ('những chỉ tiêu thi đua nào' → chỉ tiêu thi đua),
    as folded syllables: they are content even where a single-fact question would treat them as frame."""
    folded = strip_accents(match_key(question))
    m = _LIST_HEAD.search(folded)
    return tuple(m.group(1).split()) if m else ()


_GENERIC_LIST = re.compile(r"\b(nhung|cac) (ai|gi|noi dung|viec|doi tuong|thanh phan)\b|\bgom (nhung )?(ai|gi)\b")


_ACTION = re.compile(r"\b(chu tri|thuc hien|phu trach|dau moi|chiu trach nhiem|co trach nhiem|xay dung|to chuc|theo doi|"
                     r"huong dan|ban hanh|tham muu|trien khai|kiem tra|tong hop|lam chu|quan ly|giai quyet|xu ly|lo viec|"
                     r"danh gia|de xuat|bo tri|cung cap|chi dao|don doc|pho bien|tuyen truyen|thanh lap)\b")


_ADDRESSEES = re.compile(r"\b(duoc gui (toi|den|cho)|gui (toi|den) (nhung|cac)|kinh gui|noi nhan)\b")


def need_of(question: str) -> Need:
    """The answer the question asks for (text when no rule applies)."""
    need = _need_of(question)
    folded = strip_accents(match_key(question))
    return replace(need, addressees=True) if _ADDRESSEES.search(folded) else need


# Words the rules read folded that fold like others: when the question has its marks but not this
# word, what the rule would read as it is something else. (word, its folded pattern, the mask)
_FOLD_ALIKE = (
    ("hạn", re.compile(r"\bhan\b"), "__han__"),  # 'dây hàn', 'Hàn Quốc' are no deadline
    ("mức", re.compile(r"\bmuc (nao|bao)\b"), r"__muc__ \1"),  # 'mục nào' (which section) is no 'mức nào'
    ("đâu", re.compile(r"\b(ve|gui|len|o|toi) dau\b"), r"\1 __dau__"),  # 'về đầu tư' is no 'về đâu'
)


def _need_of(question: str) -> Need:
    key = match_key(question)
    folded = strip_accents(key)
    folded = re.sub(r"[^\w\s/]", " ", folded)
    # 'mấy' (how many) and 'máy' (machine) fold alike: tell them apart while the question has its marks
    asks_how_many = "mấy" in key if has_diacritics(question) else re.search(r"\bmay (?!bay|moc|tinh|phun)\w", folded)
    if asks_how_many:
        folded += " __may__"
    if has_diacritics(question):
        for word, pattern, masked in _FOLD_ALIKE:
            if word not in key:
                folded = pattern.sub(masked, folded)
    wants_list = bool(_LIST.search(folded))
    if wants_list and _GENERIC_LIST.search(folded):
        return Need(wants_list=True, label="list")  # 'gồm những ai/gì': the list itself is the answer
    if _PERSON.search(folded):
        return Need(("person", "agency"), strict=not wants_list, wants_list=wants_list, label="person")
    for _, pattern, need in _RULES:
        if pattern.search(folded):
            if need.label in ("quantity",) and re.search(r"\bbao nhieu (ngay|gio|thang|nam|tuan|phut)\b", folded):
                continue  # 'bao nhiêu ngày' asks for a duration (matched above)
            plain = strip_accents(re.sub(r"\bmấy\b", "__may__", key)) if has_diacritics(question) else \
                re.sub(r"\bmay\b(?= (?!bay|moc|tinh|phun)\w)", "__may__", strip_accents(key))
            unit = asked_unit(plain) if need.label == "quantity" else None
            if need.label == "agency" and not _ACTION.search(folded):
                need = replace(need, label="entity")  # 'cho công ty nào', 'thuộc đơn vị nào': any agency answers
            return Need(need.kinds, need.strict and not wants_list, wants_list or need.wants_list, need.about, need.label,
                        unit)
    return Need(wants_list=wants_list, label="list" if wants_list else "text")
