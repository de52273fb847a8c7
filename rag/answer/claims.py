"""Claim-level verification of an answer written by a language model (pure; no second model).

The answer is split into claims (sentences). Each claim must be supported by the quotes of the
passages it cites [n]: every number and date, document or clause reference, named entity,
negation, modal and role word, and every content word outside a short list of function words
and the question's own words. Some things must hold inside one quote, not across quotes: a year
and the value it dates, a relation ('trước', 'từ', 'trở lên') and its date or number, a negation
or modal and the word it governs, a role ('chủ trì', 'phối hợp') and the agency holding it.

A claim that fails is re-pointed when the quote of one other passage supports it fully (a wrong
[n]), else cut to its main clause when that clause alone is supported, else removed. The caller
decides what to show; when the core claim (the one answering the question) is removed it shows
the extractive answer instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.answer import claim_parts as cp
from rag.answer import names as nm

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_END = re.compile(r"[.;!?](?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*(?=\s|$)|\n")
_ABBREVIATION = re.compile(r"(?<!\w)(?:TP|Tp|TX|TT|ThS|TS|PGS|GS|BS|KS|Th|P|Q|H)$")
_CONNECTOR = r"(?:nếu|và|đồng thời|trong đó|nhưng|tuy nhiên|do|theo|kèm theo|sau đó|ngoài ra|nhằm|để|khi|còn|riêng|bởi|vì|mà|cùng|với)"
_PIECE = re.compile(rf",\s+(?={_CONNECTOR}\b)|\s+(?=nếu\b)", re.I)
_LEADING = re.compile(r"^(?:theo|căn cứ|nếu|đến|từ)\b[^,]*,\s*", re.I)
_WANT_DATE = re.compile(r"\b(?:khi nào|bao giờ|hạn|thời hạn|ngày nào|thời gian|lúc nào|thời điểm)\b")
_WANT_AGENCY = re.compile(r"\b(?:ai|cơ quan nào|đơn vị nào|sở nào|chủ trì|phối hợp|giao cho|trách nhiệm)\b")
_WANT_NUMBER = re.compile(r"\b(?:bao nhiêu|tỷ lệ|chỉ tiêu|mức|mấy)\b")


@dataclass(frozen=True)
class Source:
    """A verified quote the answer may lean on, with the clause context that scopes it."""

    passage: int  # 1-based passage number in the prompt
    quote: str
    label: str = ""  # 'Kế hoạch 33/KH-UBND, mục II.3.(8)'
    title: str = ""
    path: str = ""
    doc_number: str = ""
    issuer: str = ""
    headings: tuple[str, ...] = ()  # headings of the clause holding the quote, nearest first


@dataclass(frozen=True)
class Claim:
    text: str  # as written, markers included
    body: str  # markers removed, trailing punctuation trimmed
    cites: tuple[int, ...]
    lead: str  # what separated it from the claim before ('' for the first, ' ' or '\n')
    end: str = "."  # its closing mark ('.', ';' in a list, ':' before one)


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    kept: str | None  # the text kept (the claim, or its main clause); None when removed
    passages: tuple[int, ...]  # the passages whose quotes support what is kept
    problems: tuple[str, ...]  # why the claim, as written, is not supported
    repointed: bool = False


@dataclass(frozen=True)
class Checked:
    verdicts: tuple[Verdict, ...]
    core: int  # index of the claim that answers the question

    @property
    def core_kept(self) -> bool:
        return bool(self.verdicts) and self.verdicts[self.core].kept is not None

    @property
    def stripped(self) -> int:
        """Claims removed, or cut to their main clause."""
        return sum(1 for v in self.verdicts if v.kept is None or v.kept != v.claim.body)

    @property
    def repointed(self) -> int:
        return sum(1 for v in self.verdicts if v.repointed)


# ----------------------------------------------------------------------------------- claims
def split_claims(answer: str) -> list[Claim]:
    """Sentences (and list lines) of an answer, each with the passage numbers it cites."""
    spans, start = [], 0
    for m in _END.finditer(answer):
        if m.group(0) == "." and _ABBREVIATION.search(answer[:m.start()]):
            continue  # 'TP. Cần Thơ', 'TS. Nguyễn …': not a sentence end
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(answer)))
    claims: list[Claim] = []
    for s, e in spans:
        text = answer[s:e]
        cites = tuple(int(n) for m in _MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1)))
        bare = _MARKER.sub("", text).strip()
        body = bare.rstrip(".;:!?").strip()
        lead = "\n" if "\n" in answer[max(0, s - 1):s + (len(text) - len(text.lstrip()))] else " "
        if not re.search(r"\w", body):
            if claims and cites:  # markers written after the sentence end: they belong to it
                last = claims[-1]
                claims[-1] = Claim(last.text + text, last.body, last.cites + cites, last.lead, last.end)
            continue
        end = bare[len(body):].strip()[:1] or "."
        claims.append(Claim(text.strip(), body, cites, lead if claims else "", end))
    return claims


def main_clause(body: str) -> str | None:
    """The claim without its attachments (', nếu …', ', do … chủ trì', 'Theo …, '), or None."""
    rest = _LEADING.sub("", body, count=1)
    main = _PIECE.split(rest)[0].strip(" ,;")
    return main if main and main != body and len(cp.words(cp.canonical(main))) >= 2 else None


def core_index(claims: Sequence[Claim], question: str) -> int:
    """The claim that answers: most question words, and the kind of fact asked (date, agency, number)."""
    qkey = cp.canonical(question)
    qwords = set(cp.words(qkey)) - cp.FUNCTION

    def score(i: int) -> tuple[int, int]:
        if not checkable(claims[i].body):
            return -1, -i  # a lead-in ('Các chỉ tiêu:') answers nothing
        key = cp.canonical(claims[i].body)
        found = cp.values(key)
        feature = (_WANT_DATE.search(qkey) and any(v.key[0] == "d" or cp.is_year(v) for v in found)) or \
            (_WANT_AGENCY.search(qkey) and nm.entities(claims[i].body)) or \
            (_WANT_NUMBER.search(qkey) and any(v.key[0] == "n" for v in found))
        return len(qwords & set(cp.words(key))) + (3 if feature else 0), -i

    return max(range(len(claims)), key=score) if claims else 0


def checkable(text: str) -> bool:
    """Does the text state anything (a number, a name, a content word), or is it a bare lead-in?"""
    key = cp.canonical(text)
    if cp.numbers_of(key) or nm.entities(text) or cp.guarded(key):
        return True
    tokens = cp.tokenize(key)
    framed: set[int] = set()
    for i in range(len(tokens)):
        framed.update(range(i, i + cp.match_phrase(tokens, i, cp.FRAME)))
    return any(t.kind == "w" and n not in framed and t.key not in cp.FUNCTION for n, t in enumerate(tokens))


def check_answer(answer: str, question: str, sources: Sequence[Source]) -> Checked:
    """Verdicts for every claim of `answer` against the verified quotes `sources`."""
    claims = split_claims(answer)
    return Checked(tuple(_verdict(c, question, sources) for c in claims), core_index(claims, question))


def _verdict(claim: Claim, question: str, sources: Sequence[Source]) -> Verdict:
    by_passage: dict[int, list[Source]] = {}
    for s in sources:
        by_passage.setdefault(s.passage, []).append(s)
    if not claim.cites and not checkable(claim.body):
        return Verdict(claim, claim.body, (), ())
    first: list[str] = []
    for text in (claim.body, main_clause(claim.body)):
        if text is None:
            continue
        cited = [s for s in sources if s.passage in claim.cites] if claim.cites else list(sources)
        found = problems(text, question, cited) if cited else [
            f"ý này dẫn đoạn [{', '.join(map(str, claim.cites))}] nhưng không có trích dẫn hợp lệ từ đoạn đó"]
        first = first or found
        if not found:
            passages = claim.cites or _smallest(text, question, by_passage)
            return Verdict(claim, text, tuple(passages), tuple(first))
        for passage, group in by_passage.items():  # a wrong [n]: re-point only to a quote that supports it all
            if passage not in claim.cites and not problems(text, question, group):
                note = f"ý dẫn đoạn [{', '.join(map(str, claim.cites))}] nhưng căn cứ nằm ở đoạn [{passage}]: đã sửa số đoạn"
                return Verdict(claim, text, (passage,), tuple(first) + (note,), repointed=True)
    return Verdict(claim, None, (), tuple(first))


def _smallest(text: str, question: str, by_passage: dict[int, list[Source]]) -> list[int]:
    """For a claim written without [n]: the single passage that supports it, else all of them."""
    for passage, group in by_passage.items():
        if not problems(text, question, group):
            return [passage]
    return list(by_passage)


# ---------------------------------------------------------------------------------- support
@dataclass(frozen=True)
class _Quote:
    key: str
    words: tuple[str, ...]
    numbers: frozenset[str]
    values: tuple[cp.Value, ...]
    figures: tuple[cp.Figure, ...]
    guarded: tuple[cp.Guarded, ...]
    roles: tuple[tuple[cp.Phrase, frozenset[cp.Phrase]], ...]
    context: tuple[tuple[str, ...], ...]  # words of the label, title, issuer, path and headings


@lru_cache(maxsize=512)
def _quote(source: Source) -> _Quote:
    key = cp.canonical(source.quote)
    heading_names: tuple[cp.Phrase, ...] = ()
    for heading in source.headings:
        names = tuple(e.words for e in nm.entities(heading.replace("#", " ").replace("*", " ")))
        if names:
            heading_names = names
            break
    ents = nm.entities(source.quote)
    context = tuple(cp.words(cp.canonical(t)) for t in (source.label, source.title, source.issuer, source.path,
                                                        *source.headings) if t)
    return _Quote(key, cp.words(key), frozenset(cp.numbers_of(key)), tuple(cp.values(key)), tuple(cp.figures(key)),
                  tuple(cp.guarded(key)), tuple(nm.role_pairs(source.quote, ents, heading_names)), context)


@lru_cache(maxsize=256)
def _question(question: str) -> tuple[frozenset[str], frozenset[str], frozenset[cp.Phrase]]:
    key = cp.canonical(question)
    qwords = frozenset(cp.words(key))
    return qwords, frozenset(cp.fold(w) for w in qwords), frozenset(g.phrase for g in cp.guarded(key))


def problems(text: str, question: str, sources: Sequence[Source]) -> list[str]:
    """Why `text` is not supported by the quotes `sources` (Vietnamese); empty when it is."""
    quotes = [_quote(s) for s in sources]
    found: list[str] = []
    refs = nm.references(text)
    for kind, key, _, _ in refs:
        if not any(_ref_supported(kind, key, s, q) for s, q in zip(sources, quotes, strict=True)):
            found.append(f"văn bản hoặc điều khoản «{key}» không phải nguồn được trích")
    ents = nm.entities(text, blocked=[(s, e) for _, _, s, e in refs])
    for ent in ents:
        if not any(cp.contains_phrase(ent.words, t) for q in quotes for t in (q.words, *q.context)):
            found.append(f"«{ent.text}» không có trong trích dẫn")
    blanked = text
    for s, e in sorted([(s, e) for _, _, s, e in refs] + [(x.start, x.end) for x in ents], reverse=True):
        blanked = blanked[:s] + f" {cp.BLANK} " + blanked[e:]
    key = cp.canonical(blanked)
    found += _value_problems(key, text, quotes)
    found += _guarded_problems(key, question, quotes)
    for role, agents in nm.role_pairs(text, ents):
        held = [names for q in quotes for r, names in q.roles if r == role]
        if agents and not any(nm.same_agency(a, b) for names in held for a in agents for b in names):
            who = ", ".join(" ".join(a) for a in sorted(agents))
            found.append(f"vai trò «{' '.join(role)}» của «{who}» không khớp với trích dẫn")
    found += _word_problems(key, question, quotes)
    return found


def _ref_supported(kind: str, key: str, source: Source, quote: _Quote) -> bool:
    if kind == "clause":
        path = source.path.lower()
        return bool(path) and (path == key or path.startswith(key + ".") or key in source.label.lower())
    flat = re.sub(r"\s+", "", source.quote.lower())
    if kind == "doc":
        number = source.doc_number.lower().replace(" ", "")
        return key in flat or (bool(number) and (number == key or number.startswith(key)))
    doc_type, _, number = key.rpartition(" ")
    label = cp.canonical(source.label)
    return re.search(rf"{re.escape(doc_type)} (?:số )?0*{number}\b", label) is not None or \
        re.search(rf"{re.escape(doc_type)} (?:số )?0*{number}\b", quote.key) is not None


def _value_problems(key: str, text: str, quotes: Sequence[_Quote]) -> list[str]:
    found = []
    quoted = set().union(*(q.numbers for q in quotes)) if quotes else set()
    missing = sorted(cp.numbers_of(key) - quoted)
    if missing:
        found.append(f"số {', '.join(missing)} không có trong trích dẫn")
    for figure in cp.figures(key):
        if figure.number not in missing and not any(cp.same_figure(figure, f) for q in quotes for f in q.figures):
            what = " ".join(x for x in (figure.before and f"{figure.before} -", figure.number,
                                        figure.after and f"- {figure.after}", figure.counts) if x)
            found.append(f"«{what}» không khớp với trích dẫn")
    claim_values = cp.values(key)
    for value in claim_values:
        if value.key[0] == "d":
            matches = [(q, v) for q in quotes for v in q.values if _same_date(value.key, v.key)]
            if not matches:
                found.append(f"ngày «{key[value.start:value.end]}» không có trong trích dẫn")
                continue
        else:
            matches = [(q, v) for q in quotes for v in q.values if v.key == value.key]
        if value.relations and matches and not any(value.relations <= v.relations for _, v in matches):
            quoted_rel = {r for _, v in matches for r in v.relations} or {"(không có)"}
            found.append(f"«{' '.join(sorted(value.relations))} {key[value.start:value.end]}» trái với trích dẫn "
                         f"(«{', '.join(sorted(quoted_rel))}»)")
    full = cp.canonical(text)  # positions as written: blanked names would shift the year grouping
    in_refs = {cp.number_key(n) for _, ref, _, _ in nm.references(text) for n in re.findall(r"\d+", ref)}
    for value in cp.values(full):  # the year a figure belongs to must be the year the quote gives it
        years = cp.governing_years(full, value.start, value.end) \
            if value.key[0] == "n" and not cp.is_year(value) and value.key[1] not in in_refs else set()
        if years and not any(years <= cp.governing_years(q.key, v.start, v.end)
                             for q in quotes for v in q.values if v.key == value.key):
            found.append(f"số {value.key[1]} không phải chỉ tiêu của năm {', '.join(sorted(years))} trong trích dẫn")
    return found


def _same_date(claim: tuple[object, ...], quoted: tuple[object, ...]) -> bool:
    if quoted[0] != "d" or claim[2] != quoted[2]:
        return False
    day_ok = claim[1] is None or claim[1] == quoted[1]
    year_ok = claim[3] is None or quoted[3] is None or claim[3] == quoted[3]
    return day_ok and year_ok


def _guarded_problems(key: str, question: str, quotes: Sequence[_Quote]) -> list[str]:
    found = []
    _, _, asked = _question(question)
    claim_guarded = cp.guarded(key)
    for g in claim_guarded:
        if g.phrase in cp.ECHO_MODALS and asked & cp.ECHO_MODALS:
            continue
        same = [h for q in quotes for h in q.guarded if h.phrase == g.phrase]
        bound = g.kind == "role" or not g.governs or any(g.governs[0] in h.governs for h in same)
        if not same or not bound:
            what = " ".join(g.phrase + g.governs[:1]) if g.kind != "role" else " ".join(g.phrase)
            found.append(f"«{what}» không có trong trích dẫn")
    claim_words = cp.words(key)
    negated = {w for g in claim_guarded if g.kind == "neg" for w in g.governs[:1]}
    for q in quotes:
        for h in q.guarded:
            if h.kind == "neg" and h.governs and cp.contains_phrase(h.governs[:2], claim_words) \
                    and h.governs[0] not in negated:
                found.append(f"bỏ mất phủ định «{' '.join(h.phrase + h.governs[:2])}» của trích dẫn")
    return found


def _word_problems(key: str, question: str, quotes: Sequence[_Quote]) -> list[str]:
    tokens = cp.tokenize(key)
    bound = [v.reach for v in cp.values(key)]  # relation words next to a value were checked with the value
    skip = {n for n, t in enumerate(tokens) if any(s <= t.start < e for s, e in bound)}
    i = 0
    while i < len(tokens):
        n = cp.match_phrase(tokens, i, cp.FRAME + cp.NEGATIONS + cp.MODALS + cp.ROLES)
        skip.update(range(i, i + n))
        i += n or 1
    exact: set[str] = set()
    for q in quotes:
        exact.update(q.words)
        for c in q.context:
            exact.update(c)
    qwords, qfolded, _ = _question(question)
    exact |= qwords
    folded = {cp.fold(w) for w in exact} | qfolded
    missing = []
    for n, t in enumerate(tokens):
        if t.kind != "w" or n in skip or t.key in cp.FUNCTION:
            continue
        if not cp.has_word(t.key, exact, folded) and t.key not in missing:
            missing.append(t.key)
    return [f"từ không có trong trích dẫn: {', '.join(missing)}"] if missing else []
