import pytest

from rag.search.followup import resolve_followup

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("previous", "question", "expected"), [
    ("Tỷ lệ đô thị hóa của Cần Thơ năm 2021 là bao nhiêu?", "còn năm 2023 thì sao?",
     "Tỷ lệ đô thị hóa của Cần Thơ năm 2023 là bao nhiêu?"),
    ("Tỷ lệ hộ nghèo năm 2021 của Cần Thơ?", "còn Hải Phòng thì sao?", "Tỷ lệ hộ nghèo năm 2021 của Hải Phòng?"),
    ("Tỷ lệ đô thị hóa theo Kế hoạch 33/KH-UBND?", "còn tỷ lệ hộ nghèo?", "tỷ lệ hộ nghèo theo 33/KH-UBND?"),
    ("Tỷ lệ hộ nghèo năm 2021 của Cần Thơ?", "Ai ký Chỉ thị 02/CT-UBND?", "Ai ký Chỉ thị 02/CT-UBND?"),
    (None, "còn năm 2023 thì sao?", "còn năm 2023 thì sao?"),
])
def test_follow_ups_take_their_context_from_the_previous_question(previous, question, expected):
    assert resolve_followup(previous, question) == expected
