"""The original at the quote: the cited clause in its context with the quote highlighted, the
PDF page(s) with verified highlight boxes, and the original file for download.

Files are only ever found through the index's own record of a document (its source path and
sha256); nothing in a request names a path.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdfium2 import PdfiumError

from rag.answer.compose import where
from rag.config import PROJECT_ROOT, Settings
from rag.index.corpus import CorpusView
from rag.types import Citation
from ui.display import display_html, doc_line, esc, plain_text
from ui.pdfpage import PageView, render_page

log = logging.getLogger(__name__)
CONTEXT_CHARS = 6000  # at most this much text around the cited clause
MAX_PAGES_SHOWN = 3


@dataclass(frozen=True)
class Original:
    """The indexed file of a document, found and checked, or why it cannot be offered."""

    path: Path | None
    problem: str = ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_original(corpus: CorpusView, doc_id: str, settings: Settings) -> Original:
    """The file the document was indexed from, if it is still there, unchanged."""
    record = corpus.record(doc_id)
    source = str(record.get("source") or "")
    if doc_id not in corpus.metas or not source:
        return Original(None, "chỉ mục không ghi tệp gốc của văn bản này")
    candidates = [Path(source)] if Path(source).is_absolute() else [Path.cwd() / source, PROJECT_ROOT / source]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return Original(None, f"không còn tệp gốc «{Path(source).name}» trên máy chủ; hãy nạp lại văn bản")
    if path.stat().st_size > settings.max_file_mb * 1024 * 1024:
        return Original(None, "tệp gốc vượt giới hạn kích thước")
    if record.get("sha256") and _sha256(path) != record["sha256"]:
        return Original(None, f"tệp «{path.name}» đã thay đổi sau khi nạp; hãy nạp lại để xem đúng bản gốc")
    return Original(path)


def download_copy(original: Original, sha256: str) -> str | None:
    """A copy of the original under the temp folder (served by Gradio), named as the original."""
    if original.path is None:
        return None
    folder = Path(tempfile.gettempdir()) / "rag-ui-originals" / (sha256 or "x")[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / original.path.name
    if not target.exists():
        shutil.copyfile(original.path, target)
    return str(target)


def context_window(corpus: CorpusView, citation: Citation) -> tuple[int, int]:
    """Offsets of the cited clause with its neighbours, within CONTEXT_CHARS."""
    chunks = corpus.chunks_of(citation.doc_id)
    text = corpus.text(citation.doc_id)
    if not chunks:
        return max(0, citation.start - CONTEXT_CHARS // 2), min(len(text), citation.end + CONTEXT_CHARS // 2)
    at = next((i for i, c in enumerate(chunks) if c.start <= citation.start < c.end), len(chunks) - 1)
    lo = hi = at
    start, end = min(chunks[at].start, citation.start), max(chunks[at].end, citation.end)
    while True:
        grown = False
        if lo > 0 and end - chunks[lo - 1].start <= CONTEXT_CHARS:
            lo, start, grown = lo - 1, chunks[lo - 1].start, True
        if hi + 1 < len(chunks) and chunks[hi + 1].end - start <= CONTEXT_CHARS:
            hi, end, grown = hi + 1, chunks[hi + 1].end, True
        if not grown or hi - lo >= 4:
            return start, end


def text_view(corpus: CorpusView, citation: Citation, mark_id: str) -> str:
    """The cited clause in context, Markdown hidden, the quote marked (scrolled to by the page)."""
    text = corpus.text(citation.doc_id)
    start, end = context_window(corpus, citation)
    chunk = corpus.chunk_at(citation.doc_id, citation.start)
    crumb = esc(plain_text(chunk.breadcrumb)) if chunk else ""
    body = display_html(text[start:end], [(citation.start - start, citation.end - start)], mark_id)
    before = "<div class='vt-more'>… (phần trước của văn bản)</div>" if start > 0 else ""
    after = "<div class='vt-more'>… (phần sau của văn bản)</div>" if end < len(text) else ""
    return (f"<div class='vt-crumb'>{crumb}</div><div class='vt-body'>{before}<div class='vt-text'>{body}</div>"
            f"{after}</div>")


def pdf_pages(corpus: CorpusView, citation: Citation, original: Original) -> list[PageView]:
    """The PDF page(s) holding the quote; highlighted only where every page's part verifies."""
    if original.path is None:
        return []
    text = corpus.text(citation.doc_id)
    spans = [p for p in corpus.pages(citation.doc_id) if p.start < citation.end and citation.start < p.end]
    sha = str(corpus.record(citation.doc_id).get("sha256") or "")
    views = []
    for span in spans[:MAX_PAGES_SHOWN]:
        start, end = max(citation.start, span.start) - span.start, min(citation.end, span.end) - span.start
        views.append(render_page(original.path, sha, span.page, text[span.start:span.end], start, end))
    if len(spans) > MAX_PAGES_SHOWN or not all(v.verified for v in views):
        reason = next((v.note for v in views if v.note), "trích dẫn trải trên quá nhiều trang")
        views = [PageView(v.page, v.image, (), False, reason) for v in views]
    return views


def page_html(view: PageView, label: str) -> str:
    boxes = "".join(
        f"<span class='hl' style='left:{x * 100:.2f}%;top:{y * 100:.2f}%;width:{w * 100:.2f}%;height:{h * 100:.2f}%'>"
        "</span>" for x, y, w, h in view.boxes)
    zoom = "Bấm vào ảnh để phóng to hoặc thu nhỏ."
    if view.verified:
        caption = (f"Trang {view.page} — trích dẫn được tô vàng: vị trí lấy từ lớp chữ của PDF, đã khớp từng chữ. "
                   f"{zoom}")
    else:
        caption = (f"Trang {view.page} — không tô trích dẫn trên ảnh trang ({esc(view.note)}). "
                   f"Trích dẫn được đánh dấu trong phần văn bản bên dưới. {zoom}")
    state = "verified" if view.verified else "none"
    return (f"<figure class='pdf-page' data-page='{view.page}' data-highlight='{state}'>"
            f"<div class='pdf-scroll'><div class='pdf-canvas' title='Bấm để phóng to hoặc thu nhỏ'>"
            f"<img src='{view.image}' alt='Trang {view.page} của {esc(label)}'>{boxes}</div></div>"
            f"<figcaption>{caption}</figcaption></figure>")


def viewer_html(corpus: CorpusView, citation: Citation, settings: Settings, title: str) -> tuple[str, str | None]:
    """The viewer panel for one citation, and a downloadable copy of the original (or None)."""
    meta = corpus.meta(citation.doc_id)
    original = find_original(corpus, citation.doc_id, settings)
    sha = str(corpus.record(citation.doc_id).get("sha256") or "")
    page = f" · trang {citation.page}" if citation.page else ""
    head = (f"<div class='viewer-head'><a class='viewer-back' href='#chat'>↑ Về cuộc hỏi đáp</a>"
            f"<div class='src-head'>{esc(title)} — {esc(doc_line(meta))}</div>"
            f"<div class='src-meta'>{esc(meta.issuer)} · {esc(where(citation.path))}{page}</div></div>")
    pages = ""
    is_pdf = bool(corpus.pages(citation.doc_id))
    if is_pdf:
        try:
            pages = "".join(page_html(v, meta.label()) for v in pdf_pages(corpus, citation, original))
        except (PdfiumError, OSError) as err:  # a damaged file must not break the viewer: the text view stays
            log.warning("Không vẽ được trang PDF của %s: %s", citation.doc_id, err)
            pages = ""
        if not pages:
            pages = (f"<div class='src-meta viewer-note'>Không hiển thị được ảnh trang PDF"
                     f"{': ' + esc(original.problem) if original.problem else ''}.</div>")
    note = "" if original.path else f"<div class='src-meta viewer-note'>Không tải được tệp gốc: {esc(original.problem)}.</div>"
    body = text_view(corpus, citation, "viewer-quote")
    text_part = (f"<details class='viewer-textbox' open><summary>Văn bản quanh trích dẫn</summary>{body}</details>"
                 if is_pdf else f"<div class='viewer-textbox'>{body}</div>")
    return (f"<div class='viewer' data-doc='{esc(citation.doc_id)}'>{head}{pages}{text_part}{note}</div>",
            download_copy(original, sha))
