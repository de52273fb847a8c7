"""Answer units (pure): the sentences, list items and enumerated segments inside a chunk, and
how well each covers a question. The extractive answerer quotes the best unit verbatim."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.text import match_key, strip_accents
from rag.types import Chunk

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[*A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ(“\"0-9])")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_LEAD = re.compile(r"^[\s\-–•+#*]+")
_TRAIL = re.compile(r"[\s*]+$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
# a quantity: a number that is not a year ('76%', '7.000 đảng viên', '17 bác sĩ', '0,5%')
QUANTITY = re.compile(r"(?<![\d/.,])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*(?![\d/])")
DATE = re.compile(
    r"(?:(?:trước|chậm nhất|đến|từ|trong)\s+)?(?:ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2})?(?:\s+năm\s+\d{4})?"
    r"|ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?|\d{1,2}/\d{1,2}/\d{4}|tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
    r"|quý\s+[IV1-4]+(?:\s+năm\s+\d{4})?|định kỳ\s+[^,;.]{1,30}|hằng năm|hàng năm|năm\s+\d{4})",
    re.IGNORECASE,
)
AGENCY = re.compile(
    r"\b(Sở|Ban|Bộ|Phòng|phòng|Ủy ban|UBND|Hội đồng|Văn phòng|Trung tâm|Công an|Bộ Chỉ huy|Đài|Báo|Thủ trưởng|"
    r"Chủ tịch|Trưởng|Cục|Chi cục|Tổng cục|Mặt trận|Liên đoàn|Đoàn|Hội|Các cơ quan|Các sở|các cơ quan)\b"
)
SPLIT_OVER = 200
_ITEM_RANK = {"part": 0, "chapter": 0, "lawsection": 0, "article": 1, "roman": 1, "decimal": 2, "ordinal": 2,
              "letter": 3, "paren": 4, "dash": 5}


@dataclass(frozen=True)
class Unit:
    """A quotable span of a document: doc_text[start:end] == text."""

    chunk: Chunk
    start: int
    end: int
    text: str
    context: str  # what surrounds the unit (breadcrumb, sentence lead): counts half in coverage
    rank: int  # rank of the passage it came from
    lead: str = ""  # the sentence's lead-in before ':' and the clause heading ('Đến năm 2025')
    sentence: tuple[int, int] = (0, 0)  # span of the whole sentence the unit belongs to


def _trimmed(doc: str, start: int, end: int) -> tuple[int, int]:
    piece = doc[start:end]
    lead = len(_LEAD.match(piece).group(0)) if _LEAD.match(piece) else 0  # type: ignore[union-attr]
    trail = len(_TRAIL.search(piece).group(0)) if _TRAIL.search(piece) else 0  # type: ignore[union-attr]
    return start + lead, max(start + lead, end - trail)


def _pieces(text: str, pattern: str) -> list[tuple[int, int]]:
    """Split at `pattern`, never inside a quotation (“…”)."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    spans, pos = [], 0
    for m in re.finditer(pattern, text):
        if any(a < m.start() < b for a, b in quoted):
            continue
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def units_of(chunk: Chunk, doc: str, rank: int, title: str = "") -> list[Unit]:
    """Lines and sentences of a chunk; long sentences also as ';'/':' and ',' segments.

    A clause's heading line ('3. Hội đồng Thi đua - Khen thưởng thành phố') is context for the
    units under it, not an answer of its own.
    """
    from rag.ingest.markers import detect_marker

    units: list[Unit] = []
    lines = _pieces(chunk.text, r"\n+")
    heading = ""
    if len(lines) > 1:
        first = chunk.text[lines[0][0]:lines[0][1]]
        if detect_marker(first) is not None and len(first) < 120 and not first.rstrip("* ").endswith((".", ";")):
            heading = first
            lines = lines[1:]
    base_context = f"{chunk.breadcrumb} {title} {heading}"

    def add(start: int, end: int, context: str, lead: str, sentence: tuple[int, int]) -> None:
        s, e = _trimmed(doc, start, end)
        if e - s >= 3:
            units.append(Unit(chunk, s, e, doc[s:e], context, rank, f"{heading} {lead}".strip(), sentence))

    # the item headings above a line ('b) Giai đoạn 2028 - 2030:' over its '- 99% …' lines) are its context
    above: list[tuple[int, str]] = []  # (marker rank, heading line) of the enclosing items, outermost first
    for ls, le in lines:
        line = chunk.text[ls:le]
        marker = detect_marker(line)
        level = _ITEM_RANK.get(marker.kind, len(_ITEM_RANK)) if marker is not None else None
        if level is not None:
            above = [(r, h) for r, h in above if r < level]
        enclosing = " ".join(h for _, h in above)
        line_context = f"{base_context} {enclosing}".strip()
        for ss, se in _pieces(line, _SENTENCE.pattern):
            abs_s, abs_e = chunk.start + ls + ss, chunk.start + ls + se
            add(abs_s, abs_e, line_context, enclosing, (abs_s, abs_e))
            sentence = doc[abs_s:abs_e]
            if len(sentence) <= SPLIT_OVER:
                continue
            lead = sentence.split(":", 1)[0] if ":" in sentence else ""
            for gs, ge in _pieces(sentence, r";\s*|:\s+"):
                segment = sentence[gs:ge]
                add(abs_s + gs, abs_s + ge, f"{line_context} {lead}", f"{enclosing} {lead}".strip(), (abs_s, abs_e))
                if len(segment) > SPLIT_OVER:
                    for cs, ce in _pieces(segment, r",\s+"):
                        add(abs_s + gs + cs, abs_s + gs + ce, f"{line_context} {lead} {segment[:cs]}",
                            f"{enclosing} {lead}".strip(), (abs_s, abs_e))
        if level is not None and len(line) < 160 and not line.rstrip(" *").endswith((".", ";")):
            above.append((level, line))
    return units


def heading_unit(chunk: Chunk, doc: str, rank: int, title: str = "") -> Unit | None:
    """The chunk's clause heading line as a unit of its own (it announces a list of items)."""
    from rag.ingest.markers import detect_marker

    end = chunk.text.find("\n")
    first = chunk.text[:end] if end > 0 else ""
    if not first or detect_marker(first) is None or len(first) >= 160:
        return None
    s, e = _trimmed(doc, chunk.start, chunk.start + len(first))
    return Unit(chunk, s, e, doc[s:e], f"{chunk.breadcrumb} {title}", rank, "", (s, e))


def keys_near(text: str, start: int, end: int, terms: set[str], folded: bool, reach: int) -> float:
    """The question's terms around text[start:end], each counted once and by its closeness:
    1 inside or right beside the span, falling to 0 at `reach` characters. What follows a span
    counts at a third of that reach: a date or figure qualifies what precedes it ('6 tháng (trước
    ngày 18/5), năm (…)'), the words after it begin the next item."""
    key = match_key(text)
    if len(key) != len(text):  # a normalisation that changes lengths: count them, unweighted
        return float(len(terms & set(keys_of(text[max(0, start - reach):end + reach], folded))))
    closest: dict[str, int] = {}
    for m in _TOKEN.finditer(key, max(0, start - reach), end + reach):
        token = strip_accents(m.group(0)) if folded else m.group(0)
        if token in terms:
            gap = max(0, start - m.end(), 3 * (m.start() - end))
            closest[token] = min(closest.get(token, gap), gap)
    return sum(1.0 - min(gap, reach) / (reach + 1) for gap in closest.values())


def keys_of(text: str, folded: bool) -> list[str]:
    """Match keys of a text's syllables (accent-folded when the question has no diacritics)."""
    toks = _TOKEN.findall(match_key(text))
    return [strip_accents(t) for t in toks] if folded else toks


@dataclass(frozen=True)
class Coverage:
    """How much of the question's weighted content a unit holds."""

    score: float
    in_text: float  # share found in the unit itself


def coverage(terms: Sequence[str], unit: Unit, weight: Callable[[str], float], folded: bool,
             pairs: Sequence[tuple[str, str]] = (), given: frozenset[str] = frozenset(),
             soft: frozenset[str] = frozenset()) -> Coverage:
    """IDF-weighted share of question terms (and of the pairs adjacent in the question) in the unit.

    A term found only in the unit's context (section headings) counts half. Terms in `given` —
    the words that name the unit's document (its title, issuer, opening) — are satisfied by the
    document itself: they count as found, and `in_text` is measured on the other terms, the ones
    that describe the fact. Terms in `soft` (how a limit is asked: 'tối đa', 'chậm nhất') count
    when the unit has them and are left out when it has not.
    """
    if not terms:
        return Coverage(0.0, 0.0)
    own = keys_of(unit.text, folded)
    own_set, ctx_set = set(own) | set(keys_of(unit.lead, folded)), set(keys_of(unit.context, folded))
    own_pairs = set(zip(own, own[1:], strict=False))
    total = found = found_text = text_total = 0.0
    for term in dict.fromkeys(terms):
        if term in soft and term not in own_set and term not in given:
            continue
        w = weight(term)
        total += w
        if term in own_set:
            found += w
            found_text += w
            text_total += w
        elif term in given:
            found += w
        else:
            text_total += w
            if term in ctx_set:
                found += 0.5 * w
    in_text = found_text / text_total if text_total else 1.0
    pairs = list(dict.fromkeys(pairs))
    uni = found / total if total else 0.0
    if not pairs:
        return Coverage(uni, in_text)
    ctx_keys = keys_of(unit.context, folded)
    ctx_pairs = set(zip(ctx_keys, ctx_keys[1:], strict=False))
    pair_total = pair_found = 0.0
    for a, b in pairs:
        if (a in soft or b in soft) and (a, b) not in own_pairs:
            continue
        w = weight(a) + weight(b)
        pair_total += w
        if (a, b) in own_pairs or (a in given and b in given):
            pair_found += w
        elif (a, b) in ctx_pairs:
            pair_found += 0.5 * w
    return Coverage(0.6 * uni + 0.4 * (pair_found / pair_total) if pair_total else uni, in_text)


def under_agency_heading(unit: Unit) -> bool:
    """Does a clause heading above the unit name who acts ('1. Sở Nội vụ (…)' over its items)?"""
    chunk = unit.chunk
    first_end = chunk.text.find("\n")
    if first_end > 0 and unit.start >= chunk.start + first_end and is_agency_heading(chunk.text[:first_end]):
        return True
    return any(AGENCY.match(strip_marker(str(a[1]).strip("#* "))) for a in chunk.ancestors)


def is_agency_heading(line: str) -> bool:
    """A clause heading that names who acts: '#### **1. Sở Nội vụ (Ban Thi đua - Khen thưởng)**'."""
    from rag.ingest.markers import detect_marker

    head = re.sub(r"^(?:Giao|Đề nghị|Yêu cầu|Giao cho)\s+", "", strip_marker(line.strip("#* ")))
    return detect_marker(line) is not None and bool(AGENCY.match(head))


def strip_marker(text: str) -> str:
    """'(8) Tỷ lệ …' → 'Tỷ lệ …'; 'a) Chủ trì …' → 'Chủ trì …' (for the answer line, not the quote)."""
    return re.sub(r"^(?:[-–+•]\s*)?(?:\(\d{1,3}\)|[a-zđ]\)|\d{1,3}(?:\.\d{1,3})*\.|[IVXL]+\.|Thứ \w+,)?\s*", "",
                  text).strip()
