"""HTML for the UI (pure). Everything that comes from a document is escaped: a document can
never inject markup, scripts or remote images into the page."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from rag.answer.extractive import where
from rag.index.corpus import CorpusView
from rag.types import Answer, Citation, DocMeta, Fact

_CSS = """
<style>
.src-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin:8px 0;background:#fff}
.src-card.abstain{border-color:#e5a50a;background:#fffbea}
.src-head{font-weight:600;margin-bottom:4px}.src-meta{color:#57606a;font-size:0.9em}
.src-quote{margin:6px 0;padding:6px 8px;background:#f6f8fa;border-left:3px solid #0969da;white-space:pre-wrap}
.src-card mark{background:#fff3b0;padding:0 1px}
.src-clause{white-space:pre-wrap;font-size:0.92em;color:#24292f;margin-top:6px}
table.facts{border-collapse:collapse;font-size:0.9em;width:100%}
table.facts td,table.facts th{border-top:1px solid #d0d7de;padding:4px 6px;vertical-align:top;text-align:left}
</style>
"""


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def undecorate(escaped: str) -> str:
    """Hide markdown left over from conversion (### headings, **bold**) in a displayed clause."""
    return re.sub(r"(?m)^(\s*(?:<mark>)?)#{1,6}\s*", r"\1", escaped).replace("**", "")


def doc_line(meta: DocMeta) -> str:
    """'Kế hoạch 33/KH-UBND · Cần Thơ · ngày 21 tháng 02 năm 2024'."""
    parts = [meta.label(), meta.place or "", meta.issued_text or ""]
    return " · ".join(p for p in parts if p)


def clause_text(corpus: CorpusView, citation: Citation) -> tuple[str, int, int]:
    """The text of the clause holding the quote, and the quote's offsets within it."""
    text = corpus.text(citation.doc_id)
    chunk = corpus.chunk_at(citation.doc_id, citation.start)
    start, end = (chunk.start, chunk.end) if chunk else (citation.start, citation.end)
    start, end = min(start, citation.start), max(end, citation.end)
    return text[start:end], citation.start - start, citation.end - start


def source_cards(answer: Answer, corpus: CorpusView) -> str:
    """Numbered source cards: document, clause path, page, the quote highlighted inside its clause."""
    if answer.abstained:
        items = "".join(
            f"<li>{esc(doc_line(corpus.meta(p.chunk.doc_id)))} — {esc(p.chunk.path)}</li>"
            for p in answer.passages[:3] if p.chunk.doc_id in corpus.metas)
        checked = f"<div class='src-meta'>Các điều khoản gần nhất đã kiểm tra:</div><ul>{items}</ul>" if items else ""
        return (f"{_CSS}<div class='src-card abstain'><div class='src-head'>Không tìm thấy câu trả lời trong văn bản"
                f"</div>{checked}</div>")
    cards = []
    for n, citation in enumerate(answer.citations, start=1):
        meta = corpus.metas.get(citation.doc_id, DocMeta())
        clause, qs, qe = clause_text(corpus, citation)
        highlighted = undecorate(f"{esc(clause[:qs])}<mark>{esc(clause[qs:qe])}</mark>{esc(clause[qe:])}")
        page = f" · trang {citation.page}" if citation.page else ""
        cards.append(
            f"<div class='src-card' data-source='{n}'>"
            f"<div class='src-head'>[{n}] {esc(doc_line(meta))}</div>"
            f"<div class='src-meta'>{esc(meta.issuer)} · {esc(where(citation.path))}{page}</div>"
            f"<div class='src-quote'>{esc(citation.quote)}</div>"
            f"<details><summary>Xem toàn bộ điều khoản</summary><div class='src-clause'>{highlighted}</div></details>"
            f"</div>")
    return _CSS + "".join(cards)


def lookup_html(found: Mapping[str, Any] | None, reference: str, facts: Sequence[Fact] = ()) -> str:
    if not found:
        return f"{_CSS}<div class='src-card abstain'>Không tìm thấy văn bản cho «{esc(reference)}».</div>"
    doc = found["document"]
    head = (f"<div class='src-head'>{esc(doc.get('doc_type') or 'Văn bản')} {esc(doc.get('number') or '(không ghi số)')}"
            f"</div><div class='src-meta'>{esc(doc.get('issuer'))} · {esc(doc.get('issued_text'))} · "
            f"người ký: {esc(doc.get('signer') or '—')}</div><div>{esc(doc.get('title'))}</div>")
    clauses = "".join(
        f"<div class='src-card' data-path='{esc(c['path'])}'><div class='src-head'>{esc(c['path'])}</div>"
        f"<div class='src-clause'>{undecorate(esc(c['text']))}</div></div>" for c in found["clauses"])
    if not found["clauses"]:
        clauses = "<div class='src-card abstain'>Không có điều khoản này trong văn bản.</div>"
    return f"{_CSS}<div class='src-card'>{head}</div>{facts_html(facts)}{clauses}"


_FACT_NAMES = {"target": "Chỉ tiêu", "deadline": "Thời hạn", "responsibility": "Trách nhiệm"}


def facts_html(facts: Sequence[Fact]) -> str:
    """What the document demands, one row per fact, each with its verbatim quote."""
    if not facts:
        return ""
    rows = "".join(
        f"<tr><td>{_FACT_NAMES[f.kind]}</td><td>{esc(f.path)}</td>"
        f"<td>{esc(' '.join(x for x in (f.value, f.unit, f.due, f.agency, f.role) if x))}</td>"
        f"<td class='src-quote'>{esc(f.quote)}</td></tr>" for f in facts)
    return (f"<details class='src-card' open><summary class='src-head'>Chỉ tiêu, thời hạn, trách nhiệm ({len(facts)})"
            f"</summary><table class='facts'><tr><th>Loại</th><th>Mục</th><th>Nội dung</th><th>Trích dẫn</th></tr>"
            f"{rows}</table></details>")


def plain(text: str) -> str:
    """Answer text for the chat, with markdown and HTML neutralised (answers quote documents)."""
    return html.escape(text).replace("![", "!\u200b[")


def documents_table(rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    return [[r.get("number") or "(không ghi số)", r.get("doc_type") or "", r.get("issuer") or "",
             r.get("issued_text") or "", (r.get("title") or "")[:160], r.get("n_chunks", 0), r.get("doc_id")]
            for r in rows]
