"""The Gradio Blocks app: Hỏi đáp (chat), Tra cứu (lookup), Văn bản (documents), Đánh giá (eval)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import gradio as gr

from rag.cli import documents
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Assistant
from rag.ingest.loaders import SUPPORTED
from rag.ingest.pipeline import IndexBusy, format_report, ingest
from rag.search.followup import Turn
from ui.render import documents_table, lookup_html, plain, source_cards
from ui.uploads import place_upload

log = logging.getLogger(__name__)
ALL = "Tất cả"
EXAMPLES = [
    "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?",
    "Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là khi nào?",
    "Cơ quan nào chủ trì tổng hợp, theo dõi, đôn đốc đợt thi đua cao điểm?",
    "So sánh tỷ lệ hộ nghèo của Cần Thơ năm 2021 và năm 2023",
    "ai ky chi thi 02/CT-UBND",
]
DOC_COLUMNS = ["Số", "Loại", "Cơ quan ban hành", "Ngày ban hành", "Trích yếu", "Số đoạn", "Mã"]


def user_error(message: str) -> gr.Error:
    """A mistake the user can fix: a Vietnamese modal, and no traceback in the server log."""
    return gr.Error(message, title="Chưa thực hiện được", print_exception=False)


class App:
    """Handlers over one shared Assistant; ingestion is serialised by a lock."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.Lock()
        self.assistant = Assistant(settings)

    # ------------------------------------------------------------------ helpers
    def banner(self) -> str:
        a = self.assistant
        n = len(a.corpus.metas)
        text = f"**Chế độ tìm kiếm:** {a.mode} · **{n}** văn bản, **{a.corpus.chunk_count}** đoạn trong chỉ mục."
        if a.notice:
            text += f"\n\n⚠ {a.notice}"
        if n == 0:
            text += "\n\n⚠ Chỉ mục chưa có văn bản nào: hãy nạp văn bản ở tab **Văn bản**."
        return text

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        metas = self.assistant.corpus.metas
        docs = [(ALL, ALL)] + sorted(((f"{m.label()} — {m.place or ''}", d) for d, m in metas.items()))
        types = [ALL] + sorted({m.doc_type for m in metas.values() if m.doc_type})
        years = [ALL] + sorted({m.issued_on[:4] for m in metas.values() if m.issued_on}, reverse=True)
        return docs, types, years

    def doc_filter(self, doc: str, doc_type: str, year: str) -> list[str] | None:
        metas = self.assistant.corpus.metas
        chosen = [d for d, m in metas.items()
                  if (doc in (None, ALL) or d == doc) and (doc_type in (None, ALL) or m.doc_type == doc_type)
                  and (year in (None, ALL) or (m.issued_on or "").startswith(str(year)))]
        return None if chosen == list(metas) else chosen

    # ------------------------------------------------------------------ Hỏi đáp
    def ask(self, message: str, history: list[dict[str, Any]], last: Turn | None, doc: str, doc_type: str,
            year: str) -> tuple[list[dict[str, Any]], str, Turn | None, str]:
        question = (message or "").strip()
        if not question:
            raise user_error("Hãy nhập câu hỏi.")
        if len(question) > self.settings.max_question_chars:
            raise user_error(f"Câu hỏi quá dài ({len(question)} ký tự, tối đa {self.settings.max_question_chars}): "
                             "hãy hỏi ngắn gọn một ý.")
        docs = self.doc_filter(doc, doc_type, year)
        if docs == []:
            raise user_error("Không có văn bản nào khớp bộ lọc đã chọn.")
        answer, turn = self.assistant.converse(question, last if isinstance(last, Turn) else None, doc_filter=docs)
        resolved = turn.resolved
        shown = plain(answer.text)
        if resolved != question:
            shown = f"(Hiểu câu hỏi là: «{plain(resolved)}»)\n\n{shown}"
        history = [*history, {"role": "user", "content": plain(question)}, {"role": "assistant", "content": shown}]
        return history, source_cards(answer, self.assistant.corpus), turn, ""

    # ------------------------------------------------------------------ Tra cứu
    def lookup(self, reference: str) -> tuple[str, Any]:
        reference = (reference or "").strip()
        if not reference:
            raise user_error("Nhập số văn bản, ví dụ «33/KH-UBND mục IV».")
        found = self.assistant.lookup(reference)
        outline = [f"{c['path']} — {c['heading'][:80]}" for c in (found or {}).get("outline", [])]
        wants_facts = found is not None and not any(w in reference.lower() for w in ("mục", "điều", "khoản"))
        facts = self.assistant.facts(found["document"]["doc_id"]) if wants_facts and found else []
        return lookup_html(found, reference, facts), gr.update(choices=outline, value=None, visible=bool(outline))

    def open_clause(self, reference: str, choice: str | None) -> str:
        if not choice:
            return gr.skip()  # type: ignore[no-any-return]
        path = choice.split(" — ", 1)[0]
        base = " ".join(w for w in (reference or "").split() if w.lower() not in ("mục", "điều", "khoản"))
        found = self.assistant.lookup(f"{base.split()[0] if base else ''} mục {path}" if not path.startswith("Điều")
                                      else f"{base.split()[0] if base else ''} {path.replace('.', ' khoản ', 1)}")
        return lookup_html(found, reference)

    # ------------------------------------------------------------------ Văn bản
    def table(self) -> list[list[Any]]:
        return documents_table(documents(self.settings))

    def upload(self, files: list[str] | None, replace: bool = False,
               progress: gr.Progress = gr.Progress()) -> tuple[str, list[list[Any]], str]:  # noqa: B008
        """Ingest uploaded files as `uploads/<name>`: a corpus document is never replaced by an upload."""
        if not files:
            raise user_error("Chưa chọn tệp nào.")
        for file in files:
            if Path(file).suffix.lower() not in SUPPORTED:
                raise user_error(f"Tệp {Path(file).name}: định dạng chưa hỗ trợ (chỉ PDF, DOCX, TXT, MD, HTML).")
        progress(0, desc="Đang nạp…")
        with self.lock:
            saved, notes = [], []
            for file in files:
                target, note = place_upload(Path(file), self.settings.index_dir / "uploads", bool(replace),
                                            self.assistant.corpus.metas)
                saved.append(target)
                if note:
                    notes.append(f"- ℹ **{Path(file).name}**: {note}.")
            try:
                report = ingest(saved, self.settings, root=self.settings.index_dir,
                                progress=lambda n, total, name: progress((n - 1) / total, desc=f"Đang nạp {name}"))
            except IndexBusy as busy:
                raise user_error(str(busy)) from busy
            self.assistant.refresh(force=True)
        lines = [f"- ✓ {d}" for d in report.added + report.updated] + [f"- = {d} (không đổi)" for d in report.unchanged]
        lines += [f"- ✗ **{Path(f.path).name}**: {f.reason}. Cách xử lý: {f.fix}." for f in report.failed]
        lines += notes + self._same_number_notes(report.added + report.updated)
        return format_report(report).split("\n")[-1 - len(report.failed)] + "\n\n" + "\n".join(lines), self.table(), self.banner()

    def _same_number_notes(self, doc_ids: list[str]) -> list[str]:
        """Warn when an upload carries the number of a document already indexed (a copy, or a forgery)."""
        metas, notes = self.assistant.corpus.metas, []
        for doc_id in doc_ids:
            number = metas[doc_id].number if doc_id in metas else None
            others = sorted(d for d, m in metas.items() if d != doc_id and number and m.number == number)
            if others:
                notes.append(f"- ⚠ **{doc_id}** mang số {number}, trùng với văn bản đã có `{others[0]}`: cả hai "
                             "được giữ, câu trả lời ghi rõ nguồn; nếu bản tải lên không đúng, hãy xóa nó khỏi thư mục "
                             "uploads và nạp lại.")
        return notes

    # ------------------------------------------------------------------ Đánh giá
    def evaluate(self, uploaded: str | None, preset: str | None, progress: gr.Progress = gr.Progress()) -> tuple[str, str, str, str | None]:  # noqa: B008
        from eval.report import table
        from eval.runner import EvalInputError, run_questions

        source = Path(uploaded) if uploaded else (PROJECT_ROOT / "eval" / "questions" / preset if preset else None)
        if source is None:
            raise user_error("Chọn một bộ câu hỏi có sẵn hoặc tải lên tệp .jsonl.")
        out = self.settings.index_dir / "eval-runs" / time.strftime("%Y%m%d-%H%M%S")
        progress(0.1, desc="Đang chạy đánh giá…")
        try:
            summary = run_questions(source, out, self.settings, self.settings.top_k, ["project"])
        except EvalInputError as err:
            raise user_error(str(err)) from err
        overall = table({"project": summary["overall"]})
        per_type = table(summary["by_type"])
        report = (out / "report.md").read_text(encoding="utf-8")
        failures = report.split("## Failures", 1)[-1].split("\n", 1)[-1] if "## Failures" in report else ""
        latency = summary["latency_ms"]
        head = f"{overall}\n\nĐộ trễ: p50 {latency['p50']} ms, p95 {latency['p95']} ms · chế độ: {summary['mode']}"
        return head, per_type, failures, str(out / "report.md")


def build(settings: Settings) -> gr.Blocks:
    """The Blocks app; every handler is also an API endpoint for gradio_client."""
    app = App(settings)
    docs, types, years = app.filter_choices()
    presets = sorted(p.name for p in (PROJECT_ROOT / "eval" / "questions").glob("*.jsonl"))
    with gr.Blocks(title="Trợ lý văn bản chỉ đạo") as blocks:
        gr.Markdown("# Trợ lý văn bản chỉ đạo\nHỏi về chỉ tiêu, thời hạn, cơ quan chủ trì — mọi câu trả lời kèm "
                    "trích dẫn nguyên văn và nguồn.")
        banner = gr.Markdown(app.banner(), elem_id="mode-banner")
        with gr.Tabs():
            with gr.Tab("Hỏi đáp", id="chat"):
                with gr.Row():
                    doc = gr.Dropdown(docs, value=ALL, label="Văn bản")
                    doc_type = gr.Dropdown(types, value=ALL, label="Loại văn bản")
                    year = gr.Dropdown(years, value=ALL, label="Năm ban hành")
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(label="Hỏi đáp", height=460, render_markdown=False, elem_id="chat")
                        question = gr.Textbox(label="Câu hỏi", placeholder="Ví dụ: Hạn gửi báo cáo là khi nào?",
                                              elem_id="question", max_lines=4)
                        with gr.Row():
                            send = gr.Button("Hỏi", variant="primary", elem_id="send")
                            clear = gr.Button("Cuộc hỏi đáp mới")
                        gr.Examples(EXAMPLES, inputs=question, label="Câu hỏi mẫu")
                    with gr.Column(scale=2):
                        sources = gr.HTML("<div class='src-meta'>Nguồn trích dẫn sẽ hiện ở đây.</div>",
                                          elem_id="sources", label="Nguồn")
                last = gr.State(None)
                inputs = [question, chat, last, doc, doc_type, year]
                outputs = [chat, sources, last, question]
                send.click(app.ask, inputs, outputs, api_name="ask")
                question.submit(app.ask, inputs, outputs, api_name=False)
                clear.click(lambda: ([], "", None), None, [chat, sources, last], api_name=False)
            with gr.Tab("Tra cứu", id="lookup"):
                reference = gr.Textbox(label="Số văn bản và điều khoản", placeholder="33/KH-UBND mục IV",
                                       elem_id="reference")
                find = gr.Button("Tra cứu", variant="primary", elem_id="find")
                outline = gr.Dropdown([], label="Mục lục văn bản", visible=False, elem_id="outline")
                found = gr.HTML(elem_id="lookup-result")
                find.click(app.lookup, reference, [found, outline], api_name="lookup")
                reference.submit(app.lookup, reference, [found, outline], api_name=False)
                outline.change(app.open_clause, [reference, outline], found, api_name=False)
            with gr.Tab("Văn bản", id="documents"):
                table = gr.Dataframe(app.table(), headers=DOC_COLUMNS, interactive=False, wrap=True,
                                     elem_id="documents")
                files = gr.File(label=f"Tải lên PDF/DOCX/TXT (tối đa {settings.ui_max_upload_mb:.0f} MB mỗi tệp)",
                                file_count="multiple", file_types=list(SUPPORTED), elem_id="upload")
                replace = gr.Checkbox(False, label="Thay thế bản tải lên trùng tên (ghi đè bản cũ)", elem_id="replace")
                load = gr.Button("Nạp vào chỉ mục", variant="primary", elem_id="ingest")
                result = gr.Markdown(elem_id="ingest-result")
                load.click(app.upload, [files, replace], [result, table, banner], api_name="ingest",
                           concurrency_limit=1)
            with gr.Tab("Đánh giá", id="eval"):
                with gr.Row():
                    preset = gr.Dropdown(presets, value=presets[0] if presets else None, label="Bộ câu hỏi có sẵn")
                    qfile = gr.File(label="…hoặc tải lên tệp .jsonl", file_types=[".jsonl"], type="filepath")
                run = gr.Button("Chạy đánh giá", variant="primary", elem_id="run-eval")
                metrics = gr.Markdown(elem_id="eval-metrics")
                by_type = gr.Markdown()
                gr.Markdown("### Câu trả lời sai")
                failures = gr.Markdown(elem_id="eval-failures")
                report = gr.File(label="Tải báo cáo (report.md)")
                run.click(app.evaluate, [qfile, preset], [metrics, by_type, failures, report], api_name="evaluate",
                          concurrency_limit=1)
    return blocks
