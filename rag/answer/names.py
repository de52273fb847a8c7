"""Names in a Vietnamese sentence (pure): agencies, documents, people and places, document and
clause references, and which agency holds a role ('Sở Nội vụ chủ trì, phối hợp với …').

Used by claims.py with the keys of claim_parts.py; the alias table makes 'UBND' and 'Ủy ban nhân
dân' one name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.claim_parts import (
    FUNCTION,
    MODALS,
    NEGATIONS,
    ROLES,
    Phrase,
    Token,
    canonical,
    find_phrase,
    match_phrase,
    phrases,
    tokenize,
    words,
)
from rag.text import match_key

AGENCY_HEADS = phrases(
    "ủy ban nhân dân, hội đồng nhân dân, ủy ban mặt trận tổ quốc, ủy ban, hội đồng, văn phòng, sở, bộ, ban, phòng, "
    "cục, chi cục, tổng cục, trung tâm, đài, báo, công an, bộ chỉ huy, bộ tư lệnh, mặt trận, liên đoàn, hội, đoàn, "
    "thành ủy, tỉnh ủy, huyện ủy, quận ủy, đảng ủy, thành đoàn, tỉnh đoàn, quốc hội, chính phủ, thủ tướng, chủ tịch, "
    "phó chủ tịch, kho bạc, ngân hàng, viện, trường, bệnh viện, tòa án, viện kiểm sát, thanh tra, bảo hiểm xã hội, "
    "ban quản lý, đảng bộ, bộ chính trị, ban bí thư, ban chấp hành")
DOC_HEADS = phrases("nghị quyết, quyết định, chỉ thị, kế hoạch, luật, thông tư, nghị định, công văn, đề án, "
                    "pháp lệnh, hiến pháp")
HEADS = tuple(sorted(AGENCY_HEADS + DOC_HEADS, key=len, reverse=True))
STANDALONE = frozenset(phrases("quốc hội, chính phủ, thủ tướng, ủy ban nhân dân, hội đồng nhân dân, thành ủy, "
                               "tỉnh ủy, huyện ủy, bộ chính trị, ban bí thư")) | frozenset(DOC_HEADS)
ADMIN = phrases("thành phố, thị xã, thị trấn, trung ương, tỉnh, huyện, quận, xã, phường")
# Lowercase words that end an agency name ("Sở Nội vụ | chủ trì").
_NAME_STOP = FUNCTION | {p[0] for p in NEGATIONS + MODALS + ROLES}

_NUMBERED_REF = re.compile(r"(?<![\w/])\d+[\w\-]*/(?=[\w\-/]*[^\W\d_])[\w\-/]*\w")
_TYPED_REF = re.compile(r"(?i)\b(kế hoạch|chỉ thị|quyết định|nghị quyết|nghị định|thông tư|công văn|đề án)\s+"
                        r"(?:số\s+)?(\d+)\b(?!\s*[/\-]\s*\w)")
_CLAUSE_REF = re.compile(r"(?i)\b(?:(?:mục|khoản|điều|phần|chương)\s+((?:[IVXLC]+|\d+|\(\d+\))"
                         r"(?:\.(?:[IVXLC]+|\d+|\(\d+\)|[a-zđ]))*)|điểm\s+([a-zđ]))(?![\w(])")
_START_PUNCT = set(".;:!?(“\"«-–—)")


@dataclass(frozen=True)
class Entity:
    """A name as written, its canonical words, its span, and whether it stands in parentheses."""

    text: str
    words: Phrase  # canonical match-key words
    start: int
    end: int
    in_parens: bool


def _capital(token: Token) -> bool:
    return token.kind == "w" and token.text[0].isupper()


def _acronym(token: Token) -> bool:
    return token.kind == "w" and len(token.text) >= 2 and token.text.isupper()


def _start_like(tokens: list[Token], i: int) -> bool:
    """Capitalised by grammar: first word, or first after a sentence mark, a list marker or a new line."""
    return i == 0 or tokens[i].line_start or (tokens[i - 1].kind == "p" and tokens[i - 1].text in _START_PUNCT)


def references(text: str) -> list[tuple[str, str, int, int]]:
    """Document and clause references: (kind, key, start, end); kind 'doc' (33/KH-UBND), 'typed'
    ('Kế hoạch 33'), 'clause' ('mục II.3.(8)')."""
    found: list[tuple[str, str, int, int]] = []
    for m in _NUMBERED_REF.finditer(text):
        found.append(("doc", m.group(0).lower().replace(" ", ""), m.start(), m.end()))
    for m in _TYPED_REF.finditer(text):
        if not any(s <= m.start(2) < e for _, _, s, e in found):
            found.append(("typed", f"{match_key(m.group(1))} {m.group(2).lstrip('0')}", m.start(), m.end()))
    for m in _CLAUSE_REF.finditer(text):
        found.append(("clause", (m.group(1) or m.group(2)).lower(), m.start(), m.end()))
    return found


def entities(text: str, tokens: list[Token] | None = None, blocked: Sequence[tuple[int, int]] = ()) -> list[Entity]:
    """Named agencies, documents, people and places: capitalised runs, agency names with their
    lowercase syllables ('Sở Nội vụ'), administrative levels ('Ủy ban nhân dân thành phố')."""
    tokens = tokenize(text) if tokens is None else tokens
    free = [not any(s <= t.start < e for s, e in blocked) for t in tokens]
    found: list[Entity] = []
    depth, i = 0, 0
    while i < len(tokens):
        t = tokens[i]
        depth += t.text == "("
        depth -= t.text == ")" and depth > 0
        if not free[i] or not (_capital(t) or _acronym(t)):
            i += 1
            continue
        head = match_phrase(tokens, i, HEADS)
        if not head and _start_like(tokens, i) and match_phrase(tokens, i + 1, HEADS):
            i += 1  # 'Theo Kế hoạch …', 'Giao Sở …': the name starts at the head
            continue
        # run: capitals in a row; an agency name takes one lowercase syllable after a lone capital
        # ('Sở Nội vụ', 'Sở Khoa học và Công nghệ'), a person's name none ('Chủ tịch Trần Văn Nam | yêu cầu')
        j, caps, run = i + (head or 1), 0 if head else 1, 0 if head else int(_capital(t))
        while j < len(tokens) and free[j]:
            u = tokens[j]
            if _capital(u) or _acronym(u):
                nested = match_phrase(tokens, j, HEADS)
                j, caps, run = j + (nested or 1), caps + 1, 0 if nested else run + 1
            elif u.kind == "w" and (admin := match_phrase(tokens, j, ADMIN)):
                j, run = j + admin, 0
            elif head and u.kind == "w" and run == 1 and u.key not in _NAME_STOP and not u.line_start:
                j, run = j + 1, 0
            elif (u.key == "và" or u.text in "-&") and j + 1 < len(tokens) and (
                    _capital(tokens[j + 1]) or _acronym(tokens[j + 1])):
                j += 1
            else:
                break
        span = tokens[i:j]
        head_phrase = tuple(x.key for x in tokens[i:i + head])
        if head and j - i == head and head_phrase not in STANDALONE:
            keep = False  # 'Ban hành', 'Sở' alone: a common word, not a name
        elif not head and not _acronym(t) and _start_like(tokens, i):
            keep = caps >= 2  # 'Tỷ lệ …' opens a sentence; 'Cần Thơ …' is a name
        else:
            keep = True
        if keep:
            start, end = span[0].start, span[-1].end
            found.append(Entity(text[start:end], words(canonical(text[start:end])), start, end, depth > 0))
        i = j
    return found


def role_pairs(text: str, ents: list[Entity], fallback: tuple[Phrase, ...] = ()) -> list[tuple[Phrase, frozenset[Phrase]]]:
    """(role, agencies holding it): the agency before the role in its sentence ('Sở X chủ trì'),
    the partner after 'phối hợp với', else `fallback` (the agency heading the quoted clause)."""
    tokens = tokenize(text)
    pairs: list[tuple[Phrase, frozenset[Phrase]]] = []
    for i in range(len(tokens)):
        role = find_phrase(tokens, i, ROLES)
        if not role or any(e.start <= tokens[i].start < e.end for e in ents):
            continue
        n = len(role)
        start, end = tokens[i].start, tokens[i + n - 1].end
        left = max(text.rfind(c, 0, start) for c in ".;\n")
        right = min([x for x in (text.find(c, end) for c in ".;\n") if x >= 0] or [len(text)])
        after = text[end:right]
        agents: list[Entity] = []
        if role == ("phối", "hợp") and re.match(r"\s*(?:chặt chẽ\s+)?với\b", match_key(after)):
            agents = [e for e in ents if end <= e.start < right][:1]
        else:
            before = [e for e in ents if left < e.start and e.end <= start]
            if not before and left >= 0 and text[left] == "\n":  # 'Sở Nội vụ (…)\n a) Chủ trì …': the heading line
                line = text[:left].rstrip("\n *#")
                above = max(line.rfind(c) for c in ".;\n")
                before = [e for e in ents if above < e.start and e.end <= left]
            if before:
                agents = [before[-1]]
                if before[-1].in_parens:  # 'Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì': both hold it
                    agents += [e for e in before[:-1] if not e.in_parens][-1:]
            elif re.match(r"\s*(?:là|:)", after):
                agents = [e for e in ents if end <= e.start < right][:1]
        names = frozenset(e.words for e in agents) or frozenset(fallback)
        pairs.append((role, names))
    return pairs


def same_agency(a: Phrase, b: Phrase) -> bool:
    """One name is the other or a longer form of it ('sở nội vụ' ~ 'sở nội vụ thành phố')."""
    n = min(len(a), len(b))
    return n > 0 and a[:n] == b[:n]
