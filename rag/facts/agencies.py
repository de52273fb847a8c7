"""Agencies as entities (pure, standard library only): find the agencies a text names and give
each one canonical name, so one agency's duties gather across documents.

    >>> canonical_agency("Sở KH&CN")
    'Sở Khoa học và Công nghệ'
    >>> canonical_agency("UBND các xã, phường")
    'Ủy ban nhân dân cấp xã'
    >>> [a.canonical for a in find_agencies("Sở Tài chính chủ trì, phối hợp với Sở Y tế, Công an tỉnh")]
    ['Sở Tài chính', 'Sở Y tế', 'Công an tỉnh']

The names, abbreviations and collectives ("các sở, ban, ngành") are data (agencies.json next to
this file); the code holds only the grammar of a Vietnamese agency name: a head word (Sở, Ban,
Trung tâm, Ủy ban nhân dân…), capitalised name words, an optional level and place ("tỉnh Đồng
Nai"). A person's title ("Giám đốc Sở Y tế") is part of the span but not of the entity; so is a
parenthesis ("Sở Nội vụ (Ban Thi đua - Khen thưởng)"). Place names are dropped from departments
(the document says which province) but kept for people's committees ("Ủy ban nhân dân tỉnh
Thanh Hóa" is its own entity in a government notice).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.text import fold_tones

DATA_FILE = Path(__file__).with_name("agencies.json")

# Head words that open an agency name when followed by a capitalised word ("Trung tâm Phục vụ …").
_HEADS = (
    "Bộ Chỉ huy", "Bộ Tư lệnh", "Bộ đội", "Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân", "Ủy ban",
    "Uỷ ban", "Hội đồng", "Văn phòng", "Trung tâm", "Học viện", "Viện", "Trường", "Bệnh viện", "Tổng cục",
    "Chi cục", "Cục", "Vụ", "Phòng", "Đài", "Báo", "Tạp chí", "Tập đoàn", "Tổng công ty", "Công ty", "Ngân hàng",
    "Kho bạc", "Quỹ", "Liên đoàn", "Liên hiệp", "Hội", "Đoàn", "Mặt trận", "Bảo hiểm", "Thanh tra", "Công an",
    "Cảng vụ", "Đại học", "Thông tấn xã", "Tòa án", "Viện kiểm sát", "Liên minh", "Ban", "Sở", "Bộ", "UBND", "HĐND",
)
# Heads that take a level word instead of a name ("Công an tỉnh", "Ủy ban nhân dân thành phố Cần Thơ").
_LEVEL_HEADS = ("ủy ban nhân dân", "hội đồng nhân dân", "ubnd", "hđnd", "công an", "thanh tra", "kho bạc nhà nước",
                "bảo hiểm xã hội", "cục thuế", "liên đoàn lao động", "hội nông dân", "bộ chỉ huy quân sự")
_LEVEL = r"(?:cấp\s+(?:tỉnh|huyện|xã)|tỉnh|thành\s+phố|tp\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu)"
# Words that end a name: what follows an agency in a directive (verbs, prepositions).
_LEVEL_AFTER = re.compile(r"\s+(?:" + _LEVEL + r")(?!\w)")
_STOP = frozenset("""
chủ phối có chịu tổ thực triển hướng tham theo rà xây báo khẩn chỉ đôn kiểm tiếp căn trong về với để của tại
là được cung đẩy tăng nghiên đề ban giao làm gửi trình lập hỗ vận điều đảm sớm tích nâng rút hoàn ưu đánh xử tập
thẩm phê quyết và hoặc cùng khi nếu thì đã đang sẽ cần phải bố chuẩn quản thường đăng cấp các những mọi
từ đến trên dưới sau trước theo bảo giám tuyên phổ thống ký phát cập thu tạo thúc huy mở ứng duy chăm
trả giảm nhận nộp chuyển đưa xem nêu yêu cho nhằm bằng họp bỏ bầu giữ lấy ra vào dùng mua bán đạt tổng kịp lưu phân trân thuộc
""".split())
_WORD = re.compile(r"[^\W_]+(?:[&.\-'][^\W_]+)*\.?|&", re.UNICODE)
_TITLE = re.compile(r"(?:(?:các\s+)?đồng\s+chí\s+)?(?:(?:giám đốc|thủ trưởng|chủ tịch|chánh văn phòng|chánh thanh tra|"
                    r"trưởng ban|chỉ huy trưởng|bộ trưởng|cục trưởng|chi cục trưởng|tổng giám đốc|viện trưởng|"
                    r"hiệu trưởng|lãnh đạo|người đứng đầu|trưởng)\s+)?$")
_PLACE_WORD = re.compile(r"(?:[ \t]+|[ \t]*\n[ \t]*)([^\W\d_]+)")


@dataclass(frozen=True)
class AgencySpan:
    """An agency named in a text: text[start:end] as written, and its canonical name."""

    start: int
    end: int
    text: str
    canonical: str


def _scan_view(text: str) -> str:
    """Lowercase, one tone convention, markdown and line breaks as spaces — same length as `text`."""
    lowered = unicodedata.normalize("NFC", text).lower()
    folded = fold_tones(lowered)
    view = re.sub(r"[*#_|\n\t\r]", " ", folded)
    return view if len(view) == len(text) else re.sub(r"[*#_|\n\t\r]", " ", text.lower())


def _phrase_pattern(phrase: str) -> str:
    """A regex for a name as the scan view holds it: flexible spaces and commas, '&' for 'và', 'UBND'."""
    key = re.sub(r"\s*-\s*", " - ", fold_tones(phrase.lower()).strip())
    parts: list[str] = []
    for tok in key.split():
        if tok == "và":
            parts.append(r"(?:và|&)")
        elif tok == "-":
            parts.append("-")
        else:
            escaped = re.escape(tok.rstrip(",")).replace("\\&", "&").replace("&", r"\s*&\s*")
            parts.append(escaped + (",?" if tok.endswith(",") else ""))
    pattern = parts[0]
    for prev, part in zip(parts, parts[1:], strict=False):
        if part == "-":
            pattern += r"\s*-\s*"
        else:
            pattern += part if prev == "-" else r"\s+" + part
    for long, short in ((r"ủy\s+ban\s+nhân\s+dân", "ubnd"), (r"hội\s+đồng\s+nhân\s+dân", "hđnd"),
                        (r"thành\s+phố", r"tp\.?")):
        pattern = pattern.replace(long, f"(?:{long}|{short})")
    return pattern.replace(r",?\s+", r",?\s*")


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    """The alias table compiled once: known names, collectives, abbreviations."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    known: dict[str, str] = {}
    patterns: list[tuple[str, str]] = []
    for entry in data["agencies"]:
        for alias in [entry["name"], *entry["aliases"]]:
            known[_key(alias)] = entry["name"]
            patterns.append((_phrase_pattern(alias), entry["name"]))
    patterns.sort(key=lambda p: -len(p[0]))
    names = re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<k{i}>{p})" for i, (p, _) in enumerate(patterns)) + r")(?!\w)")
    # the same names grouped by their first word: a text is searched only for the groups whose
    # word it holds (one alternation of every name, run on every clause, was most of the time)
    by_word: dict[str, list[int]] = {}
    for i, (pattern, _) in enumerate(patterns):
        for word in _first_words(pattern):
            by_word.setdefault(word, []).append(i)
    groups = [(word, re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<k{i}>{patterns[i][0]})" for i in ids) + r")(?!\w)"))
              for word, ids in by_word.items()]
    collectives = []
    for entry in data["collectives"]:
        for pattern in entry["patterns"]:
            first = re.match(r"[^\W\d_]+", pattern)  # a pattern that opens with a plain word needs that word
            collectives.append((re.compile(r"(?<!\w)" + pattern.replace(" ", r"\s+") + r"(?!\w)"), entry["name"],
                                first.group(0) if first else ""))
    expansions = sorted(data["expansions"].items(), key=lambda kv: -len(kv[0]))
    return {"known": known, "names": names, "name_of": [n for _, n in patterns], "collectives": collectives,
            "groups": groups, "expansions": expansions}


def _first_words(pattern: str) -> list[str]:
    """The words a name pattern can open with ('(?:ủy\\s+ban…|ubnd)\\s+tỉnh' → ['ủy', 'ubnd'])."""
    words = []
    for option in (pattern[3:].split(")", 1)[0].split("|") if pattern.startswith("(?:") else [pattern]):
        m = re.match(r"[^\W\d_]+", option)
        if m:
            words.append(m.group(0))
    return words or [""]


def _key(text: str) -> str:
    """Match key of a name: lowercase, one tone convention, '&' as 'và', punctuation and spaces unified."""
    key = fold_tones(unicodedata.normalize("NFC", text).lower())
    key = re.sub(r"\s*&\s*", " và ", key)
    key = re.sub(r"\s*-\s*", " - ", key)
    key = re.sub(r"[*#_]", " ", key)
    return re.sub(r"\s+", " ", key).strip(" ,;:.")


def _keep_case_fold(text: str) -> str:
    """fold_tones on mixed-case text: 'Uỷ ban' → 'Ủy ban', keeping each letter's case."""
    folded = fold_tones(text.lower())
    if len(folded) != len(text):
        return text
    return "".join(f.upper() if o.isupper() else f for o, f in zip(text, folded, strict=True))


def _expand(text: str) -> str:
    """Spell abbreviations out: 'UBND TP. Cần Thơ' → 'Ủy ban nhân dân thành phố Cần Thơ'."""
    for short, long in _tables()["expansions"]:
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, text)
    return text


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[*#_|]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–\n\t")
    text = re.sub(r"^(?:giao|đề nghị|yêu cầu|các đồng chí)\s+", "", text, flags=re.I)
    text = re.sub(r"\s*\([^()]*\)", "", text).strip(" ,;:.")
    lowered = fold_tones(text.lower())
    for title in ("giám đốc", "thủ trưởng", "chủ tịch", "chánh văn phòng", "chánh thanh tra", "trưởng ban",
                  "chỉ huy trưởng", "bộ trưởng", "cục trưởng", "chi cục trưởng", "tổng giám đốc", "viện trưởng",
                  "hiệu trưởng", "lãnh đạo", "người đứng đầu"):
        if lowered.startswith(title + " ") and len(text) > len(title) + 3:
            rest = text[len(title) + 1:]
            if rest[:1].isupper() or rest.lower().startswith(("các ", "ubnd", "ủy ban", "uỷ ban")):
                text = rest
                break
    return text


def canonical_agency(text: str) -> str:
    """The canonical name of an agency as written: aliases resolved, abbreviations spelled out.

    Unknown agencies keep their own words (abbreviations expanded, first letter capitalised), so
    the result is always a name, never a sentence: callers pass a span from `find_agencies`.
    """
    cleaned = _clean(text)
    if not cleaned:
        return ""
    tables = _tables()
    view = _scan_view(cleaned)
    for pattern, name, _ in tables["collectives"]:
        m = pattern.match(view)
        if m and m.end() >= len(view.rstrip(" ,;:.")) - 1:
            return str(name)
    key = _key(cleaned)
    if key in tables["known"]:
        return str(tables["known"][key])
    expanded = _keep_case_fold(_expand(cleaned))
    key = _key(expanded)
    if key in tables["known"]:
        return str(tables["known"][key])
    # a known department or ministry followed by its place: 'Sở Tài chính tỉnh Lạng Sơn' → 'Sở Tài chính'
    m = tables["names"].match(_scan_view(expanded))
    if m:
        name = tables["name_of"][int(str(m.lastgroup)[1:])]
        rest = expanded[m.end():].strip()
        level = re.match(_LEVEL, rest, flags=re.I)
        place = rest[level.end():] if level else rest
        if not rest or ((level or name.endswith((" tỉnh", " thành phố"))) and _is_place(place)):
            return str(name)
    if not re.match(r"(?:Ủy ban nhân dân|Hội đồng nhân dân)\b", expanded):
        # the place of a department is the document's own: 'Đoàn Thanh niên … tỉnh Đồng Nai' → '… tỉnh'
        m = re.search(r"\s(" + _LEVEL + r")\s+(\S.*)$", expanded, flags=re.I)
        if m and _is_place(m.group(2)):
            expanded = expanded[:m.end(1)]
    return expanded[:1].upper() + expanded[1:]


@lru_cache(maxsize=16384)
def agency_key(text: str) -> str:
    """Comparison key of an agency: two texts name the same agency when their keys are equal."""
    return _key(canonical_agency(text))


def same_agency(a: str, b: str) -> bool:
    """True when both texts name the same agency ('Sở KH&CN' and 'Sở Khoa học và Công nghệ')."""
    return bool(a) and bool(b) and agency_key(a) == agency_key(b)


# ---------------------------------------------------------------- finding agencies in running text


def _words_after(text: str, pos: int, limit: int = 14) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, pos, min(len(text), pos + 160)))[:limit]


def _gap_ok(text: str, a: int, b: int, allow: str = "") -> bool:
    """Only spaces (and the allowed punctuation) between two words of one name."""
    between = re.sub(r"[*#_\s]", "", text[a:b])
    return between == "" or between in allow


def _generic_end(text: str, view: str, start: int, head_end: int, head: str) -> int | None:
    """End of a name that opens with `head` at text[start:head_end], or None when it is no name."""
    words = _words_after(text, head_end)
    end, lower_run, names = head_end, 0, 0
    level_head = head.lower() in _LEVEL_HEADS or fold_tones(head.lower()) in _LEVEL_HEADS
    if level_head:
        m = _LEVEL_AFTER.match(view, head_end)
        if m:
            end = m.end()
            return _place_end(text, end)
        if not words or not words[0].group(0)[:1].isupper():
            return None
    prev_end = head_end
    for i, w in enumerate(words):
        word = w.group(0)
        gap = text[prev_end:w.start()]
        if "\n\n" in gap or not _gap_ok(text, prev_end, w.start(), allow="-,/"):
            break
        if "," in gap and (not word[:1].isupper() or _is_head(text, w.start()) or names >= 6):
            break
        low = fold_tones(word.lower())
        if i == 0 and low == "và" and len(words) > 1 and words[1].group(0)[:1].isupper():
            end, prev_end = w.end(), w.end()  # 'Báo và Phát thanh, Truyền hình Đồng Nai'
            continue
        if i == 0 and not (word[:1].isupper() or word.isupper()):
            return None
        if word[:1].isupper() or word.isupper() or word == "&":
            if i > 0 and _is_head(text, w.start()) and "-" not in gap:
                break
            lower_run = 0
            names += 1
        elif low in ("và",) and i + 1 < len(words) and words[i + 1].group(0)[:1].isupper():
            lower_run = 0
        elif low in _STOP or lower_run >= 5 or re.fullmatch(r"\d+", word) or (i >= 1 and words[i - 1].group(0) == "Tỉnh") or (
                i >= 2 and re.fullmatch(r"Thành\s+phố", text[words[i - 2].start():words[i - 1].end()])):
            break  # 'Trung tâm Chuyển đổi số Thành phố cấu hình …': a place ends the name
        else:
            lower_run += 1
        end, prev_end = w.end(), w.end()
        if i >= 11:
            break
    if names == 0:
        return None
    # a trailing 'và' or lowercase run that led nowhere is not part of the name
    while True:
        tail = re.search(r"\s+(?:và|&)\s*$", text[start:end])
        if not tail:
            break
        end = start + tail.start()
    return end


def _is_place(text: str) -> bool:
    """At most four capitalised words ('Thanh Hóa', 'Hồ Chí Minh'), or nothing."""
    words = text.split()
    return len(words) <= 4 and all(w[:1].isupper() for w in words)


def _place_end(text: str, end: int) -> int:
    """Absorb a place name after a level word: 'tỉnh' + ' Thanh Hóa'."""
    pos = end
    for _ in range(4):
        m = _PLACE_WORD.match(text, pos)
        if not m or not m.group(1)[:1].isupper():
            break
        if _is_head(text, m.start(1)):  # 'Phòng Văn hóa' opens a name; 'Hải Phòng và …' ends a place
            after = _PLACE_WORD.match(text, m.end())
            if after and after.group(1)[:1].isupper():
                break
        pos = m.end()
    return pos


@lru_cache(maxsize=1)
def _head_pattern() -> re.Pattern[str]:
    heads = sorted(_HEADS, key=len, reverse=True)
    return re.compile(r"(?<![\w&])(" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in heads) + r")(?!\w)")


def _is_head(text: str, pos: int) -> bool:
    m = _head_pattern().match(text, pos)
    return bool(m)


def find_agencies(text: str) -> list[AgencySpan]:
    """Agencies named in `text`, in order, each with its span and canonical name (no overlaps).

    Known names and collectives come first; other agencies are recognised by their head word and
    capitalised name words ('Trung tâm Phục vụ hành chính công', 'Báo Cần Thơ').
    """
    return list(_find_agencies(text))


@lru_cache(maxsize=8192)
def _find_agencies(text: str) -> tuple[AgencySpan, ...]:
    """find_agencies, remembered: extraction asks about the same clause several times."""
    return tuple(_scan_agencies(text))


def _scan_agencies(text: str) -> list[AgencySpan]:
    tables = _tables()
    view = _scan_view(text)
    # (start, end, canonical when already known — a collective, an enumerated name — else None)
    found: list[tuple[int, int, str | None]] = []
    for pattern, name, word in tables["collectives"]:
        if word and word not in view:
            continue
        for m in pattern.finditer(view):
            if name.startswith("Ủy ban nhân dân cấp") and not re.search(r"các|cấp|,", m.group(0)) and \
                    _PLACE_WORD.match(text, m.end()) and text[m.end():].strip()[:1].isupper():
                continue  # 'UBND huyện Tuần Giáo' is one committee, not every district's
            found.append((m.start(), m.end(), name))
    found += _enumerated(text, view)
    matches = [m for word, group in tables["groups"] if word in view for m in group.finditer(view)]
    for m in sorted(matches, key=lambda m: (m.start(), -m.end())):
        end = m.end()
        name = tables["name_of"][int(str(m.lastgroup)[1:])]
        if name.endswith((" tỉnh", " thành phố")):
            end = _place_end(text, end)
        elif name != "Ngân hàng Nhà nước Việt Nam":
            level = _LEVEL_AFTER.match(view, end)
            if level and not name.startswith(("Chính phủ", "Thủ tướng")):
                end = _place_end(text, level.end())
        found.append((m.start(), end, None))
    known_end = {start: end for start, end, _ in sorted(found, key=lambda f: (f[0], f[1]))}
    for m in _head_pattern().finditer(text):
        head = re.sub(r"\s+", " ", m.group(1))
        end = _generic_end(text, view, m.start(), m.end(), head)
        if end is not None and m.start() in known_end and known_end[m.start()] < end and not re.search(
                r"(?<!\w)[A-ZĐÀ-Ỹ]", text[known_end[m.start()]:end]):
            end = None  # 'Bộ Quốc phòng trân trọng …': a known name followed by words, not a longer name
        if end is not None:
            level = _LEVEL_AFTER.match(view, end)
            found.append((m.start(), _place_end(text, level.end()) if level else end, None))
    # a collective or enumerated name first, then a known name (found before generic ones), then the longest
    found.sort(key=lambda f: (f[0], f[2] is None, -(f[1] - f[0])))
    spans: list[AgencySpan] = []
    last_end = -1
    for start, end, canonical in found:
        if start < last_end:
            continue
        end = _with_parenthesis(text, end)
        title = _TITLE.search(view[max(0, start - 40):start])
        span_start = start - (len(title.group(0)) if title else 0)
        spans.append(AgencySpan(span_start, end, text[span_start:end], canonical or canonical_agency(text[start:end])))
        last_end = end
        for more in _more_places(text, view, spans[-1]):  # 'UBND thành phố Hà Nội, thành phố Hồ Chí Minh và tỉnh …'
            spans.append(more)
            last_end = more.end
    return spans


_MORE_PLACE = re.compile(r"\s*(?:,|\svà)\s+(tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường)\s+(?=[^\W\d_])")


def _more_places(text: str, view: str, first: AgencySpan) -> list[AgencySpan]:
    """Further places after a people's committee name, each its own committee."""
    m = re.match(r"(Ủy ban nhân dân|Hội đồng nhân dân) (?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường) \S", first.canonical)
    out: list[AgencySpan] = []
    pos = first.end
    while m:
        nxt = _MORE_PLACE.match(view, pos)
        if not nxt:
            break
        end = _place_end(text, nxt.end(1))
        place = re.sub(r"\s+", " ", text[nxt.end(1):end]).strip()
        if end == nxt.end(1) or not place[:1].isupper():
            break
        level = re.sub(r"\s+", " ", text[nxt.start(1):nxt.end(1)]).lower()
        out.append(AgencySpan(nxt.start(1), end, text[nxt.start(1):end], f"{m.group(1)} {level} {place}"))
        pos = end
    return out


_LIST_HEAD = re.compile(r"(?<!\w)(?P<head>(?:ủy ban nhân dân|ubnd) các (?:tỉnh|thành phố)|các (?:tập đoàn,\s*tổng công ty|"
                        r"tập đoàn kinh tế|tập đoàn|tổng công ty|bộ|sở))\s*:\s*")
_HEAD_OF = {"bộ": "Bộ", "sở": "Sở", "tập đoàn": "Tập đoàn", "tập đoàn kinh tế": "Tập đoàn", "tổng công ty": "Tổng công ty"}


def _enumerated(text: str, view: str) -> list[tuple[int, int, str | None]]:
    """'các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội', 'các Bộ: Quốc phòng,
    Công an', 'Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ' — one agency per listed name."""
    out: list[tuple[int, int, str | None]] = []
    for m in _LIST_HEAD.finditer(view):
        raw = re.sub(r"\s+", " ", m.group("head"))
        if raw.startswith(("ủy ban", "ubnd")):
            heads = ["Ủy ban nhân dân thành phố" if raw.endswith("phố") else "Ủy ban nhân dân tỉnh"]
        else:
            key = raw[4:]
            heads = ["Tập đoàn", "Tổng công ty"] if "tập đoàn" in key or "tổng công ty" in key else [_HEAD_OF[key]]
            if key.startswith("tổng công ty"):
                heads = ["Tổng công ty", "Tập đoàn"]
        pos = m.end()
        first = True
        for _ in range(12):
            item = re.compile(r"[\s*]*([^\W\d_][^,;:.()\n]*?(?:\n[^,;:.()\n]*?)?)(?=,|;|\.|\(|:|$|\s+và\s+(?:các|những)\b)").match(text, pos)
            if not item or not item.group(1)[:1].isupper():
                break
            words = item.group(1)
            cut = _name_cut(words)
            name = re.sub(r"\s+", " ", words[:cut]).strip()
            if not name:
                break
            known = _tables()["known"]
            candidates = [f"{h} {name}" for h in heads]
            canonical = next((known[_key(c)] for c in candidates if _key(c) in known), None) or canonical_agency(candidates[0])
            # the first name's span opens with the list head, so the list reads as one subject
            out.append((m.start() if first else item.start(1), item.start(1) + len(words[:cut].rstrip()), canonical))
            first = False
            if cut < len(words):
                break
            nxt = re.compile(r"\s*(?:,|\bvà\b)\s*").match(text, item.end())
            if not nxt:
                break
            pos = nxt.end()
    return out


def _name_cut(words: str) -> int:
    """Where a listed name ends: before the first verb-like lowercase word ('… Quân đội tổ chức …')."""
    lower_run = 0
    for w in _WORD.finditer(words):
        token = w.group(0)
        low = fold_tones(token.lower())
        if token[:1].isupper() or token == "-":
            lower_run = 0
            continue
        if low in _STOP and low != "và" or lower_run >= 3:
            return w.start()
        lower_run += 1
    return len(words)


def _with_parenthesis(text: str, end: int) -> int:
    """'Sở Nội vụ (Ban Thi đua - Khen thưởng)': a parenthesis that names a unit belongs to the span."""
    m = re.compile(r"[ \t]*\((?!qua |thông qua |sau đây)([^()\n]{3,80})\)").match(text, end)
    if m and _head_pattern().match(m.group(1).lstrip("* ")):
        return m.end()
    return end
