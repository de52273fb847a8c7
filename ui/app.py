"""The Gradio Blocks app: Hỏi đáp (chat), Tra cứu (lookup), Văn bản (documents), Đánh giá (eval).

This module only lays out the page and wires events; the handlers live in ui/chat.py,
ui/documents.py, ui/evaluation.py, and the HTML in ui/render.py and ui/viewer.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from rag.config import Settings
from rag.ingest.loaders import SUPPORTED
from ui.auth import make_auth
from ui.chat import Chat, ChatSession
from ui.core import ALL, App
from ui.documents import Documents
from ui.evaluation import Evaluation, presets
from ui.i18n import head_script, login_script, translations
from ui.login import LoginPageInVietnamese
from ui.register import mount as mount_register
from ui.render import lookup_html, sources_panel
from ui.viewer import download_copy, find_original

EXAMPLES = [
    "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?",
    "Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là khi nào?",
    "Cơ quan nào chủ trì tổng hợp, theo dõi, đôn đốc đợt thi đua cao điểm?",
    "So sánh tỷ lệ hộ nghèo của Cần Thơ năm 2021 và năm 2023",
    "ai ky chi thi 02/CT-UBND",
]
CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
FONTS = ["Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "Arial", "sans-serif"]  # all cover Vietnamese

# Any link to '#nguon-K-N' (a [n] in an answer, a source card) opens source N of answer K in the
# viewer; installed once per page by the sources panel.
OPEN_SOURCE_JS = """
window.__ragOpenSource = (answer, n) => trigger('click', {answer: answer, n: n});
if (!window.__ragSourceLinks) {
  window.__ragSourceLinks = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a[href^="#nguon-"]') : null;
    const m = link ? /^#nguon-(\\d+)-(\\d+)$/.exec(link.getAttribute('href') || '') : null;
    if (!m) return;
    event.preventDefault();
    document.querySelectorAll('.src-card.active').forEach((c) => c.classList.remove('active'));
    const card = document.getElementById(m[0].slice(1));
    if (card) { card.classList.add('active'); const group = card.closest('details'); if (group) group.open = true; }
    window.__ragOpenSource(Number(m[1]), Number(m[2]));
  });
}
"""
# When the viewer shows a source, bring it into view with the quote (or the PDF highlight) visible.
VIEWER_JS = """
const centre = (page) => {
  const scroll = page.querySelector('.pdf-scroll');
  const box = page.querySelector('.hl');
  if (!scroll || !box) return;
  scroll.scrollLeft = Math.max(0, box.offsetLeft - scroll.clientWidth * 0.05);
  scroll.scrollTop = Math.max(0, box.offsetTop - scroll.clientHeight / 3);
};
watch('value', () => {
  const viewer = element.querySelector('.viewer');
  if (!viewer) return;
  const mark = element.querySelector('mark#viewer-quote');
  const box = mark ? mark.closest('.vt-body') : null;
  if (box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
  const page = element.querySelector('.pdf-page[data-highlight="verified"]');
  if (page && window.innerWidth < 700) page.classList.add('zoomed');  // a phone shows the quote legibly
  requestAnimationFrame(() => {
    if (page) centre(page);
    (page ? page.querySelector('.pdf-scroll') : viewer).scrollIntoView({block: page ? 'center' : 'start'});
  });
});
element.addEventListener('click', (event) => {
  const canvas = event.target.closest ? event.target.closest('.pdf-canvas') : null;
  if (!canvas) return;
  const page = canvas.closest('.pdf-page');
  page.classList.toggle('zoomed');
  centre(page);
});
"""


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `Blocks.launch` that belong to the UI: language, look, login."""
    auth = make_auth(settings)
    options: dict[str, Any] = {
        "i18n": translations(), "head": head_script(), "css": CSS,
        "theme": gr.themes.Default(font=FONTS, font_mono=["DejaVu Sans Mono", "Consolas", "monospace"]),
        "auth": auth,
    }
    if auth is not None:
        options["auth_message"] = (f"Đăng nhập để dùng trợ lý. Sau {settings.ui_login_max_failures} lần nhập sai, "
                                   f"tài khoản bị tạm khóa {settings.ui_login_lockout_s / 60:.0f} phút.")
        options["app_kwargs"] = {"middleware": [Middleware(LoginPageInVietnamese, script=login_script())]}
    return options


def _lookup(app: App, reference: str) -> tuple[str, Any]:
    reference = (reference or "").strip()
    if not reference:
        return ("<div class='src-card abstain'>Nhập số văn bản và điều khoản, ví dụ «33/KH-UBND mục IV».</div>",
                gr.update(choices=[], value=None, visible=False))
    found = app.assistant.lookup(reference)
    outline = [f"{c['path']} — {c['heading'][:80]}" for c in (found or {}).get("outline", [])]
    wants_facts = found is not None and not any(w in reference.lower() for w in ("mục", "điều", "khoản"))
    facts = app.assistant.facts(found["document"]["doc_id"]) if wants_facts and found else []
    return lookup_html(found, reference, facts), gr.update(choices=outline, value=None, visible=bool(outline))


def _open_clause(app: App, reference: str, choice: str | None) -> Any:
    if not choice:
        return gr.skip()
    path = choice.split(" — ", 1)[0]
    base = " ".join(w for w in (reference or "").split() if w.lower() not in ("mục", "điều", "khoản"))
    number = base.split()[0] if base else ""
    query = f"{number} mục {path}" if not path.startswith("Điều") else f"{number} {path.replace('.', ' khoản ', 1)}"
    return lookup_html(app.assistant.lookup(query), reference)


def _original_of(app: App, doc_id: str | None) -> Any:
    """The documents tab's download of the picked document's original file."""
    if not doc_id or doc_id not in app.corpus.metas:
        return gr.update(value=None, visible=False)
    original = find_original(app.corpus, doc_id, app.settings)
    path = download_copy(original, str(app.corpus.record(doc_id).get("sha256") or ""))
    return gr.update(value=path, visible=path is not None)


def build(settings: Settings) -> gr.Blocks:
    """The Blocks app; every handler is also an API endpoint for gradio_client."""
    app = App(settings)
    chat_h, docs_h, eval_h = Chat(app), Documents(app), Evaluation(app)
    doc_choices, types, years = app.filter_choices()
    sets = presets()
    with gr.Blocks(title="Trợ lý văn bản chỉ đạo") as blocks:
        gr.Markdown("# Trợ lý văn bản chỉ đạo\nHỏi về chỉ tiêu, thời hạn, cơ quan chủ trì — mọi câu trả lời kèm "
                    "trích dẫn nguyên văn và nguồn; bấm **[1]** để mở bản gốc tại đúng chỗ trích dẫn.")
        banner = gr.Markdown(app.banner(), elem_id="mode-banner")
        with gr.Tabs():
            with gr.Tab("Hỏi đáp", id="chat"):
                with gr.Accordion("Bộ lọc văn bản", open=False, elem_id="filters"):
                    with gr.Row():
                        doc = gr.Dropdown(doc_choices, value=ALL, label="Văn bản", elem_id="filter-doc")
                        doc_type = gr.Dropdown(types, value=ALL, label="Loại văn bản", elem_id="filter-type")
                        year = gr.Dropdown(years, value=ALL, label="Năm ban hành", elem_id="filter-year")
                with gr.Row():
                    with gr.Column(scale=5, min_width=300):
                        chat = gr.Chatbot(label="Hỏi đáp", height=520, render_markdown=False, elem_id="chat",
                                          buttons=["copy"], feedback_options=None,
                                          placeholder="Đặt câu hỏi về văn bản chỉ đạo ở ô bên dưới.")
                        question = gr.Textbox(label="Câu hỏi", placeholder="Ví dụ: Hạn gửi báo cáo là khi nào?",
                                              elem_id="question", max_lines=4)
                        status = gr.Markdown(visible=False, elem_id="chat-status")
                        with gr.Row():
                            send = gr.Button("Hỏi", variant="primary", elem_id="send")
                            clear = gr.Button("Cuộc hỏi đáp mới", elem_id="new-chat")
                        gr.Examples(EXAMPLES, inputs=question, label="Câu hỏi mẫu")
                    with gr.Column(scale=4, min_width=300):
                        viewer = gr.HTML("", elem_id="viewer", js_on_load=VIEWER_JS)
                        download = gr.DownloadButton("Tải tệp gốc", visible=False, elem_id="download-original")
                        sources = gr.HTML(sources_panel([], app.corpus), elem_id="sources", js_on_load=OPEN_SOURCE_JS)
                session = gr.State(ChatSession())
                inputs = [question, chat, session, doc, doc_type, year]
                outputs = [chat, sources, session, question, status]
                send.click(chat_h.ask, inputs, outputs, api_name="ask")
                question.submit(chat_h.ask, inputs, outputs, api_name=False)
                sources.click(chat_h.open_source, session, [viewer, download], api_name=False)
                cleared = [chat, sources, session, viewer, download, status]
                clear.click(chat_h.clear, None, cleared, api_name=False)
                chat.clear(chat_h.clear, None, cleared, api_name=False)
            with gr.Tab("Tra cứu", id="lookup"):
                reference = gr.Textbox(label="Số văn bản và điều khoản", placeholder="33/KH-UBND mục IV",
                                       elem_id="reference")
                find = gr.Button("Tra cứu", variant="primary", elem_id="find")
                outline = gr.Dropdown([], label="Mục lục văn bản", visible=False, elem_id="outline")
                found = gr.HTML(elem_id="lookup-result")
                find.click(lambda r: _lookup(app, r), reference, [found, outline], api_name="lookup")
                reference.submit(lambda r: _lookup(app, r), reference, [found, outline], api_name=False)
                outline.change(lambda r, c: _open_clause(app, r, c), [reference, outline], found, api_name=False)
            mount_register(app.assistant, settings)
            with gr.Tab("Văn bản", id="documents"):
                table = gr.HTML(docs_h.table(), elem_id="documents")
                with gr.Row():
                    with gr.Column():
                        files = gr.File(label=f"Tải lên PDF/DOCX/TXT (tối đa {settings.ui_max_upload_mb:.0f} MB mỗi tệp)",
                                        file_count="multiple", file_types=list(SUPPORTED), elem_id="upload")
                        replace_upload = gr.Checkbox(False, label="Thay thế bản tải lên trùng tên (ghi đè bản cũ)",
                                                     elem_id="replace")
                        load = gr.Button("Nạp vào chỉ mục", variant="primary", elem_id="ingest")
                        result = gr.Markdown(elem_id="ingest-result")
                    with gr.Column():
                        picked = gr.Dropdown(app.doc_choices(), value=None, label="Chọn văn bản để gỡ, thay hoặc tải",
                                             elem_id="doc-pick")
                        with gr.Row():
                            delete = gr.Button("Gỡ khỏi chỉ mục…", variant="stop", elem_id="delete-doc")
                            original = gr.DownloadButton("Tải tệp gốc", visible=False, elem_id="doc-original")
                        replacement = gr.File(label="Tệp thay thế", file_count="single", file_types=list(SUPPORTED),
                                              elem_id="replace-file")
                        replace = gr.Button("Thay bằng tệp này…", elem_id="replace-doc")
                        with gr.Group(visible=False, elem_id="confirm-box") as confirm_box:
                            confirm_text = gr.Markdown(elem_id="confirm-text")
                            with gr.Row():
                                yes = gr.Button("Xác nhận", variant="stop", elem_id="confirm-yes")
                                no = gr.Button("Hủy", elem_id="confirm-no")
                        managed = gr.Markdown(elem_id="manage-result")
                pending = gr.State(None)
                page = [banner, table, doc, doc_type, year, picked]
                filters = [doc, doc_type, year]
                load.click(docs_h.upload, [files, replace_upload, *filters, picked], [result, *page], api_name="ingest",
                           concurrency_limit=1)
                picked.change(lambda d: _original_of(app, d), picked, original, api_name=False)
                delete.click(docs_h.ask_delete, picked, [confirm_text, confirm_box, pending, yes], api_name=False)
                replace.click(docs_h.ask_replace, [picked, replacement], [confirm_text, confirm_box, pending, yes],
                              api_name=False)
                no.click(docs_h.cancel, None, [confirm_text, confirm_box, pending, managed], api_name=False)
                yes.click(docs_h.confirm, [pending, *filters], [confirm_text, confirm_box, pending, managed, *page],
                          api_name=False, concurrency_limit=1)
            with gr.Tab("Đánh giá", id="eval"):
                with gr.Row():
                    preset = gr.Dropdown(sets, value=sets[0] if sets else None, label="Bộ câu hỏi có sẵn")
                    qfile = gr.File(label="…hoặc tải lên tệp .jsonl", file_types=[".jsonl"], type="filepath")
                run = gr.Button("Chạy đánh giá", variant="primary", elem_id="run-eval")
                metrics = gr.Markdown(elem_id="eval-metrics")
                by_type = gr.Markdown()
                gr.Markdown("### Câu trả lời sai")
                failures = gr.Markdown(elem_id="eval-failures")
                report = gr.File(label="Tải báo cáo (report.md)", elem_id="eval-report")
                run.click(eval_h.run, [qfile, preset], [metrics, by_type, failures, report], api_name="evaluate",
                          concurrency_limit=1)
            # the "Nhiệm vụ & thời hạn" tab (ui/register.py) mounts here
        blocks.load(docs_h.on_load, filters, page, api_name=False, show_progress="hidden")
    return blocks
