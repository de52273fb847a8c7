"""HTML rendering: document text can never inject markup; markdown decoration is hidden."""

import pytest

from rag.index.corpus import CorpusView
from rag.types import Answer, Chunk, Citation, DocMeta
from ui.render import plain, source_cards, undecorate

pytestmark = pytest.mark.unit


def test_document_text_is_escaped_and_quote_highlighted():
    text = "#### **1. Sở <b>X</b>**\n\na) Chủ trì <script>alert(1)</script> ![p](http://127.0.0.9/x.png) đạt 76%."
    chunk = Chunk("c1", "d", text, "IV.1", "Kế hoạch 1/KH-UBND", 0, len(text))
    view = CorpusView.of({"d": (text, DocMeta(number="1/KH-UBND"))}, [chunk])
    start = text.index("a) Chủ trì")
    cite = Citation("d", "IV.1.a", text[start:], start, len(text))
    html = source_cards(Answer("x", (cite,), False), view)
    assert "<script>" not in html and "<b>X</b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<mark>a) Chủ trì" in html and "####" not in html.split("src-clause")[1]
    assert "!\u200b[" in plain("![p](http://x/y.png)")


def test_undecorate_keeps_text():
    assert undecorate("### **III. KHEN THƯỞNG**\nnội dung") == "III. KHEN THƯỞNG\nnội dung"
