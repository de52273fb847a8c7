"""HTML rendering: document text can never inject markup; every answer keeps its own linked sources."""

import re

import pytest

from rag.index.corpus import CorpusView
from rag.types import Answer, Chunk, Citation, DocMeta
from ui.render import answer_html, lookup_html, source_cards, sources_panel

pytestmark = pytest.mark.unit

TEXT = "#### **1. Sở <b>X</b>**\n\na) Chủ trì <script>alert(1)</script> ![p](http://127.0.0.9/x.png) đạt 76%."


def _view(page: int | None = None) -> tuple[CorpusView, Citation]:
    chunk = Chunk("c1", "d", TEXT, "IV.1", "Kế hoạch 1/KH-UBND", 0, len(TEXT), page)
    view = CorpusView.of({"d": (TEXT, DocMeta(number="1/KH-UBND", doc_type="Kế hoạch"))}, [chunk])
    start = TEXT.index("a) Chủ trì")
    return view, Citation("d", "IV.1.a", TEXT[start:], start, len(TEXT), page)


def test_document_text_is_escaped_and_quote_highlighted():
    view, cite = _view()
    html = source_cards(Answer("x", (cite,), False), view)
    assert "<script>" not in html and "<b>X</b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<mark>a) Chủ trì" in html
    assert "####" not in html and "**" not in html and "![" not in html


def test_answer_links_its_markers_shows_its_quote_and_names_the_page():
    view, cite = _view(page=3)
    html = answer_html(7, Answer("Đạt 76% [1] (Kế hoạch 1/KH-UBND, mục IV.1.a). Xem [2].", (cite,), False), view)
    assert re.findall(r"href='#(nguon-[\d-]+)'", html)[0] == "nguon-7-1"
    assert "[2]" in html and "#nguon-7-2" not in html  # only markers that have a source become links
    assert "<blockquote class='ans-quote'>" in html and "a) Chủ trì &lt;script&gt;" in html
    assert "Kế hoạch 1/KH-UBND · mục IV.1.a · trang 3" in html
    assert "<script>" not in html


def test_question_text_is_escaped_in_the_sources_panel():
    view, cite = _view()
    html = sources_panel([(1, "<img src=x onerror=alert(1)>", Answer("x", (cite,), False))], view)
    assert "<img" not in html and "&lt;img" in html


def test_every_answer_keeps_its_sources_newest_first_and_unfolded():
    view, cite = _view()
    panel = sources_panel([(1, "câu một", Answer("a", (cite,), False)),
                           (2, "câu hai", Answer("b", (cite, cite), False))], view)
    groups = re.findall(r"<details class='src-group' data-answer='(\d+)'( open)?>", panel)
    assert groups == [("2", " open"), ("1", "")]
    assert "id='nguon-1-1'" in panel and "id='nguon-2-2'" in panel


def test_sources_of_a_removed_document_say_so():
    view, cite = _view()
    gone = Citation("other", "1", "trích", 0, 5)
    assert "đã được gỡ khỏi chỉ mục" in sources_panel([(1, "q", Answer("a", (cite, gone), False))], view)


def test_lookup_hides_markdown_and_escapes():
    found = {"document": {"doc_type": "Kế hoạch", "number": "1/KH-UBND", "issuer": "UBND", "issued_text": "",
                          "signer": None, "title": "**Tiêu đề**"},
             "clauses": [{"path": "IV.1", "text": TEXT}]}
    html = lookup_html(found, "1/KH-UBND mục IV.1")
    assert "####" not in html and "**" not in html and "<script>" not in html and "Tiêu đề" in html
