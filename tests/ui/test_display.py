"""Display text: Markdown decoration hidden without moving the quote, one date format, escaping."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.types import DocMeta
from ui.display import display_html, doc_line, esc, format_issued, markdown_edits, plain_text

pytestmark = pytest.mark.unit

CRAWLED = ("#### **1. Sở Nội vụ (Ban Thi đua - Khen thưởng)**\n\n*Căn cứ Hiến pháp;*\n\n"
           "| TT | Chỉ tiêu | Năm 2025 |\n|---|---|---|\n| 1 | Tăng trưởng GRDP | 7% |\n| ||||\n"
           "Xem [Nghị quyết 57](http://example.vn/nq57) và ![logo](http://127.0.0.9/x.png) **** hết.")


def test_markdown_decoration_is_hidden():
    shown = plain_text(CRAWLED)
    for leak in ("####", "**", "|", "---", "](", "![", "*Căn"):
        assert leak not in shown, leak
    assert shown.startswith("1. Sở Nội vụ (Ban Thi đua - Khen thưởng)\n\nCăn cứ Hiến pháp;")
    assert "TT · Chỉ tiêu · Năm 2025\n1 · Tăng trưởng GRDP · 7%\n" in shown
    assert "Xem Nghị quyết 57 và logo" in shown and "example.vn" not in shown
    assert plain_text("__đậm__ và window.__xss=1") == "đậm và window.__xss=1"


def test_quote_is_marked_where_it_is_whatever_the_decoration():
    quote = "Sở Nội vụ (Ban Thi đua - Khen thưởng)"
    start = CRAWLED.index(quote)
    html = display_html(CRAWLED, [(start, start + len(quote))], "q")
    assert f"<mark id='q'>{quote}</mark>" in html and "**" not in html
    # a mark that spans decoration keeps only the words
    html = display_html(CRAWLED, [(0, start + 2)])
    assert html.startswith("<mark>1. Sở</mark>")


def test_everything_is_escaped_including_template_syntax():
    text = "<script>alert(1)</script> <img src=x onerror=alert(2)> {{constructor}} ${1+1} `x`"
    html = display_html(text, [(0, 8)])
    assert "<script" not in html and "<img" not in html
    assert "{" not in html and "$" not in html and "`" not in html
    assert esc("a'b\"c") == "a&#x27;b&quot;c"


@given(st.text(alphabet=st.sampled_from(list("ab #*|-_[]()!\n"))))
def test_edits_never_overlap_and_stay_inside(text):
    last = 0
    for start, end, _ in markdown_edits(text):
        assert last <= start <= end <= len(text)
        last = end


def test_dates_in_one_format_and_a_blank_day_said_so():
    assert format_issued(DocMeta(issued_on="2024-02-21", issued_text="ngày 21 tháng 02 năm 2024")) == "21/02/2024"
    assert format_issued(DocMeta(issued_text="ngày tháng 02 năm 2021")) == "tháng 02/2021 (không ghi ngày)"
    assert format_issued(DocMeta(issued_text="ngày 13/12/2022")) == "13/12/2022"
    assert format_issued(DocMeta(issued_text="năm 2020")) == "năm 2020 (không ghi ngày, tháng)"
    assert format_issued(DocMeta()) == "(không ghi ngày)"
    line = doc_line(DocMeta(doc_type="Chỉ thị", place="Tuần Giáo", issued_text="ngày tháng 02 năm 2021"))
    assert line == "Chỉ thị (không ghi số) · Tuần Giáo · tháng 02/2021 (không ghi ngày)"
