"""The original at the quote: clause in context, PDF page with verified boxes, original file only
from the index's own record of the document."""

import shutil
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT
from rag.index.chroma import Store
from rag.index.corpus import CorpusView
from rag.ingest.pipeline import ingest
from rag.types import Citation
from tests.ui.conftest import forest_plan_pdf
from ui.viewer import download_copy, find_original, viewer_html

pytestmark = pytest.mark.integration
KH33 = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"


@pytest.fixture
def indexed(tmp_path: Path, settings) -> tuple[CorpusView, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PROJECT_ROOT / "corpus" / KH33, folder / KH33)
    forest_plan_pdf(folder / "kh52.pdf")
    assert ingest([folder], settings).ok
    return CorpusView.load(Store(settings)), folder


def _cite(view: CorpusView, doc_id: str, quote: str, path: str = "x") -> Citation:
    text = view.text(doc_id)
    start = text.index(quote)
    page = next((p.page for p in view.pages(doc_id) if p.start <= start < p.end), None)
    return Citation(doc_id, path, quote, start, start + len(quote), page)


def test_text_document_opens_at_the_clause_with_the_quote_marked(indexed, settings):
    view, _ = indexed
    cite = _cite(view, KH33, "(8) Tỷ lệ đô thị hóa đạt 76%.", "II.3.(8)")
    html, original = viewer_html(view, cite, settings, "Nguồn [1] của câu 1")
    assert "<mark id='viewer-quote'>(8) Tỷ lệ đô thị hóa đạt 76%.</mark>" in html
    assert "(7) Tốc độ đổi mới" in html and "(9) Tỷ lệ học sinh" in html  # its context
    assert "####" not in html and "**" not in html and "pdf-page" not in html
    assert original is not None and Path(original).read_bytes() == (PROJECT_ROOT / "corpus" / KH33).read_bytes()


def test_pdf_opens_at_its_page_with_a_verified_highlight(indexed, settings):
    view, _ = indexed
    cite = _cite(view, "kh52.pdf", "1. Tỷ lệ che phủ rừng toàn tỉnh đạt 55,2% vào cuối năm 2024.", "II.1")
    html, original = viewer_html(view, cite, settings, "Nguồn [1] của câu 1")
    assert "data-page='2' data-highlight='verified'" in html and html.count("class='hl'") == 1
    assert "trang 2" in html and original is not None and original.endswith("kh52.pdf")


def test_original_is_refused_when_changed_or_gone_and_unknown_ids_name_nothing(indexed, settings):
    view, folder = indexed
    assert find_original(view, "../../etc/passwd", settings).path is None
    (folder / KH33).write_text("đã sửa", encoding="utf-8")
    changed = find_original(view, KH33, settings)
    assert changed.path is None and "đã thay đổi" in changed.problem and download_copy(changed, "x") is None
    (folder / "kh52.pdf").unlink()
    gone = find_original(view, "kh52.pdf", settings)
    assert gone.path is None and "không còn tệp gốc" in gone.problem
    cite = _cite(view, "kh52.pdf", "1. Tỷ lệ che phủ rừng toàn tỉnh đạt 55,2%", "II.1")
    html, original = viewer_html(view, cite, settings, "Nguồn [1]")
    assert original is None and "Không tải được tệp gốc" in html and "<mark id='viewer-quote'>" in html
