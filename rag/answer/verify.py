"""Quote verification: every quote verbatim in its source, every number of the answer in a quote.

What fails is dropped; an answer left without support becomes an abstention (see answer.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.types import Citation

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    """Numbers as written: '7,5', '43.000', '2024' ('31/3' gives '31' and '3')."""
    return _NUMBER.findall(text)


def _canonical(number: str) -> str:
    """'04' and '4' are the same day; '7,5' and '7.5' are not merged (different meanings in Vietnamese)."""
    return number.lstrip("0") or "0"


def quote_is_verbatim(citation: Citation, text_of: Callable[[str], str]) -> bool:
    """The quote is exactly the source text at its span (and so a substring of the source)."""
    source = text_of(citation.doc_id)
    if not source or not citation.quote.strip():
        return False
    return source[citation.start:citation.end] == citation.quote


def unsupported_numbers(fact: str, citations: Sequence[Citation]) -> list[str]:
    """Numbers in the answer's fact that no cited quote contains."""
    quoted = {_canonical(n) for c in citations for n in numbers_in(c.quote)}
    return [n for n in numbers_in(fact) if _canonical(n) not in quoted]


def verify(fact: str, citations: Sequence[Citation], text_of: Callable[[str], str]) -> tuple[list[Citation], list[str]]:
    """(citations that survive, problems found). An empty first item means: abstain."""
    problems: list[str] = []
    kept = []
    for citation in citations:
        if quote_is_verbatim(citation, text_of):
            kept.append(citation)
        else:
            problems.append(f"trích dẫn không khớp nguyên văn ({citation.doc_id}, {citation.path})")
    missing = unsupported_numbers(fact, kept)
    if missing:
        problems.append(f"số liệu không có trong trích dẫn: {', '.join(missing)}")
        return [], problems
    return kept, problems
