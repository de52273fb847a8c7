"""How a limit is asked ('tối đa bao lâu') is a soft term: it counts when a clause says it, it is not required."""

import pytest

from rag.answer.units import Unit, coverage
from rag.search.query import analyze
from rag.types import Chunk

pytestmark = pytest.mark.unit


def _unit(text: str) -> Unit:
    chunk = Chunk(chunk_id="c", doc_id="d", text=text, path="1", breadcrumb="", start=0, end=len(text))
    return Unit(chunk, 0, len(text), text, "", 1)


@pytest.mark.parametrize(("question", "soft"), [
    ("Kiến nghị phức tạp thì được giải quyết tối đa bao lâu?", ("tối", "đa")),
    ("Hồ sơ phải nộp chậm nhất là khi nào?", ("chậm", "nhất")),
    ("Mỗi xã chọn ít nhất mấy doanh nghiệp?", ("ít", "nhất")),
    ("Lương tối thiểu vùng năm 2025 là bao nhiêu?", ()),  # here 'tối thiểu' names the thing asked about
    ("Ai lo việc bố trí kinh phí?", ("lo",)),  # how a role is asked: the clause says 'chủ trì', 'bảo đảm'
    ("Đơn vị nào phụ trách thẩm định thiết kế?", ("phụ", "trách")),
    ("Cơ quan nào có nhiệm vụ theo dõi tiến độ?", ("nhiệm", "vụ")),
])
def test_limit_words_before_the_question_word_are_soft(question, soft):
    info = analyze(question)
    assert info.soft == soft
    assert set(soft) <= set(info.terms)


def test_a_soft_term_counts_when_present_and_costs_nothing_when_absent():
    info = analyze("Kiến nghị phức tạp thì được giải quyết tối đa bao lâu?")
    soft = frozenset(info.soft)

    def cov(text: str) -> float:
        return coverage(info.terms, _unit(text), lambda t: 1.0, False, info.pairs, soft=soft).score

    other_words = cov("Kiến nghị phức tạp được giải quyết không quá 30 ngày làm việc.")
    same_words = cov("Kiến nghị phức tạp được giải quyết tối đa 30 ngày làm việc.")
    assert other_words == pytest.approx(1.0)
    assert same_words == pytest.approx(1.0)
    hard = coverage(info.terms, _unit("Kiến nghị phức tạp được giải quyết không quá 30 ngày làm việc."),
                    lambda t: 1.0, False, info.pairs).score
    assert hard < other_words  # without the soft rule the clause's own wording would cost it


def test_the_span_nearest_the_question_words_leads():
    from rag.answer.intent import need_of
    from rag.answer.select import _best_span, answer_spans

    text = ("Sở Công Thương tổng hợp, báo cáo Ủy ban nhân dân tỉnh về kết quả thực hiện Kế hoạch định kỳ hằng "
            "tháng (trước ngày 18 hằng tháng), 6 tháng (trước ngày 18/5), năm (trước ngày 30/11 hằng năm).")
    question = "Còn Sở Công Thương tổng hợp báo cáo 6 tháng thì hạn là khi nào?"
    need, info = need_of(question), analyze(question)
    span = _best_span(answer_spans(text, need, question), need, text, set(info.terms), False, question=question)
    assert span is not None and span.text.endswith("18/5")


@pytest.mark.parametrize(("question", "path"), [
    ("Tổng mức vốn dự kiến giai đoạn 2026-2030 là bao nhiêu nghìn tỷ đồng?", None),  # 'mức vốn' names no section V
    ("Mức lương tối thiểu vùng là bao nhiêu?", None),
    ("Kế hoạch 33/KH-UBND mục IV.1 nói gì?", "IV.1"),
    ("ke hoach 33 muc ii.3.(8)", "II.3.(8)"),
    ("Phần II của kế hoạch quy định gì?", "II"),
])
def test_a_section_is_named_by_muc_or_phan_not_by_muc_level(question, path):
    assert analyze(question).clause_path == path


def test_a_padded_number_the_question_states_is_not_the_answer():
    from rag.answer.intent import need_of
    from rag.answer.select import answer_spans

    question = "GRDP 9 tháng đầu năm 2025 của tỉnh tăng bao nhiêu?"
    text = "tăng trưởng GRDP 09 tháng đầu năm đạt 10,22%, tỷ lệ 0,5% và 10,05%"
    assert [s.text for s in answer_spans(text, need_of(question), question)] == ["đạt 10,22%", "0,5%", "10,05%"]


def test_a_unit_naming_only_another_numbered_part_does_not_answer():
    from rag.answer.select import _names_another_part

    parts = analyze("Dự án thành phần 3 phải hoàn thành chậm nhất vào ngày nào?").parts
    assert parts == (("thanh phan", 3),)
    assert _names_another_part(parts, "hoàn thành Dự án thành phần 1 trong năm 2025")
    assert not _names_another_part(parts, "Dự án thành phần 1 và Dự án thành phần 3 hoàn thành trong năm 2026")
    assert not _names_another_part(parts, "hoàn thành toàn tuyến trong năm 2026")  # silent on parts: may answer
    assert analyze("Lương tối thiểu vùng I là bao nhiêu?").parts == (("vung", 1),)
    assert not _names_another_part(analyze("vùng 1").parts, "Vùng I: 4.960.000 đồng/tháng")
