"""The checkable parts of a Vietnamese sentence (pure): match keys and tokens, numbers, dates and
their time relations, figures, negation, modality and role words, content words (names,
references and who holds a role are in names.py).

claims.py compares these parts between what an answer says and what its quotes say. Matching
uses rag.text's match key (NFC, lowercase, one tone placement), accent folding only for words
written without any diacritic, and the alias table rag/answer/data/aliases_vi.json
(UBND = Ủy ban nhân dân, Sở KH&CN = Sở Khoa học và Công nghệ, …). Source text is never changed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.text import has_diacritics, match_key, strip_accents

ALIASES = Path(__file__).with_name("data") / "aliases_vi.json"
Phrase = tuple[str, ...]


def phrases(text: str) -> tuple[Phrase, ...]:
    """'chủ trì, phối hợp' → (('chủ', 'trì'), ('phối', 'hợp')), longest first."""
    return tuple(sorted((tuple(p.split()) for p in text.split(",") if p.strip()), key=len, reverse=True))


# Words that carry no fact of their own, and answer-frame phrases ("chỉ tiêu … là") a paraphrase may add.
FUNCTION = frozenset("và của là các những được cho với về theo trong tại ở này đó thì mà để do bởi như cũng "
                     "đã sẽ đang một mọi mỗi hoặc hay nhưng vì khi rằng việc sự nào gì có số ra vào nữa đều "
                     "nêu đặt ghi gồm rõ".split())
FRAME = phrases("như sau, sau đây, cụ thể là, cụ thể, bao gồm, nêu trên, nói trên, trên đây, bao nhiêu, "
                 "khi nào, là gì, mức, chỉ tiêu, mục tiêu, thời hạn, hạn chót, hạn, nhiệm vụ, cơ quan, đơn vị, "
                 "nội dung, văn bản")
# Guarded words: they change what a sentence claims, so they must be in a quote, attached to the same word.
NEGATIONS = phrases("không được, chưa được, nghiêm cấm, không, chưa, chẳng, cấm")
MODALS = phrases("bắt buộc, khuyến khích, có thể, được phép, tự nguyện, yêu cầu, phải, cần, nên")
# An obligation the question itself asks about ('… phải đạt bao nhiêu?') may be restated in any of these words.
ECHO_MODALS = frozenset({("phải",), ("cần",), ("yêu", "cầu")})
ROLES = phrases("chủ trì, phối hợp, tham mưu, thường trực, chịu trách nhiệm, đầu mối")
_NOT_NEGATION_NEXT = frozenset({"gian", "khí", "quân", "phận", "ảnh"})  # không gian, không khí, …
_RELATIONS_BEFORE = ("kể từ", "đến hết", "chậm nhất", "trong vòng", "ít nhất", "tối thiểu", "tối đa", "không quá",
                     "không dưới", "trước", "sau", "từ", "đến", "tới", "dưới", "trên", "khoảng", "hơn", "vượt")
_RELATION_NAME = {"kể từ": "từ", "đến hết": "đến", "tới": "đến"}
_REL_BEFORE = re.compile(r"(?:^|[\s(])(" + "|".join(_RELATIONS_BEFORE) + r")\s+(?:(?:ngày|tháng|năm|là|vào|mức|hạn)\s+)*$")
_REL_AFTER = re.compile(r"^\s*(?:%\s*)?(trở lên|trở xuống|trở đi)")

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATES = (
    re.compile(r"ngày\s*(\d{1,2})\s*(?:tháng\s*|/|-|\.)\s*(\d{1,2})(?:\s*(?:năm\s*|/|-|\.)\s*(\d{4}))?"),
    re.compile(r"(?<![\d/.,])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?(?![\d/])"),
    re.compile(r"tháng\s*(\d{1,2})(?:\s*(?:năm\s*|/)\s*(\d{4}))?"),
)
BLANK = "§"  # stands for an entity or reference removed from the text checked word by word


@dataclass(frozen=True)
class Token:
    text: str
    key: str
    kind: str  # w(ord), n(umber), p(unctuation)
    start: int
    end: int
    line_start: bool  # first token on its line
    bare: bool = False  # a word written without any diacritic


@dataclass(frozen=True)
class Value:
    """A number or a date in a text, with the time/quantity relations attached to it."""

    key: tuple[object, ...]  # ("n", "76") or ("d", day, month, year)
    start: int
    end: int
    relations: frozenset[str]
    reach: tuple[int, int] = (0, 0)  # the value with its relation words ('đến hết ngày 31/12/2024')


@dataclass(frozen=True)
class Guarded:
    """A negation, modal or role phrase and the content words it governs (up to 4, same clause)."""

    phrase: Phrase
    kind: str  # neg | modal | role
    governs: Phrase


# ---------------------------------------------------------------------------------------- keys
@lru_cache(maxsize=1)
def _alias_table() -> tuple[tuple[re.Pattern[str], str], ...]:
    groups = json.loads(ALIASES.read_text(encoding="utf-8"))["groups"]
    pairs = [(_spaced(v), _spaced(g[0])) for g in groups for v in g[1:]]
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    return tuple((re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)"), c) for v, c in pairs)


def _spaced(text: str) -> str:
    text = match_key(unicodedata.normalize("NFC", text))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text).replace("&", " & ").replace("-", " - ")
    text = re.sub(r"(?<=\d)(?=[^\W\d_])", " ", text)  # '5TP' is '5 TP
    return re.sub(r"\s+", " ", text).strip()


def canonical(text: str) -> str:
    """Match key with aliases resolved: 'UBND TP' → 'ủy ban nhân dân thành phố'."""
    text = _spaced(text)
    for pattern, canon in _alias_table():
        text = pattern.sub(canon, text)
    return text


def words(key: str) -> Phrase:
    """Word and number tokens of a key, punctuation dropped."""
    return tuple(m.group(0) for m in _TOKEN.finditer(key) if m.group(0)[0].isalnum())


def fold(word: str) -> str:
    return strip_accents(word)


def has_word(word: str, exact: set[str], folded: set[str]) -> bool:
    """Exact match; a word written without any diacritic may match accent-insensitively."""
    return word in exact or (not has_diacritics(word) and fold(word) in folded)


def contains_phrase(phrase: Phrase, text_words: Phrase) -> bool:
    """Is `phrase` a contiguous run of `text_words` (accent-insensitive when written without accents)?"""
    if not phrase:
        return True
    loose = not any(has_diacritics(w) for w in phrase)
    hay = [fold(w) for w in text_words] if loose else list(text_words)
    needle = [fold(w) for w in phrase] if loose else list(phrase)
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


# -------------------------------------------------------------------------------------- tokens
def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    previous_end = 0
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        kind = "n" if raw[0].isdigit() else ("w" if raw[0].isalpha() else "p")
        key = match_key(raw)
        out.append(Token(raw, key, kind, m.start(), m.end(), not out or "\n" in text[previous_end:m.start()],
                         kind == "w" and not has_diacritics(key)))
        previous_end = m.end()
    return out


@lru_cache(maxsize=64)
def _phrase_index(phrases: tuple[Phrase, ...]) -> tuple[dict[str, list[Phrase]], dict[str, list[Phrase]]]:
    """Phrases by their first word, and by its accent-folded form; longest first."""
    exact: dict[str, list[Phrase]] = {}
    loose: dict[str, list[Phrase]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        exact.setdefault(phrase[0], []).append(phrase)
        loose.setdefault(fold(phrase[0]), []).append(phrase)
    return exact, loose


def find_phrase(tokens: list[Token], i: int, phrases: tuple[Phrase, ...]) -> Phrase | None:
    """The longest of `phrases` starting at token i; a word written without diacritics matches
    its accented form ('chu tri' is 'chủ trì': an unaccented answer must not slip past the checks)."""
    first = tokens[i]
    if first.kind != "w":
        return None
    exact, loose = _phrase_index(phrases)
    candidates = loose.get(first.key, []) if first.bare else exact.get(first.key, [])
    for phrase in candidates:
        n = len(phrase)
        if i + n <= len(tokens) and all(_same_word(tokens[i + k], phrase[k]) for k in range(n)):
            return phrase
    return None


def _same_word(token: Token, word: str) -> bool:
    return token.kind == "w" and (token.key == word or (token.bare and token.key == fold(word)))


def match_phrase(tokens: list[Token], i: int, phrases: tuple[Phrase, ...]) -> int:
    """Length of the longest phrase starting at token i (0 when none)."""
    phrase = find_phrase(tokens, i, phrases)
    return len(phrase) if phrase else 0


# ---------------------------------------------------------------------------------------- values
def values(key: str) -> list[Value]:
    """Dates and numbers of a canonical key, each with its relations ('trước', 'từ', 'trở lên')."""
    spans: list[tuple[int, int, tuple[object, ...]]] = []
    for n, pattern in enumerate(_DATES):
        for m in pattern.finditer(key):
            if any(s < m.end() and m.start() < e for s, e, _ in spans):
                continue
            if n < 2:
                day, month, year = m.group(1), m.group(2), m.group(3)
            else:
                day, month, year = None, m.group(1), m.group(2)
            if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
                continue
            spans.append((m.start(), m.end(), ("d", int(day) if day else None, int(month), int(year) if year else None)))
    for m in _NUMBER.finditer(key):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), ("n", number_key(m.group(0)))))
    out = []
    for start, end, value_key in sorted(spans, key=lambda s: s[0]):
        relations, reach = set(), [start, end]
        window = max(0, start - 40)
        if before := _REL_BEFORE.search(key[window:start]):
            relations.add(_RELATION_NAME.get(before.group(1), before.group(1)))
            reach[0] = window + before.start(1)
        if after := _REL_AFTER.match(key[end:end + 20]):
            relations.add(after.group(1))
            reach[1] = end + after.end(1)
        out.append(Value(value_key, start, end, frozenset(relations), (reach[0], reach[1])))
    return out


def number_key(number: str) -> str:
    """'04' and '4' are one day; '7,5' and '7.5' stay apart (their meaning differs in Vietnamese)."""
    return number.lstrip("0") or "0"


@dataclass(frozen=True)
class Figure:
    """A number with what it counts and its range partners: '24 xã', '7,5 - 8%'."""

    number: str
    counts: str | None  # the content word right after it
    before: str | None  # 'a' in 'a - number'
    after: str | None  # 'b' in 'number - b'


def figures(key: str) -> list[Figure]:
    """Numbers outside dates, each with the word it counts and its range partners."""
    dated = [(m.start(), m.end()) for pattern in _DATES[:2] for m in pattern.finditer(key)]
    tokens = tokenize(key)
    out = []
    for i, t in enumerate(tokens):
        if t.kind != "n" or any(s <= t.start < e for s, e in dated):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        counts = nxt.key if nxt is not None and nxt.kind == "w" and nxt.key not in FUNCTION else None
        after = tokens[i + 2].text if nxt is not None and nxt.text == "-" and i + 2 < len(tokens) and \
            tokens[i + 2].kind == "n" else None
        before = tokens[i - 2].text if i >= 2 and tokens[i - 1].text == "-" and tokens[i - 2].kind == "n" else None
        out.append(Figure(number_key(t.text), counts, before and number_key(before), after and number_key(after)))
    return out


def same_figure(claim: Figure, quoted: Figure) -> bool:
    """The quote has this number counting the same thing, with the same range partners."""
    return claim.number == quoted.number and \
        (claim.counts is None or quoted.counts is not None and (
            claim.counts == quoted.counts or (not has_diacritics(claim.counts) and claim.counts == fold(quoted.counts)))) \
        and (claim.before is None or claim.before == quoted.before) and (claim.after is None or claim.after == quoted.after)


def numbers_of(key: str) -> set[str]:
    return {number_key(n) for n in _NUMBER.findall(key)}


_YEAR = re.compile(r"(?<!\d)(?<!\d[.,])(?:19|20)\d\d(?!\d|[.,]\d)")
_SENTENCE_END = re.compile(r"\.(?=\s)|\n")


def governing_years(key: str, start: int, end: int) -> set[str]:
    """The year a value at key[start:end] belongs to: the nearest year before it in its sentence
    (with its range partner, '2021 - 2025'), else the nearest after; a baseline ('so với năm 2020')
    is not the value's year."""
    left = max((m.end() for m in _SENTENCE_END.finditer(key, 0, start)), default=0)
    right = next((m.start() for m in _SENTENCE_END.finditer(key, end)), len(key))
    before = [m for m in _YEAR.finditer(key, left, start) if not key[max(0, m.start() - 12):m.start()].rstrip()
              .endswith(("so với năm", "so với"))]
    after = [m for m in _YEAR.finditer(key, end, right)]
    if not (before or after):
        return set()
    nearest = before[-1] if before else after[0]
    group = before if before else after
    return {m.group(0) for m in group if abs(m.start() - nearest.start()) <= 12}


def is_year(value: Value) -> bool:
    return value.key[0] == "n" and str(value.key[1]).isdigit() and 1900 <= int(str(value.key[1])) <= 2100


# --------------------------------------------------------------------------------- guarded words
def guarded(key: str) -> list[Guarded]:
    """Negations, modals and roles of a canonical key, each with the content words it governs."""
    tokens = tokenize(key)
    out: list[Guarded] = []
    i = 0
    while i < len(tokens):
        found = None
        for kind, phrases in (("neg", NEGATIONS), ("modal", MODALS), ("role", ROLES)):
            if phrase := find_phrase(tokens, i, phrases):
                found = (kind, phrase)
                break
        if found is None:
            i += 1
            continue
        kind, phrase = found
        n = len(phrase)
        nxt = tokens[i + n].key if i + n < len(tokens) else ""
        if phrase == ("không",) and (nxt in _NOT_NEGATION_NEXT or (i and tokens[i - 1].key == "hàng")):
            i += n
            continue
        governs: list[str] = []
        for t in tokens[i + n:i + n + 6]:
            if t.kind == "p" or len(governs) == 4:
                break
            if t.kind == "w" and t.key not in FUNCTION and t.key != BLANK:
                governs.append(t.key)
        out.append(Guarded(phrase, kind, tuple(governs)))
        i += n
    return out
