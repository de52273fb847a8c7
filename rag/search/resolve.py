"""Document resolution: which indexed documents a question is about.

Staff name documents loosely ("kế hoạch chuyển đổi số của tỉnh X", "thông báo kết luận với
Phú Thọ") as often as by number. Each document gets a profile — type, number, title, issuer,
place, year and what it is about (its opening sentence, the titles of the plans it issues, the
documents it implements) — and the question is scored against every profile with BM25. A
number the question names narrows the search: to the document that carries it, else to the
documents that mention it (the plan implementing a resolution); only a number nobody carries
or mentions is refused.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.index.lexical import document_tokens, query_tokens
from rag.search.query import DocRef, QueryInfo
from rag.text import strip_accents
from rag.types import DocMeta

_NUMBER_IN_TEXT = re.compile(r"(\d{1,5})\s*/\s*((?:\d{4}/)?[A-ZĐ][\wĐđ]*(?:-[\wĐđ&]+)*)"
                             r"|(\d{1,5})\s*-\s*([A-ZĐ]{1,4}/[A-ZĐ]{1,4})\b")  # or the Party's '66-NQ/TW'
_PARTY_NUMBER = re.compile(r"^(\d{1,5})\s*-\s*([^/\s]+/[^/\s]+)$")
_K1, _B = 1.2, 0.5
_PLACE_BOOST = 1.5


def _folded(text: str | None) -> str:
    return strip_accents((text or "").lower())


def ref_matches(ref: DocRef, meta: DocMeta) -> bool:
    """Does document `meta` carry the number the question names?"""
    if not meta.number:
        return False
    head, _, symbol = meta.number.partition("/")
    if party := _PARTY_NUMBER.match(meta.number):
        head, symbol = party.groups()
    if not head.isdigit() or int(head) != ref.number:
        return False
    if ref.symbol and _folded(symbol).replace(" ", "") != ref.symbol:
        return False
    return not (ref.doc_type and meta.doc_type and _folded(meta.doc_type) != _folded(ref.doc_type))


def ref_mentioned(ref: DocRef, about: str | None) -> bool:
    """Does a document's opening (what it implements, replaces, answers) name this number?"""
    for m in _NUMBER_IN_TEXT.finditer(about or ""):
        number, symbol = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(number) != ref.number:
            continue
        if ref.symbol is None or _folded(symbol).replace(" ", "") == ref.symbol:
            return True
    return False


def profile_text(meta: DocMeta) -> str:
    """The words a document is known by."""
    year = (meta.issued_on or "")[:4]
    return " ".join(x for x in (meta.doc_type, meta.number, meta.title, meta.title, meta.issuer, meta.place, year,
                                meta.about) if x)


@dataclass(frozen=True)
class DocChoice:
    """The documents a question is about, best first, with scores in [0, 1] (1 = the best)."""

    scores: tuple[tuple[str, float], ...]
    restricted: tuple[str, ...] | None  # a hard restriction (a number the question names), or None
    problem: str | None = None  # why no document can answer (a number nobody carries or mentions)

    def top(self, n: int) -> list[str]:
        return [d for d, _ in self.scores[:n]]

    def score(self, doc_id: str) -> float:
        return dict(self.scores).get(doc_id, 0.0)

    def standing(self, crowd: int) -> dict[str, float]:
        """How far each document stands above the crowd (the `crowd`-th best): 0 … 1, in best-score units.

        Many documents fitting the question equally (fifty articles of one law, each a document)
        say nothing about which one it is about: none of them stands out, and none is preferred.
        """
        if self.restricted is not None or len(self.scores) <= crowd:
            return {d: s for d, s in self.scores}
        floor = self.scores[crowd - 1][1]
        return {d: s - floor for d, s in self.scores[: crowd - 1] if s > floor}


class DocIndex:
    """BM25 over document profiles (small: one entry per document)."""

    def __init__(self, metas: Mapping[str, DocMeta]):
        self.metas = dict(metas)
        self.ids = list(self.metas)
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.lengths: list[int] = []
        for n, doc_id in enumerate(self.ids):
            counts = Counter(document_tokens(profile_text(self.metas[doc_id])))
            self.lengths.append(sum(counts.values()))
            for token, tf in counts.items():
                self.postings.setdefault(token, []).append((n, tf))
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def scores(self, text: str) -> dict[str, float]:
        """Raw BM25 score of every document whose profile shares a token with the text."""
        total: dict[int, float] = {}
        n_docs = max(1, len(self.ids))
        for token in set(query_tokens(text)):
            posting = self.postings.get(token)
            if not posting:
                continue
            idf = math.log(1 + (n_docs - len(posting) + 0.5) / (len(posting) + 0.5))
            for doc, tf in posting:
                norm = tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * self.lengths[doc] / self.avg))
                total[doc] = total.get(doc, 0.0) + idf * norm
        return {self.ids[d]: s for d, s in total.items()}


def resolve(info: QueryInfo, index: DocIndex, doc_filter: Sequence[str] | None = None) -> DocChoice:
    """The documents the question is about: named by number (hard), then by profile (soft)."""
    pool = list(doc_filter) if doc_filter is not None else list(index.ids)
    restricted: list[str] | None = None
    if info.doc_refs:
        own = [d for d in pool if any(ref_matches(r, index.metas[d]) for r in info.doc_refs)]
        mentioned = [d for d in pool if any(ref_mentioned(r, index.metas[d].about) for r in info.doc_refs)]
        if own:
            restricted = own
        elif mentioned:
            restricted = mentioned
        else:
            refs = ", ".join(f"{r.doc_type or ''} {r.number}{'/' + r.symbol.upper() if r.symbol else ''}".strip()
                             for r in info.doc_refs)
            if not _topic_words(info):
                return DocChoice((), (), f"Không có văn bản số {refs} trong các văn bản đã lập chỉ mục.")
            restricted = None  # the number may be of a document cited in the text: search by topic
    raw = index.scores(f"{info.text} {info.expanded}" if info.expanded else info.text)
    if info.places:  # a document of (or about) the place the question names comes first
        for doc_id in raw:
            if _names_place(index.metas[doc_id], info.places):
                raw[doc_id] *= _PLACE_BOOST
    allowed = set(restricted if restricted is not None else pool)
    ranked = sorted(((d, s) for d, s in raw.items() if d in allowed), key=lambda x: -x[1])
    if restricted is not None:
        ranked = [(d, s) for d, s in ranked] + [(d, 0.0) for d in restricted if d not in raw]
    best = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
    scores = tuple((d, max(0.0, s) / best) for d, s in ranked)
    return DocChoice(scores, tuple(restricted) if restricted is not None else None)


def _names_place(meta: DocMeta, places: Sequence[str]) -> bool:
    named = _folded(f"{meta.place or ''} {meta.issuer or ''} {meta.title or ''}")
    return any(_folded(p) in named for p in places)


def _topic_words(info: QueryInfo) -> bool:
    """Does the question describe its document beyond a number (a topic, a place)?"""
    return len(info.terms) >= 2 or bool(info.places)
