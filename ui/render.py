"""HTML for the UI (pure). Everything that comes from a document or a question is escaped: a
document can never inject markup, scripts or remote images into the page. Markdown left in
crawled documents is hidden from what is shown (ui.display).

Each answer has a number k (1, 2, … within a chat); its sources are the cards `nguon-k-n`, and
its `[n]` markers are links `#nguon-k-n` that open the viewer at that source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rag.answer.compose import where
from rag.index.corpus import CorpusView
from rag.types import Answer, Citation, Fact
from ui.display import display_html, doc_line, esc, plain_text

QUOTE_PREVIEW = 360  # characters of each quote shown right under the answer
QUOTES_SHOWN = 3


def anchor(answer_no: int, n: int) -> str:
    return f"nguon-{answer_no}-{n}"


def source_label(corpus: CorpusView, citation: Citation) -> str:
    """'Kế hoạch 33/KH-UBND · mục II.3.(8) · trang 2' — the page is named for PDFs."""
    meta = corpus.meta(citation.doc_id)
    page = f" · trang {citation.page}" if citation.page else ""
    return f"{plain_text(meta.label())} · {where(citation.path)}{page}"


def _linked(text: str, answer_no: int, count: int) -> str:
    """Escaped answer text whose [n] markers (n ≤ count) are links to source n."""
    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= count:
            return m.group()
        return (f"<a class='cite' href='#{anchor(answer_no, n)}' title='Mở nguồn [{n}] tại trích dẫn'>"
                f"[{n}]</a>")
    return re.sub(r"\[(\d{1,2})\]", link, esc(text))


def answer_html(answer_no: int, answer: Answer, corpus: CorpusView, resolved: str | None = None,
                hint: str | None = None) -> str:
    """One chat answer: the text with live [n] links, its quotes right under it, and a source
    line naming document, clause and (for PDFs) page."""
    parts = []
    if resolved:
        parts.append(f"<div class='ans-resolved'>(Hiểu câu hỏi là: «{esc(resolved)}»)</div>")
    parts.append(f"<div class='ans-text'>{_linked(answer.text, answer_no, len(answer.citations))}</div>")
    if hint:
        parts.append(f"<div class='ans-hint'>{esc(hint)}</div>")
    if answer.citations and not answer.abstained:
        quotes = []
        for n, citation in enumerate(answer.citations[:QUOTES_SHOWN], start=1):
            quote = plain_text(citation.quote)
            if len(quote) > QUOTE_PREVIEW:
                quote = quote[:QUOTE_PREVIEW - 1].rsplit(" ", 1)[0] + " …"
            quotes.append(f"<div class='ans-q'>«{esc(quote)}» <a class='cite' href='#{anchor(answer_no, n)}' "
                          f"title='Mở nguồn [{n}] tại trích dẫn'>[{n}]</a></div>")
        parts.append(f"<blockquote class='ans-quote'>{''.join(quotes)}</blockquote>")
        links = "; ".join(
            f"<a class='cite' href='#{anchor(answer_no, n)}'>[{n}] {esc(source_label(corpus, c))}</a>"
            for n, c in enumerate(answer.citations, start=1))
        parts.append(f"<div class='ans-sources'>Nguồn: {links}</div>")
    return "".join(parts)


def clause_text(corpus: CorpusView, citation: Citation) -> tuple[str, int, int]:
    """The text of the clause holding the quote, and the quote's offsets within it."""
    text = corpus.text(citation.doc_id)
    chunk = corpus.chunk_at(citation.doc_id, citation.start)
    start, end = (chunk.start, chunk.end) if chunk else (citation.start, citation.end)
    start, end = min(start, citation.start), max(end, citation.end)
    return text[start:end], citation.start - start, citation.end - start


def _card(answer_no: int, n: int, citation: Citation, corpus: CorpusView) -> str:
    if citation.doc_id not in corpus.metas:
        return (f"<div class='src-card gone' id='{anchor(answer_no, n)}' data-source='{n}'><div class='src-head'>[{n}] "
                f"Văn bản này đã được gỡ khỏi chỉ mục.</div><div class='src-quote'>{esc(plain_text(citation.quote))}"
                "</div></div>")
    meta = corpus.meta(citation.doc_id)
    clause, qs, qe = clause_text(corpus, citation)
    page = f" · trang {citation.page}" if citation.page else ""
    return (
        f"<div class='src-card' id='{anchor(answer_no, n)}' data-source='{n}'>"
        f"<div class='src-head'>[{n}] {esc(doc_line(meta))}</div>"
        f"<div class='src-meta'>{esc(meta.issuer)} · {esc(where(citation.path))}{page}</div>"
        f"<div class='src-quote'>{esc(plain_text(citation.quote))}</div>"
        f"<a class='open-orig' href='#{anchor(answer_no, n)}'>Xem bản gốc tại trích dẫn</a>"
        f"<details><summary>Xem toàn bộ điều khoản</summary>"
        f"<div class='src-clause'>{display_html(clause, [(qs, qe)])}</div></details></div>")


def _abstain_card(answer: Answer, corpus: CorpusView) -> str:
    items = "".join(
        f"<li>{esc(doc_line(corpus.meta(p.chunk.doc_id)))} — {esc(where(p.chunk.path))}</li>"
        for p in answer.passages[:3] if p.chunk.doc_id in corpus.metas)
    checked = f"<div class='src-meta'>Các điều khoản gần nhất đã kiểm tra:</div><ul>{items}</ul>" if items else ""
    return (f"<div class='src-card abstain'><div class='src-head'>Không tìm thấy câu trả lời trong văn bản</div>"
            f"{checked}</div>")


def source_group(answer_no: int, question: str, answer: Answer, corpus: CorpusView, unfold: bool = True) -> str:
    """The sources of one answer, as a block the panel keeps after later answers."""
    if answer.abstained or not answer.citations:
        cards, count = _abstain_card(answer, corpus), "không có nguồn"
    else:
        cards = "".join(_card(answer_no, n, c, corpus) for n, c in enumerate(answer.citations, start=1))
        count = f"{len(answer.citations)} nguồn"
    return (f"<details class='src-group' data-answer='{answer_no}'{' open' if unfold else ''}><summary>Câu {answer_no}: "
            f"«{esc(question)}» — {count}</summary>{cards}</details>")


def sources_panel(answers: Sequence[tuple[int, str, Answer]], corpus: CorpusView) -> str:
    """Every answer's sources (answer number, question, answer), newest first and unfolded;
    older answers are folded but stay reachable."""
    if not answers:
        return "<div class='src-empty'>Nguồn trích dẫn của từng câu trả lời sẽ hiện ở đây.</div>"
    ordered = sorted(answers, key=lambda a: -a[0])
    return "".join(source_group(no, q, a, corpus, unfold=i == 0) for i, (no, q, a) in enumerate(ordered))


def source_cards(answer: Answer, corpus: CorpusView, answer_no: int = 1, question: str = "") -> str:
    """The source block of a single answer (the API and tests)."""
    return source_group(answer_no, question, answer, corpus)


def lookup_html(found: Mapping[str, Any] | None, reference: str, facts: Sequence[Fact] = ()) -> str:
    if not found:
        return f"<div class='src-card abstain'>Không tìm thấy văn bản cho «{esc(reference)}».</div>"
    doc = found["document"]
    head = (f"<div class='src-head'>{esc(doc.get('doc_type') or 'Văn bản')} {esc(doc.get('number') or '(không ghi số)')}"
            f"</div><div class='src-meta'>{esc(doc.get('issuer'))} · {esc(doc.get('issued_text'))} · "
            f"người ký: {esc(doc.get('signer') or '—')}</div><div>{esc(plain_text(doc.get('title') or ''))}</div>")
    clauses = "".join(
        f"<div class='src-card' data-path='{esc(c['path'])}'><div class='src-head'>{esc(c['path'])}</div>"
        f"<div class='src-clause'>{display_html(c['text'])}</div></div>" for c in found["clauses"])
    if not found["clauses"]:
        clauses = "<div class='src-card abstain'>Không có điều khoản này trong văn bản.</div>"
    return f"<div class='src-card'>{head}</div>{facts_html(facts)}{clauses}"


_FACT_NAMES = {"target": "Chỉ tiêu", "deadline": "Thời hạn", "responsibility": "Trách nhiệm"}


def facts_html(facts: Sequence[Fact]) -> str:
    """What the document demands, one row per fact, each with its verbatim quote."""
    if not facts:
        return ""
    rows = "".join(
        f"<tr><td>{_FACT_NAMES[f.kind]}</td><td>{esc(f.path)}</td>"
        f"<td>{esc(plain_text(' '.join(x for x in (f.value, f.unit, f.due, f.agency, f.role) if x)))}</td>"
        f"<td class='src-quote'>{esc(plain_text(f.quote))}</td></tr>" for f in facts)
    return (f"<details class='src-card' open><summary class='src-head'>Chỉ tiêu, thời hạn, trách nhiệm ({len(facts)})"
            f"</summary><table class='facts'><tr><th>Loại</th><th>Mục</th><th>Nội dung</th><th>Trích dẫn</th></tr>"
            f"{rows}</table></details>")


def question_html(question: str) -> str:
    """The user's question as shown in the chat (escaped)."""
    return esc(question)
