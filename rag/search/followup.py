"""Multi-turn: resolve a follow-up ('còn năm 2023 thì sao?') against the previous question (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.search.query import analyze
from rag.text import strip_accents


@dataclass(frozen=True)
class Turn:
    """What a chat remembers of one turn: the question as typed and as understood, the documents
    its answer came from and its topic terms (a follow-up inherits them)."""

    question: str
    resolved: str
    doc_ids: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    answer: str = ""  # what was answered ('' for an abstention)
    topic: str = ""  # the question the conversation is about (the last one that did not lean back)


_FOLLOW = re.compile(r"^(con|the con|vay con|va|con doi voi|the|vay)\b|\b(thi sao|the nao|ra sao)\??$")
_LEANS_ON = re.compile(
    r"^(con|the con|vay con|vay|the|va|sau do|truoc (moc|ngay|han) do|neu|trong truong hop|luc do|khi do|ngoai ra)\b"
    r"|\b(do|nay|no|ay|tren|kia)\b(?!\s+(la|thi)\b)|\bthi sao\b|\bthe nao\b|\bra sao\b"
)


def leans_on_previous(question: str) -> bool:
    """Does the question lean on the previous turn ('Còn …?', '… cơ quan đó …', 'Nó thay thế …')?

    Such a question inherits the previous answer's documents; a question that names its own
    document ('Kế hoạch 12/KH-UBND …', a place) starts afresh unless it also leans back.
    """
    folded = strip_accents(question.lower()).strip(" ?.!")
    return bool(_LEANS_ON.search(folded))
_FILLER = {"con", "thi", "sao", "the", "nao", "vay", "va", "ra", "doi", "voi", "nhu"}


def resolve_followup(previous: str | None, question: str) -> str:
    """The question to answer: `question` itself, or the previous one with what changed swapped in."""
    if not previous:
        return question
    folded = strip_accents(question.lower()).strip(" ?.!")
    info = analyze(question)
    content = [t for t in info.terms if strip_accents(t) not in _FILLER]
    if not _FOLLOW.search(folded):
        return question
    before = analyze(previous)
    if len(content) > 1 and not info.years and not info.places and not info.doc_refs:
        # a new topic in the same context: "còn tỷ lệ hộ nghèo?" after a question about Kế hoạch 33
        topic = re.sub(r"^(còn|thế còn|vậy còn|và)\s+", "", question.strip(" ?.!"), flags=re.I)
        context = [f"{r.doc_type or ''} {r.number}{'/' + r.symbol.upper() if r.symbol else ''}".strip()
                   for r in before.doc_refs]
        context += [f"năm {y}" for y in before.years] + [f"của {p}" for p in before.places]
        return " ".join([topic, *(["theo"] if before.doc_refs else []), *context]) + "?"
    merged = previous.rstrip(" ?.!")
    if info.years:
        if before.years:
            for old, new in zip(before.years, info.years, strict=False):
                merged = re.sub(rf"\b{old}\b", new, merged)
        else:
            merged += f" năm {info.years[0]}"
    for old_place, new_place in zip(before.places, info.places, strict=False):
        merged = re.sub(re.escape(old_place), new_place, merged, flags=re.I)
    if info.places and not before.places:
        merged += f" của {info.places[0]}"
    return merged + "?"


__all__ = ["Turn", "leans_on_previous", "resolve_followup"]
