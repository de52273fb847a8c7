"""The 'Nhiệm vụ & thời hạn' tab: the register across documents — every target, deadline and
responsibility — filtered by agency, document, kind and period. Every row shows its verbatim quote
and the clause it comes from (opened in place); the selection exports as CSV, XLSX or iCalendar.

Everything that comes from a document is escaped: a document can never inject markup.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from rag.config import Settings
from rag.facts.export import to_csv, to_ics, to_xlsx
from rag.facts.register import KIND_NAMES, agencies_of, due_end
from rag.types import Fact

ALL = "Tất cả"
KINDS = [(ALL, ALL), ("Chỉ tiêu", "target"), ("Thời hạn", "deadline"), ("Trách nhiệm", "responsibility")]
_CSS = """
<style>
table.register{border-collapse:collapse;font-size:0.9em;width:100%}
table.register td,table.register th{border-top:1px solid #d0d7de;padding:5px 6px;vertical-align:top;text-align:left}
.reg-meta{color:#57606a;font-size:0.88em}
.reg-quote{padding:4px 6px;background:#f6f8fa;border-left:3px solid #0969da;white-space:pre-wrap}
.reg-clause{white-space:pre-wrap;font-size:0.92em;margin-top:4px}
.reg-clause mark{background:#fff3b0}
</style>
"""


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def where(path: str) -> str:
    """'IV.2.a' → 'mục IV.2.a'; 'Điều 5', 'đoạn 4' stay as they are."""
    return path if not path or path[:1].islower() or path.startswith(("Điều", "Chương", "Mục", "Phần")) else f"mục {path}"


class RegisterTab:
    """Handlers of the tab over one shared Assistant (its register is cached until the index changes)."""

    def __init__(self, assistant: Any, settings: Settings):
        self.assistant = assistant
        self.settings = settings

    # ------------------------------------------------------------------ choices
    def choices(self) -> tuple[list[str], list[tuple[str, str]], list[str]]:
        """Agencies (most duties first), documents, and the years the register speaks of."""
        facts = self.all_facts()
        metas = self.assistant.corpus.metas
        docs = [(ALL, ALL)] + sorted((f"{m.label()} — {m.place or ''}".rstrip(" —"), d) for d, m in metas.items())
        years: set[str] = set()
        for fact in facts:
            years.update(re.findall(r"(?:19|20)\d\d", f"{fact.due_iso or ''} {fact.period or ''}"))
        return [ALL] + agencies_of(facts), docs, [ALL] + sorted(years)

    def all_facts(self) -> list[Fact]:
        return [f for facts in self.assistant.registers().values() for f in facts]

    def select(self, agency: str | None, doc: str | None, kind: str | None, period: str | None) -> list[Fact]:
        return self.assistant.register(
            agency=None if agency in (None, "", ALL) else agency,
            kind=None if kind in (None, "", ALL) else kind,
            doc_ids=None if doc in (None, "", ALL) else [doc],
            period=None if period in (None, "", ALL) else period)

    # ------------------------------------------------------------------ handlers
    def show(self, agency: str | None, doc: str | None, kind: str | None, period: str | None) -> tuple[str, str]:
        facts = self.select(agency, doc, kind, period)
        limit = self.settings.ui_register_rows
        counts = {k: sum(1 for f in facts if f.kind == k) for k in KIND_NAMES}
        summary = (f"**{len(facts)}** dòng: {counts['responsibility']} trách nhiệm, {counts['deadline']} thời hạn, "
                   f"{counts['target']} chỉ tiêu.")
        if len(facts) > limit:
            summary += f" Đang hiện {limit} dòng đầu (theo hạn sớm nhất); tải CSV/XLSX để xem đủ."
        if not facts:
            summary = "Không có chỉ tiêu, thời hạn hay trách nhiệm nào khớp bộ lọc."
        return summary, register_html(facts[:limit], self.assistant.corpus)

    def export(self, fmt: str, agency: str | None, doc: str | None, kind: str | None, period: str | None) -> str:
        corpus = self.assistant.corpus
        if fmt == "ics" and kind in (None, "", ALL):
            kind = "deadline"
        facts = self.select(agency, doc, kind, period)
        if not facts:
            raise gr.Error("Không có dòng nào để xuất với bộ lọc này.")

        def label(doc_id: str) -> str:
            return str(corpus.meta(doc_id).label())

        def issued(doc_id: str) -> date | None:
            iso = corpus.meta(doc_id).issued_on
            return date.fromisoformat(iso) if iso else None

        data = (to_csv(facts, label).encode("utf-8") if fmt == "csv" else
                to_xlsx(facts, label) if fmt == "xlsx" else to_ics(facts, label, issued))
        folder = Path(tempfile.mkdtemp(prefix="so-nhiem-vu-"))
        path = folder / f"so-nhiem-vu.{fmt}"
        path.write_bytes(data)
        return str(path)


def _clause(corpus: Any, fact: Fact) -> str:
    """The clause holding the quote, the quote highlighted (escaped)."""
    text = corpus.text(fact.doc_id)
    if not text or fact.start < 0:
        return ""
    chunk = corpus.chunk_at(fact.doc_id, fact.start)
    start, end = (chunk.start, chunk.end) if chunk else (fact.start, fact.end)
    start, end = min(start, fact.start), max(end, fact.end)
    start, end = max(start, fact.start - 1500), min(end, fact.end + 1500)
    body = (f"{esc(text[start:fact.start])}<mark>{esc(text[fact.start:fact.end])}</mark>"
            f"{esc(text[fact.end:end])}")
    return body.replace("**", "")


def _what(fact: Fact) -> str:
    if fact.kind == "target":
        value = " ".join(x for x in (fact.comparator, fact.value, fact.unit) if x)
        period = f" ({esc(fact.period)})" if fact.period else ""
        return f"{esc(fact.indicator or fact.subject)}: <b>{esc(value)}</b>{period}"
    return esc(fact.task or fact.subject)


def register_html(facts: Sequence[Fact], corpus: Any) -> str:
    """The register as an HTML table, one row per fact, quote and clause in the last column."""
    if not facts:
        return ""
    out = []
    for n, fact in enumerate(facts):
        meta = corpus.meta(fact.doc_id)
        end = due_end(fact)
        due = esc(fact.due) + (f"<div class='reg-meta'>hạn {end.strftime('%d/%m/%Y')}</div>" if end else "")
        if fact.recurrence:
            due += f"<div class='reg-meta'>lặp lại: {esc(fact.recurrence)}</div>"
        page = f" · trang {fact.page}" if fact.page else ""
        who = esc(fact.agency) + (f"<div class='reg-meta'>{esc(fact.role)}</div>" if fact.role else "")
        out.append(
            f"<tr class='reg-row' data-kind='{esc(fact.kind)}' data-path='{esc(fact.path)}' data-n='{n}'>"
            f"<td>{KIND_NAMES[fact.kind]}</td><td>{who}</td><td>{_what(fact)}</td><td>{due}</td>"
            f"<td class='reg-ref'>{esc(meta.label())}<div class='reg-meta'>{esc(where(fact.path))}{page}</div></td>"
            f"<td><div class='reg-quote'>{esc(fact.quote)}</div><details><summary>Xem điều khoản</summary>"
            f"<div class='reg-clause'>{_clause(corpus, fact)}</div></details></td></tr>")
    head = ("<tr><th>Loại</th><th>Cơ quan</th><th>Nhiệm vụ / chỉ tiêu</th><th>Thời hạn</th><th>Văn bản, mục</th>"
            "<th>Trích dẫn nguyên văn</th></tr>")
    return f"{_CSS}<table class='register'>{head}{''.join(out)}</table>"


def mount(assistant: Any, settings: Settings) -> RegisterTab:
    """Build the tab inside the app's current gr.Tabs(); every handler is also an API endpoint."""
    tab = RegisterTab(assistant, settings)
    agencies, docs, periods = tab.choices()
    with gr.Tab("Nhiệm vụ & thời hạn", id="register"):
        gr.Markdown("Sổ nhiệm vụ: mọi chỉ tiêu, thời hạn và trách nhiệm (chủ trì / phối hợp / thực hiện) "
                    "trong các văn bản đã nạp — mỗi dòng kèm trích dẫn nguyên văn và điều khoản.")
        with gr.Row():
            agency = gr.Dropdown(agencies, value=ALL, label="Cơ quan", allow_custom_value=True, elem_id="reg-agency")
            doc = gr.Dropdown(docs, value=ALL, label="Văn bản", elem_id="reg-doc")
            kind = gr.Dropdown(KINDS, value=ALL, label="Loại", elem_id="reg-kind")
            period = gr.Dropdown(periods, value=ALL, label="Kỳ / năm", allow_custom_value=True, elem_id="reg-period")
        with gr.Row():
            show = gr.Button("Xem sổ", variant="primary", elem_id="reg-show")
            csv_btn = gr.Button("Tải CSV", elem_id="reg-csv")
            xlsx_btn = gr.Button("Tải Excel", elem_id="reg-xlsx")
            ics_btn = gr.Button("Tải lịch (.ics)", elem_id="reg-ics")
        summary = gr.Markdown(elem_id="reg-summary")
        table = gr.HTML(elem_id="reg-table")
        download = gr.File(label="Tệp tải về", elem_id="reg-file", interactive=False)
        inputs = [agency, doc, kind, period]
        show.click(tab.show, inputs, [summary, table], api_name="register")
        csv_btn.click(lambda *a: tab.export("csv", *a), inputs, download, api_name="register_csv")
        xlsx_btn.click(lambda *a: tab.export("xlsx", *a), inputs, download, api_name="register_xlsx")
        ics_btn.click(lambda *a: tab.export("ics", *a), inputs, download, api_name="register_ics")
    return tab
