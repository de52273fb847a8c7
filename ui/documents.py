"""The Văn bản tab: the documents table, uploads, and delete / replace with confirmation.

Every change re-reads the index and returns the page-wide state (banner, table, filters,
document picker), so nothing on the page shows the index as it was before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag.cli import documents
from rag.index.remote import StoreUnavailable
from rag.ingest.loaders import SUPPORTED
from rag.ingest.pipeline import IndexBusy, IngestReport, ingest, remove_document
from rag.types import DocMeta
from ui.core import App
from ui.display import esc, format_issued, plain_text
from ui.uploads import UPLOADS, place_upload

COLUMNS = ("Số", "Loại", "Cơ quan ban hành", "Ngày ban hành", "Trích yếu", "Số đoạn", "Tệp")
Progress = Callable[..., Any]


def documents_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The documents as an HTML table: proportional font, wrapped titles, one date format."""
    if not rows:
        return "<div class='src-empty'>Chỉ mục chưa có văn bản nào.</div>"
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    body = []
    # newest first; undated documents last
    for r in sorted(rows, key=lambda r: (r.get("issued_on") or "", str(r.get("doc_id"))), reverse=True):
        meta = DocMeta(issued_on=r.get("issued_on"), issued_text=r.get("issued_text"))
        file = Path(str(r.get("source") or r.get("doc_id") or "")).name
        body.append(
            f"<tr data-doc='{esc(r.get('doc_id'))}'><td class='nowrap'>{esc(r.get('number') or '(không ghi số)')}</td>"
            f"<td>{esc(r.get('doc_type') or '—')}</td><td>{esc(r.get('issuer') or '—')}</td>"
            f"<td>{esc(format_issued(meta))}</td><td class='title'>{esc(plain_text(r.get('title') or ''))}</td>"
            f"<td class='num'>{int(r.get('n_chunks') or 0)}</td><td class='file'>{esc(file)}</td></tr>")
    return (f"<div class='doc-table-wrap'><table class='doc-table'><caption>{len(rows)} văn bản trong chỉ mục</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


@dataclass(frozen=True)
class Pending:
    """A delete or replace waiting for the user's confirmation."""

    action: str  # "delete" | "replace"
    doc_id: str
    file: str | None = None


class Documents:
    """Handlers of the Văn bản tab."""

    def __init__(self, app: App):
        self.app = app

    # ------------------------------------------------------------ page-wide state
    def table(self) -> str:
        corpus = self.app.corpus  # the local view: readable while the store is down
        return documents_table(documents(self.app.settings, {d: corpus.record(d) for d in corpus.metas}))

    def page(self, filters: Sequence[str | None] = (None, None, None), picked: str | None = None) -> tuple[Any, ...]:
        """(banner, table, doc filter, type filter, year filter, document picker) as of now."""
        doc, doc_type, year = self.app.filter_updates(filters)
        choices = self.app.doc_choices()
        keep = picked if picked in [d for _, d in choices] else None
        return (self.app.banner(), self.table(), doc, doc_type, year, gr.update(choices=choices, value=keep))

    def on_load(self, doc: str | None, doc_type: str | None, year: str | None) -> tuple[Any, ...]:
        """A fresh page shows the index as it is now (another replica or process may have changed it)."""
        self.app.refresh()
        return self.page((doc, doc_type, year))

    # ------------------------------------------------------------ upload
    def _label(self, doc_id: str) -> str:
        """The document's label, escaped for the Markdown messages (document text is never markup)."""
        meta = self.app.corpus.meta(doc_id)
        return esc(plain_text(meta.label()) if doc_id in self.app.corpus.metas else doc_id)

    def _unsupported(self, files: Sequence[str]) -> str | None:
        bad = [Path(f).name for f in files if Path(f).suffix.lower() not in SUPPORTED]
        if bad:
            return f"✗ Tệp {esc(', '.join(bad))}: định dạng chưa hỗ trợ (chỉ PDF, DOCX, TXT, MD, HTML). Chưa nạp tệp nào."
        return None

    def _ingest(self, files: Sequence[tuple[str, bool]], progress: Progress) -> tuple[IngestReport, list[str]] | str:
        """Place each (uploaded file, replace an earlier upload of that name?) under uploads/ (ui.uploads
        rules: an upload never replaces a document it did not come from) and ingest them as
        `uploads/<name>`; the report and the placement notes, or why nothing happened."""
        progress(0, desc="Đang nạp…")
        folder = self.app.settings.index_dir / UPLOADS
        with self.app.lock:
            placed, notes = [], []
            for file, replace in files:
                target, note = place_upload(Path(file), folder, replace, self.app.corpus.metas)
                placed.append(target)
                if note:
                    notes.append(f"- ℹ **{esc(Path(file).name)}**: {note}.")
            try:
                report = ingest(placed, self.app.settings, root=self.app.settings.index_dir,
                                progress=lambda n, total, name: progress((n - 1) / total, desc=f"Đang nạp {name}"))
            except IndexBusy as busy:
                return f"✗ {busy}"
            self.app.refresh(force=True)
        return report, notes

    def _same_number_notes(self, doc_ids: Sequence[str]) -> list[str]:
        """Warn when an upload carries the number of a document already indexed (a copy, or a forgery)."""
        metas, notes = self.app.corpus.metas, []
        for doc_id in doc_ids:
            number = metas[doc_id].number if doc_id in metas else None
            others = sorted(d for d, m in metas.items() if d != doc_id and number and m.number == number)
            if others:
                notes.append(f"- ⚠ **{esc(doc_id)}** mang số {esc(number)}, trùng với văn bản đã có "
                             f"«{esc(others[0])}»: cả hai được giữ, câu trả lời ghi rõ nguồn; nếu bản tải lên không "
                             "đúng, hãy gỡ nó ở mục bên phải.")
        return notes

    def _describe(self, report: IngestReport, notes: Sequence[str] = ()) -> str:
        corpus = self.app.corpus
        lines = []
        for kind, ids in (("mới", report.added), ("cập nhật", report.updated)):
            lines += [f"- ✓ {esc(d)} — {kind}: {self._label(d)}, {corpus.record(d).get('n_chunks', 0)} đoạn" for d in ids]
        lines += [f"- = {esc(d)} — không đổi (đã có trong chỉ mục)" for d in report.unchanged]
        lines += [f"- ✗ **{esc(Path(f.path).name)}**: {f.reason}. Cách xử lý: {f.fix}." for f in report.failed]
        if report.stopped is not None:
            at = esc(Path(report.stopped_at).name) if report.stopped_at else "tệp đầu tiên"
            lines.append(f"- ✗ Đã dừng ở **{at}**: {esc(report.stopped)}. Các tệp trước đó đã được nạp; hãy tải lên "
                         "lại các tệp còn lại khi kho hoạt động.")
        lines += notes
        total = f"Chỉ mục có {len(corpus.metas)} văn bản, {corpus.chunk_count} đoạn."
        return "\n".join(lines + ["", total])

    def upload(self, files: list[str] | None, replace: bool, doc: str | None, doc_type: str | None, year: str | None,
               picked: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Ingest uploaded files as `uploads/<name>`: (result, *page-wide state). `replace`: an upload
        named like an earlier upload replaces it (otherwise it is kept beside it)."""
        if not files:
            return ("Chưa chọn tệp nào: kéo tệp vào ô **Tải lên** hoặc bấm vào ô để chọn.",
                    *self.page((doc, doc_type, year), picked))
        problem = self._unsupported(files)
        if problem:
            return (problem, *self.page((doc, doc_type, year), picked))
        done = self._ingest([(f, bool(replace)) for f in files], progress)
        if isinstance(done, str):
            return (done, *self.page((doc, doc_type, year), picked))
        report, notes = done
        message = self._describe(report, notes + self._same_number_notes(report.added + report.updated))
        return (message, *self.page((doc, doc_type, year), picked))

    # ------------------------------------------------------------ delete / replace, confirmed
    def _what(self, doc_id: str) -> str:
        record = self.app.corpus.record(doc_id)
        return (f"«{self._label(doc_id)}» (tệp {esc(Path(str(record.get('source') or doc_id)).name)}, "
                f"{record.get('n_chunks', 0)} đoạn)")

    @staticmethod
    def _ask(text: str, pending: Pending | None, button: str = "Xác nhận") -> tuple[Any, Any, Pending | None, Any]:
        """(confirmation text, confirmation box, pending action, confirm button)."""
        return (gr.update(value=text), gr.update(visible=True), pending,
                gr.update(value=button, visible=pending is not None))

    def ask_delete(self, doc_id: str | None) -> tuple[Any, Any, Pending | None, Any]:
        if not doc_id or doc_id not in self.app.corpus.metas:
            return self._ask("Hãy chọn một văn bản trong danh sách trước.", None)
        return self._ask(f"Gỡ {self._what(doc_id)} khỏi chỉ mục? Câu hỏi sau đó sẽ không tìm trong văn bản này "
                         "nữa. Thao tác không hoàn tác được.", Pending("delete", doc_id), "Gỡ văn bản này")

    def ask_replace(self, doc_id: str | None, file: str | None) -> tuple[Any, Any, Pending | None, Any]:
        if not doc_id or doc_id not in self.app.corpus.metas:
            return self._ask("Hãy chọn văn bản cần thay trong danh sách trước.", None)
        if not file:
            return self._ask("Hãy chọn tệp mới ở ô **Tệp thay thế** trước.", None)
        problem = self._unsupported([file])
        if problem:
            return self._ask(problem, None)
        return self._ask(f"Thay {self._what(doc_id)} bằng tệp «{esc(Path(file).name)}»? Bản cũ sẽ được gỡ khỏi chỉ "
                         "mục sau khi tệp mới nạp xong.", Pending("replace", doc_id, file), "Thay văn bản này")

    def cancel(self) -> tuple[Any, Any, None, str]:
        return gr.update(value=""), gr.update(visible=False), None, "Đã hủy, chỉ mục không thay đổi."

    def _remove(self, doc_id: str) -> str:
        """Remove one document, and its uploaded copy; what changed, in words."""
        what = self._what(doc_id)
        with self.app.lock:
            try:
                record = remove_document(self.app.settings, doc_id)
            except IndexBusy as busy:
                return f"✗ {busy}"
            except StoreUnavailable as down:
                return f"✗ {down.message()}. Chưa gỡ văn bản nào: hãy thử lại khi kho hoạt động."
            self.app.refresh(force=True)
        if record is None:
            return f"Văn bản {esc(doc_id)} không còn trong chỉ mục (có thể đã được gỡ ở nơi khác)."
        uploads = (self.app.settings.index_dir / UPLOADS).resolve()
        source = Path(str(record.get("source") or ""))
        note = ""
        if source.is_file() and source.resolve().parent == uploads:
            source.unlink()
            note = " Tệp tải lên cũng đã được xóa khỏi máy chủ."
        elif source.name:
            note = (f" Tệp gốc «{esc(source.name)}» không nằm trong thư mục tải lên nên được giữ nguyên; lần nạp lại "
                    "thư mục chứa nó sẽ đưa văn bản trở lại.")
        return f"✓ Đã gỡ {what} khỏi chỉ mục.{note}"

    def confirm(self, pending: Pending | None, doc: str | None, doc_type: str | None, year: str | None,
                progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Carry out the confirmed action: (confirmation text, box, pending, result, *page-wide state)."""
        hide = (gr.update(value=""), gr.update(visible=False), None)
        if not isinstance(pending, Pending):
            return (*hide, "Không có thao tác nào đang chờ xác nhận.", *self.page((doc, doc_type, year)))
        if pending.action == "delete":
            message = self._remove(pending.doc_id)
            total = len(self.app.corpus.metas)
            return (*hide, f"{message}\n\nChỉ mục còn {total} văn bản.", *self.page((doc, doc_type, year)))
        old = self._what(pending.doc_id)
        # the new file takes the old one's place only when the old one is an upload of the same name
        same_upload = pending.doc_id == f"{UPLOADS}/{Path(pending.file or '').name}"
        done = self._ingest([(pending.file or "", same_upload)], progress)
        report = done if isinstance(done, str) else done[0]
        if isinstance(report, str) or report.failed or not (report.added or report.updated or report.unchanged):
            detail = report if isinstance(report, str) else self._describe(report)
            return (*hide, f"✗ Chưa thay {old}: tệp mới không nạp được, bản cũ được giữ nguyên.\n\n{detail}",
                    *self.page((doc, doc_type, year), pending.doc_id))
        new_id = (report.added + report.updated + report.unchanged)[0]
        removed = "" if new_id == pending.doc_id else self._remove(pending.doc_id)
        message = f"✓ Đã thay {old} bằng {self._what(new_id)}."
        if removed.startswith("✗"):
            message += f"\n\n{removed}"
        return (*hide, message, *self.page((doc, doc_type, year), new_id))
