"""PDF pages: the quote's boxes are highlighted only when their characters spell the quote."""

from pathlib import Path

import pytest

from rag.ingest.loaders import load_document
from tests.ui.conftest import forest_plan_pdf
from ui.pdfpage import line_boxes, locate, render_page

QUOTE = "1. Tỷ lệ che phủ rừng toàn tỉnh đạt 55,2% vào cuối năm 2024."


@pytest.mark.unit
def test_locate_ignores_whitespace_and_takes_the_cited_occurrence():
    page_text = "đạt 50%.\n\nChỉ tiêu: đạt 50%."
    pdf_chars = list("đạt 50%.\r\nChỉ tiêu:  đạt\r\n50%.")
    second = page_text.rindex("đạt 50%.")
    found = locate(pdf_chars, page_text, second, second + len("đạt 50%."))
    assert found is not None and "".join(pdf_chars[i] for i in found) == "đạt50%."
    assert found[0] == "".join(pdf_chars).rindex("đạt")


@pytest.mark.unit
def test_locate_refuses_what_it_cannot_be_sure_of():
    page_text = "đạt 50%. Khác."
    assert locate(list("đạt 60%. Khác."), page_text, 0, 8) is None  # different characters
    assert locate(list("đạt 50%. đạt 50%."), page_text, 0, 8) is None  # more occurrences than the text holds
    decomposed = list("đa\u0323t 50%.")  # combining dot below as its own PDF char: still the same text
    assert locate(decomposed, "đạt 50%.", 0, 8) == [0, 1, 2, 3, 5, 6, 7, 8]


@pytest.mark.unit
def test_line_boxes_merge_characters_per_line():
    boxes = [(10, 700, 16, 712), (16, 700, 22, 712), (10, 680, 16, 692)]
    lines = line_boxes(boxes, 100, 1000)
    assert len(lines) == 2 and lines[0] == pytest.approx((0.10, 0.288, 0.12, 0.012))


@pytest.mark.integration
def test_quote_on_a_real_pdf_page_is_boxed_and_a_wrong_quote_is_not(tmp_path: Path, settings):
    pdf = forest_plan_pdf(tmp_path / "kh52.pdf")
    doc = load_document(pdf, settings)
    start = doc.text.index(QUOTE)
    span = next(p for p in doc.pages if p.start <= start < p.end)
    page_text = doc.text[span.start:span.end]
    view = render_page(pdf, doc.sha256, span.page, page_text, start - span.start, start - span.start + len(QUOTE))
    assert view.page == 2 and view.verified and len(view.boxes) == 1
    x, y, w, h = view.boxes[0]
    assert 0 <= x < 0.2 and 0 < y < 1 and 0.5 < w < 1 and 0 < h < 0.1
    assert view.image.startswith("data:image/png;base64,")
    # the stored text says something the page does not: the page is shown, unmarked, with the reason
    altered = page_text.replace("55,2%", "56,2%")
    view = render_page(pdf, doc.sha256, span.page, altered, start - span.start, start - span.start + len(QUOTE))
    assert not view.verified and view.boxes == () and view.note
