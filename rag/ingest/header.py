"""The frame of a document (pure): header block → DocMeta; where the body, the closing blocks
(recipients, signature) and any appendix after the signature lie.

Works on lines, because converted documents often have no blank lines at all. The official
header is two columns (issuer | motto; number | place, date) that reach us side by side (PDF
text), one under the other (web pages), or on one line; all three are read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.ingest.markers import detect_marker
from rag.ingest.structure import DOC_TYPES, Line, split_lines
from rag.types import DocMeta

_TYPE_BY_UPPER = {t.upper(): t for t in DOC_TYPES}
_TYPE_BY_CODE = {
    "CT": "Chỉ thị", "KH": "Kế hoạch", "QĐ": "Quyết định", "NĐ": "Nghị định", "TT": "Thông tư",
    "NQ": "Nghị quyết", "QH": "Luật", "TB": "Thông báo", "BC": "Báo cáo", "HD": "Hướng dẫn",
    "CV": "Công văn", "CĐ": "Công điện", "TTr": "Tờ trình", "PL": "Pháp lệnh", "VBHN": "Văn bản hợp nhất",
}
_DECOR = re.compile(r"^[#*|\s]+|[*|\s]+$")
_NUMBER_LINE = re.compile(r"^(?:Số|[\w ]{0,20}số)\s*:?\s*(.*)$", re.I)
_NUMBER = re.compile(r"^(\d*)\s*/\s*([0-9A-Za-zĐđ\-/]+)")
_PARTY_NUMBER = re.compile(r"^(\d+)\s*-\s*([A-ZĐ]{1,4}/[A-ZĐ]{1,4})\b")  # 'Số 66-NQ/TW': the Party's numbering
_DATE = r"(ngày\s*(\d{0,2})\s*(?:tháng|/)\s*(\d{0,2})\s*(?:năm|/)\s*(\d{4}))"
_PLACE_DATE = re.compile(r"^([^\d,:;|]{2,40}?),\s*" + _DATE, re.I)
_PLACE_DATE_ANY = re.compile(r"(?<!\w)((?:TP\.\s*)?(?:[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+\s+){0,4}[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+),\s*" + _DATE)
_MOTTO_HEAD = re.compile(r"^(?:CỘNG\s+H[OÒ]À|CHỦ\s+NGHĨA\s+VIỆT|Độc\s+lập\s*-)", re.I)
_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc"
                    r"|[-_*=]{3,}", re.I)
_NAME_WORD = r"[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]+"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}}$")
_TITLED_NAME = re.compile(rf"^(.*?[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]{{2,}}[^a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]*?)\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}})$")
_SIGN_TITLE = re.compile(
    r"^(?:TM\.|KT\.|TL\.|Q\.|PP\.|TUQ\.|(?:PHÓ\s+)?(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|CỤC TRƯỞNG"
    r"|CHÁNH VĂN PHÒNG|TỔNG CỤC TRƯỞNG|TRƯỞNG BAN|CHỦ NHIỆM|TỔNG GIÁM ĐỐC|VIỆN TRƯỞNG|CHÁNH ÁN|TRƯỞNG PHÒNG)\b)")
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\b", re.I)
_AUTHORITY = re.compile(r"^(?:(?:ỦY|UỶ) BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|(?:PHÓ\s+)?(?:THỦ TƯỚNG|BỘ TRƯỞNG|CHỦ TỊCH|CHÍNH PHỦ"
                        r"|CỤC TRƯỞNG|GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CHÁNH VĂN PHÒNG|TRƯỞNG BAN))\b")
_PREAMBLE_START = re.compile(r"^(?:Căn cứ|Thực hiện|Theo|Để|Năm \d|Nhằm|Trong|Ngày|Trên cơ sở|Kính gửi)", re.I)
_SUBJECT = re.compile(r"^(?:V/v|Về việc)\b", re.I)
_REPORTED_TAIL = r"([^.;\n]{0,80}?)\s+ban hành\s+(" + "|".join(DOC_TYPES) + r")\s+số\s+(\d+/[0-9A-Za-zĐđ\-]+)"
_REPORTED_DATED = re.compile(r"[Nn]gày\s+(\d{1,2})/(\d{1,2})/(\d{4}),?\s+" + _REPORTED_TAIL)
_REPORTED = re.compile(r"()()()" + _REPORTED_TAIL)
_ISSUER_PLACE = re.compile(
    r"(UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân)\s+(TP\.?|thành phố|tỉnh|huyện|quận|thị xã)\s+"
    r"((?:[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][\w]*)(?:\s+[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][\w]*){0,3})"
)
_MIN_APPENDIX_CHARS = 200


@dataclass(frozen=True)
class Layout:
    """Where the regions of a document lie, as character offsets of the normalized text.

    `body_*` is the main body (after the title and before the first closing block);
    `closings` the recipients/signature blocks; `appendices` the text after a signature that
    still belongs to the document (the plan or regulation a decision issues, its annexes).
    """

    header_end: int
    body_start: int
    body_end: int
    closings: tuple[tuple[int, int], ...] = ()
    appendices: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class _Closing:
    first: int  # index of the block's first line
    last: int  # index of its last line
    signer: str | None
    signer_title: str | None


def _bare(line: Line) -> str:
    return re.sub(r"\s+", " ", _DECOR.sub("", line.text).replace("*", "")).strip()


def _upper(text: str) -> bool:
    letters = re.sub(r"[\W\d_]", "", text)
    return bool(letters) and letters.isupper()


def _doc_type_of(text: str) -> str | None:
    return _TYPE_BY_UPPER.get(re.sub(r"\s+", " ", _DECOR.sub("", text)).strip(" :").upper()) if len(text) < 40 else None


def _type_from_number(symbol: str) -> str | None:
    for code in re.split(r"[/\-]", symbol):
        if code in _TYPE_BY_CODE:
            return _TYPE_BY_CODE[code]
        if code.startswith("QH"):
            return "Luật"
    return None


def _find_header(lines: list[Line]) -> dict[str, object]:
    """Header facts from the first lines: number, place/date, type, subject, issuer lines."""
    found: dict[str, object] = {}
    issuer_lines: list[str] = []
    motto_seen = False
    for i, line in enumerate(lines[:60]):
        if detect_marker(line.text) is not None and "type_index" in found:
            break
        raw = _bare(line)
        if _MOTTO_HEAD.match(raw) or _MOTTO.fullmatch(raw.strip()):
            motto_seen = True
        bare = _MOTTO.sub(" ", raw).strip(" |")
        if not bare:
            continue
        for cell in [c.strip() for c in bare.split(" | ")] if " | " in bare else [bare]:
            if "number_raw" not in found and re.fullmatch(r"Số\s*:?", cell):
                found["number_alone"] = i  # 'Số:' with the number on the next line
                continue
            if found.get("number_alone") == i - 1 and "number_raw" not in found and (
                    _NUMBER.match(cell) or _PARTY_NUMBER.match(cell)):
                cell = f"Số: {cell}"
            if "number_raw" not in found and (m := _NUMBER_LINE.match(cell)) and "/" in m.group(1):
                found["number_raw"], found["number_index"] = m.group(1), i
                if "place" not in found and (d := _PLACE_DATE_ANY.search(m.group(1))):
                    found["place"], found["issued_text"] = d.group(1).strip(), d.group(2)
                    found["date_parts"], found["date_index"] = (d.group(3), d.group(4), d.group(5)), i
                if sm := re.search(r"\b(V/v\b.*)$", m.group(1)):
                    found["subject"] = sm.group(1)
                continue
            if "place" not in found and (m := _PLACE_DATE.match(cell)):
                found["place"], found["issued_text"] = m.group(1).strip(), m.group(2)
                found["date_parts"], found["date_index"] = (m.group(3), m.group(4), m.group(5)), i
                continue
            if "subject" not in found and "type_index" not in found and _SUBJECT.match(cell) and "number_index" in found:
                found["subject"] = cell
                continue
            if "type_index" not in found and (doc_type := _doc_type_of(cell)):
                found["doc_type"], found["type_index"] = doc_type, i
                continue
            if not motto_seen and "number_index" not in found and "type_index" not in found \
                    and _upper(cell) and len(cell) < 80:
                issuer_lines.append(cell)
    found["issuer_lines"] = [s for s in issuer_lines if s]
    return found


def _title_after(lines: list[Line], type_index: int) -> tuple[str | None, int]:
    """The title (trích yếu) after the type line, and the index of the first body line.

    Upper-case title lines (wrapped anywhere) are joined; a mixed-case title ('Về việc …')
    is one line. The issuing authority repeated before the preamble ends the title.
    """
    parts: list[str] = []
    i = type_index + 1
    while i < len(lines) and len(parts) < 6:
        bare = _bare(lines[i])
        if detect_marker(lines[i].text) or _PREAMBLE_START.match(bare) or len(bare) > 300:
            break
        if parts and (_AUTHORITY.match(bare) or bare.rstrip(":").upper() in _TYPE_BY_UPPER):
            break
        if parts and not (_upper(bare) and _upper(parts[-1])):
            break
        if not parts and not (_upper(bare) or _SUBJECT.match(bare) or bare[:1].isupper()):
            break
        parts.append(bare)
        i += 1
        if not _upper(bare):
            break
    return (" ".join(parts) or None), i


def _iso_date(parts: tuple[str, str, str]) -> str | None:
    day, month, year = parts
    if not (day and month and year) or not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _signature_name(bare: str) -> tuple[str | None, str]:
    """(name, titles before it) of a signature line: 'Nguyễn Văn A' or 'PHÓ CHỦ TỊCH Nguyễn Văn A'."""
    if _NAME.match(bare) and not bare.isupper():
        return bare, ""
    if m := _TITLED_NAME.match(bare):
        return m.group(2), m.group(1).strip()
    return None, ""


def _closings(lines: list[Line], after: int) -> list[_Closing]:
    """Recipient lists and signature blocks after the header, in order."""
    blocks: list[_Closing] = []
    i = after
    while i < len(lines):
        bare = _bare(lines[i])
        if not (_RECIPIENTS.match(bare) or (_SIGN_TITLE.match(bare) and _upper(bare.split(" ", 3)[-1][:12] or bare))):
            i += 1
            continue
        first, signer, last = i, None, i
        titles: list[str] = []
        j = i
        while j < len(lines) and j - i <= 45:
            cur = _bare(lines[j])
            name, lead = _signature_name(cur)
            if name and (titles or j > i):
                signer, last = name, j
                titles += [lead] if lead else []
                break
            if _upper(cur) and _SIGN_TITLE.match(cur) or (titles and _upper(cur) and len(cur) < 80):
                titles.append(cur)
            elif j > i and not (_RECIPIENTS.match(cur) or cur.startswith(("-", "+", "•")) or len(cur) < 100):
                break  # body text: this was not a closing block
            last = j
            j += 1
        if signer is None and not _RECIPIENTS.match(bare):
            i += 1
            continue
        # a recipients list right after the signature belongs to the same block
        k = last + 1
        if k < len(lines) and _RECIPIENTS.match(_bare(lines[k])):
            k += 1
            while k < len(lines) and _bare(lines[k]).startswith(("-", "+", "•")):
                k += 1
            last = k - 1
        blocks.append(_Closing(first, last, signer, " ".join(titles) or None))
        i = last + 1
    return blocks


def _level_word(text: str) -> str:
    counts = {w: len(re.findall(rf"\b{w}\b", text)) for w in ("thành phố", "tỉnh", "huyện", "quận", "thị xã")}
    return max(counts, key=lambda w: counts[w])


def _regions(text: str, lines: list[Line], body_from: int, blocks: list[_Closing]) -> tuple[int, tuple[tuple[int, int], ...],
                                                                                          tuple[tuple[int, int], ...]]:
    """(end of the main body, closing spans, appendix spans)."""
    if not blocks:
        return len(text), (), ()
    closings = tuple((lines[b.first].start, lines[b.last].end) for b in blocks)
    appendices = []
    for n, (_, end) in enumerate(closings):
        stop = closings[n + 1][0] if n + 1 < len(closings) else len(text)
        if len(text[end:stop].strip()) >= _MIN_APPENDIX_CHARS:
            appendices.append((end, stop))
    return closings[0][0], closings, tuple(appendices)


def _news_meta(lines: list[Line], text: str) -> DocMeta:
    """An article that reports a document: its title, and the document it reports."""
    issuer = place = issued_on = issued_text = number = doc_type = None
    if m := (_REPORTED_DATED.search(text[:3000]) or _REPORTED.search(text[:3000])):
        day, month, year, who, doc_type, number = m.groups()
        if day:
            issued_on = _iso_date((day, month, year))
            issued_text = f"ngày {day}/{month}/{year}"
        if im := _ISSUER_PLACE.search(who):
            issuer, place = im.group(0), im.group(3)
    return DocMeta(number=number, doc_type=doc_type, issuer=issuer, place=place, issued_on=issued_on,
                   issued_text=issued_text, title=_bare(lines[0]).lstrip("# ") or None, kind="news")


def parse_meta_and_layout(text: str) -> tuple[DocMeta, Layout]:
    """Header block → DocMeta; also the layout regions used by the clause parser and chunker."""
    lines = split_lines(text)
    if not lines:
        return DocMeta(), Layout(0, 0, 0)
    head = _find_header(lines)
    if "type_index" not in head and "number_raw" not in head:
        meta = _news_meta(lines, text)
        body_start = lines[1].start if len(lines) > 1 else lines[0].end
        blocks = _closings(lines, 1)
        body_end, closings, appendices = _regions(text, lines, 1, blocks)
        layout = Layout(lines[0].end, min(body_start, body_end), body_end, closings, appendices)
        return replace(meta, about=about_text(text, layout)), layout
    number = doc_type = None
    raw = str(head.get("number_raw", "")).replace("*", "").strip()
    if "number_raw" in head and (m := _NUMBER.match(raw)):
        symbol = m.group(2)
        number = f"{m.group(1)}/{symbol}" if m.group(1) else None
        doc_type = _type_from_number(symbol)
    elif party := _PARTY_NUMBER.match(raw):
        number = f"{party.group(1)}-{party.group(2)}"
        doc_type = _type_from_number(party.group(2).split("/")[0])
    if head.get("doc_type"):
        doc_type = str(head["doc_type"])
    elif head.get("subject"):
        doc_type = "Công văn"  # 'V/v …' under the number: an official letter, whatever its symbol says
    indices = [int(head[k]) for k in ("type_index", "date_index", "number_index") if k in head]  # type: ignore[call-overload]
    if "type_index" in head:
        title, first_body = _title_after(lines, int(head["type_index"]))  # type: ignore[call-overload]
    else:
        title, first_body = (str(head["subject"]) if head.get("subject") else None), max(indices) + 1
        while first_body < len(lines) and (_SUBJECT.match(_bare(lines[first_body])) or not _bare(lines[first_body])
                                           or _bare(lines[first_body]) in str(head.get("subject", ""))):
            first_body += 1
    if title and title.startswith("V/v") is False and _upper(title):
        title = re.sub(r"\s+", " ", title)
    blocks = _closings(lines, first_body)
    body_end, closings, appendices = _regions(text, lines, first_body, blocks)
    main = blocks[0] if blocks else None
    signer = main.signer if main else None
    signer_title = main.signer_title if main else None
    if signer is None:  # a signature without a recipients list, or the list after it
        signer = next((b.signer for b in blocks if b.signer), None)
        signer_title = next((b.signer_title for b in blocks if b.signer), None)
    place = str(head["place"]).strip() if "place" in head else None
    issuer_lines = head["issuer_lines"]
    issuer = " ".join(issuer_lines) if issuer_lines else None  # type: ignore[arg-type]
    if issuer is None and signer_title and "ỦY BAN NHÂN DÂN" in signer_title.upper() and place:
        issuer = f"Ủy ban nhân dân {_level_word(text)} {place}"
    meta = DocMeta(
        number=number, doc_type=doc_type, issuer=issuer, place=place,
        issued_on=_iso_date(head["date_parts"]) if "date_parts" in head else None,  # type: ignore[arg-type]
        issued_text=str(head["issued_text"]) if "issued_text" in head else None,
        title=title, signer=signer, signer_title=signer_title,
    )
    header_end = lines[first_body - 1].end if first_body > 0 else 0
    body_start = lines[first_body].start if first_body < len(lines) else body_end
    layout = Layout(header_end, min(body_start, body_end), body_end, closings, appendices)
    return replace(meta, about=about_text(text, layout)), layout


_OPENING_SKIP = re.compile(r"^(?:Căn cứ|Theo đề nghị|Xét đề nghị)", re.I)
_ABOUT_CHARS = 700


def about_text(text: str, layout: Layout) -> str:
    """What a document is about, for finding it by topic: the opening of its body (past the
    'Căn cứ …' legal bases) and the title lines of its appendices (the plan a decision issues)."""
    parts: list[str] = []
    opening = [ln.strip() for ln in text[layout.body_start:layout.body_end].split("\n") if ln.strip()]
    body = " ".join(ln for ln in opening[:12] if not _OPENING_SKIP.match(ln.replace("*", "")))
    parts.append(body[:_ABOUT_CHARS])
    for start, end in layout.appendices:
        lines = [ln.strip() for ln in text[start:end].split("\n") if ln.strip()][:6]
        parts.append(" ".join(lines)[:300])
    return re.sub(r"\s+", " ", " ".join(parts).replace("*", "")).strip()


def parse_meta(text: str) -> DocMeta:
    """The DocMeta of a normalized document text."""
    return parse_meta_and_layout(text)[0]
