"""Answer wording: the fact first, cut only at phrase boundaries, never through the fact."""

import pytest

from rag.answer.compose import fact_line, list_items, trim
from rag.answer.spans import Span

pytestmark = pytest.mark.unit

LONG = ("Các sở, ban, ngành, UBND các xã, phường tổ chức triển khai kế hoạch, xây dựng chương trình công tác cụ thể, "
        "bố trí nguồn lực phù hợp, tăng cường kiểm tra, giám sát, định kỳ đánh giá kết quả thực hiện, gửi báo cáo về "
        "Sở Nội vụ trước ngày 15 tháng 12 hằng năm để tổng hợp, báo cáo Ủy ban nhân dân tỉnh và Bộ Nội vụ theo quy định.")


def test_trim_keeps_the_fact_and_cuts_at_commas():
    start = LONG.index("trước ngày 15 tháng 12")
    out = trim(LONG, 160, (start, start + len("trước ngày 15 tháng 12 hằng năm")))
    assert "trước ngày 15 tháng 12 hằng năm" in out and len(out) <= 164
    assert out.startswith("… ")
    assert all(not w or w in LONG for w in out.strip("… ").split(" "))


def test_time_leads_the_answer_line():
    start = LONG.index("trước ngày 15 tháng 12")
    span = Span("date", start, start + 31, "trước ngày 15 tháng 12 hằng năm")
    line = fact_line(LONG, span, 280)
    assert line.startswith("Trước ngày 15 tháng 12 hằng năm — ") and len(line) <= 290


def test_a_quantity_early_in_the_clause_is_not_repeated():
    line = fact_line("(8) Tỷ lệ đô thị hóa đạt 76%.", Span("quantity", 21, 28, "đạt 76%"), 280)
    assert line == "Tỷ lệ đô thị hóa đạt 76%"


def test_list_items_after_an_announcing_line():
    doc = "Hồ sơ gồm:\n\na) Tờ trình đề nghị khen thưởng;\n\nb) Biên bản họp xét khen thưởng;\n\nc) Báo cáo thành tích.\n\n2. Mục khác."
    end, items = list_items(doc, 0, len("Hồ sơ gồm:"), len(doc))
    assert [doc[s:e] for s, e in items] == ["a) Tờ trình đề nghị khen thưởng;", "b) Biên bản họp xét khen thưởng;",
                                            "c) Báo cáo thành tích."]
    assert doc[end - 1] == "."


def test_a_list_answer_takes_the_items_a_paragraph_announces_not_its_siblings():
    from rag.answer.findings import _ANNOUNCES, _ENDS_SENTENCE

    sibling = "b) Ủy ban nhân dân cấp xã vận động gia đình xóa bỏ các hủ tục lạc hậu trong lễ tang."
    announcing = "Hồ sơ đề nghị gồm:"
    heading = "3. Chỉ tiêu thi đua"
    assert _ENDS_SENTENCE.search(sibling) and not _ANNOUNCES.search(sibling)
    assert _ANNOUNCES.search(announcing) and not _ENDS_SENTENCE.search(heading)
