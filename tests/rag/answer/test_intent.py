"""What a question asks for, read the same with or without diacritics."""

import pytest

from rag.answer.intent import asked_unit, need_of
from rag.text import strip_accents

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("question", "label", "wants_list"), [
    ("Hạn chót nộp báo cáo về Sở Tài chính là khi nào?", "date", False),
    ("Kế hoạch này có hiệu lực từ ngày nào?", "date", False),
    ("Hồ sơ phải hoàn thiện kịp trình Quốc hội ở kỳ họp nào?", "date", False),
    ("Kiến nghị thông thường phải được trả lời chậm nhất trong bao lâu?", "duration", False),
    ("Sở Công Thương báo cáo UBND tỉnh trước mấy giờ mỗi ngày?", "time", False),
    ("Tỷ lệ hồ sơ trực tuyến phải đạt bao nhiêu phần trăm?", "quantity", False),
    ("Mỗi xã phải chọn tối thiểu mấy doanh nghiệp làm đầu mối thu gom?", "quantity", False),
    ("Cơ quan nào chủ trì theo dõi, đôn đốc việc thực hiện?", "agency", False),
    ("Ai làm đầu mối tổng hợp tình hình thực hiện chương trình?", "agency", False),
    ("Các sở, ngành gửi báo cáo kết quả về đâu?", "recipient", False),
    ("Báo cáo đó gửi về cơ quan nào để tổng hợp?", "recipient", False),
    ("Kế hoạch được ban hành để triển khai văn bản nào?", "docref", False),
    ("Quyết định này thay thế quyết định nào trước đây?", "docref", False),
    ("Ai ký Kế hoạch 172/KH-UBND?", "signer", False),
    ("Kế hoạch 597/KH-UBND ban hành ngày nào?", "issued", False),
    ("Những cơ quan nào phải rà soát lại việc thực hiện chỉ đạo?", "agency", True),
    ("Hồ sơ đề nghị khen thưởng gồm những giấy tờ nào?", "list", True),
    ("Đối tượng thi đua là cá nhân gồm những ai?", "list", True),
    ("Phó Thủ tướng nào chủ trì buổi làm việc?", "person", False),
    ("Mục tiêu chung của kế hoạch là gì?", "text", False),
])
def test_need(question, label, wants_list):
    for asked in (question, strip_accents(question).lower()):
        need = need_of(asked)
        assert (need.label, need.wants_list) == (label, wants_list), asked


def test_a_word_that_folds_to_han_is_no_deadline_when_the_marks_say_otherwise():
    assert need_of("Trong dây hàn Kester 275, bạc chiếm tỷ lệ bao nhiêu?").label == "quantity"
    assert need_of("Kim ngạch xuất khẩu sang Hàn Quốc đạt bao nhiêu?").label == "quantity"
    assert need_of("Hạn nộp hồ sơ đi Hàn Quốc là khi nào?").label == "date"
    assert need_of("han nop ho so la khi nao").label == "date"  # typed without marks: still a deadline


def test_dau_of_dau_tu_is_no_where_to():
    assert need_of("Kế hoạch về đầu tư công do cơ quan nào chủ trì?").label == "agency"
    assert need_of("Báo cáo gửi về đâu?").label == "recipient"
    assert need_of("bao cao gui ve dau").label == "recipient"  # without marks both read alike: still asked


def test_muc_the_section_is_no_muc_the_level():
    assert need_of("Nội dung này nằm ở mục nào của kế hoạch?").label != "quantity"
    assert need_of("Hỗ trợ ở mức bao nhiêu?").label == "quantity"


def test_a_year_before_a_question_word_is_not_a_list():
    assert not need_of("Đợt thi đua cao điểm năm 2024 kéo dài đến ngày nào?").wants_list
    assert need_of("03 chương trình mục tiêu quốc gia nào được tích hợp?").wants_list


@pytest.mark.parametrize(("question", "unit"), [
    ("Vốn đầu tư tăng bình quân bao nhiêu mỗi năm?", None),
    ("Thu ngân sách tăng bao nhiêu hằng năm?", None),
    ("Tổng vốn là bao nhiêu tỷ đồng?", "ty dong"),
    ("Cần bao nhiêu xe cứu thương?", "xe"),
    ("Tỷ lệ hộ nghèo giảm bao nhiêu?", "%"),
])
def test_the_measure_asked_for_is_a_measure_not_a_frequency(question, unit):
    assert asked_unit(strip_accents(question.lower())) == unit


@pytest.mark.parametrize("question", [
    "Cục Hải quan xác định mặt hàng này có mã HS nào?",
    "ma so hang hoa cua san pham la bao nhieu",
    "Mã số thuế của công ty là gì?",
])
def test_a_code_is_asked_for_as_a_code(question):
    assert need_of(question).label == "code"
