"""Targets: one record per value, each with its indicator, unit, comparison word and period."""

import pytest

from rag.facts.targets import find_targets, period_of, target_context

pytestmark = pytest.mark.unit


def _values(clause, in_targets=True):
    return [(t.value, t.unit, t.comparator) for t in find_targets(clause, 0, in_targets)]


def test_four_numbers_four_targets_each_with_its_indicator():
    # KH 33/KH-UBND, II.3.(3)
    clause = ("Cơ cấu kinh tế: Nông nghiệp - thủy sản chiếm 5,6% - 5,9%, công nghiệp - xây dựng chiếm 33,7% - 34%, "
              "dịch vụ chiếm 54,1% - 54,75% và thuế sản phẩm trừ trợ cấp sản phẩm chiếm 5,9 - 5,95% trong cơ cấu GRDP.")
    targets = find_targets(clause, 100, True)
    assert [(t.value, t.unit) for t in targets] == [("5,6 - 5,9", "%"), ("33,7 - 34", "%"), ("54,1 - 54,75", "%"),
                                                     ("5,9 - 5,95", "%")]
    assert [t.indicator for t in targets] == ["Cơ cấu kinh tế: Nông nghiệp - thủy sản",
                                              "Cơ cấu kinh tế: công nghiệp - xây dựng", "Cơ cấu kinh tế: dịch vụ",
                                              "Cơ cấu kinh tế: thuế sản phẩm trừ trợ cấp sản phẩm"]
    assert all(clause[t.start - 100:t.end - 100].startswith(t.value.split()[0]) for t in targets)


@pytest.mark.parametrize("clause, expected", [
    ("Tốc độ tăng trưởng kinh tế (GRDP) bình quân đạt 7,5 - 8%/năm.", [("7,5 - 8", "%/năm", "đạt")]),
    ("Giảm tỷ lệ hộ nghèo (theo chuẩn mới) còn dưới 0,5%.", [("0,5", "%", "còn dưới")]),
    ("Đạt 17 bác sĩ/vạn dân.", [("17", "bác sĩ/vạn dân", "đạt")]),
    ("Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ đạt 80% trở lên.", [("80", "%", "đạt trở lên")]),
    ("Công nhận 24 xã đạt chuẩn nông thôn mới nâng cao, trong đó 08 xã đạt nông thôn mới kiểu mẫu.",
     [("24", "xã", ""), ("08", "xã", "")]),
    ("Phát triển đảng viên mới trong nhiệm kỳ 7.000 đảng viên.", [("7.000", "đảng viên", "")]),
    ("Tổng giá trị giao dịch thanh toán không dùng tiền mặt gấp 30 lần GRDP", [("30", "lần", "gấp")]),
    ("nồng độ bụi PM2.5 trung bình năm vào năm 2030 đạt dưới 40 μg/m3", [("40", "μg/m3", "đạt dưới")]),
])
def test_values_units_and_comparison_words(clause, expected):
    assert _values(clause) == expected


def test_outside_a_target_section_a_comparison_word_is_needed():
    assert _values("tổng vốn đầu tư phát triển toàn xã hội đạt 43.000 tỷ đồng", None) == [("43.000", "tỷ đồng", "đạt")]
    assert _values("Trong vòng 02 (hai) ngày làm việc, Phòng Văn hoá - Xã hội giao thôn", None) == []
    assert _values("Quyết định số 1519/QĐ-TTg ngày 02 tháng 12 năm 2023", None) == []
    assert _values("đôn đốc các doanh nghiệp phủ sóng 5G, phấn đấu đạt 500.000 thuê bao", None) == [
        ("500.000", "thuê bao", "đạt")]


def test_reported_results_and_estimates_are_not_targets():
    assert _values("Tăng trưởng kinh tế 9 tháng của Tỉnh ước đạt 8,19%, cao hơn cả nước", None) == []
    assert _values("Nhu cầu vốn đầu tư dự kiến khoảng 121.732 tỷ đồng", None) == []
    assert target_context(["I. ĐÁNH GIÁ CHUNG"]) is False
    assert target_context(["II. ĐỐI TƯỢNG, NỘI DUNG, CHỈ TIÊU THI ĐUA", "3. Chỉ tiêu thi đua"]) is True


def test_periods():
    assert period_of("Phần đầu đến đầu năm 2025 và kết thúc giai đoạn 2020 - 2025 đạt") == "2025"
    assert period_of("", "Phát triển kinh tế số đến\nnăm 2030 (16 mục tiêu)") == "2030"
    assert period_of("giai đoạn 2026 - 2030") == "2026 - 2030"
    assert period_of("Tốc độ tăng năng suất lao động hàng năm từ 11 - 15%") == "hàng năm"


@pytest.mark.parametrize("clause", [
    "Trường hợp hàng hóa thuộc đối tượng chịu thuế giá trị gia tăng 5% theo quy định thì thực hiện theo quy định",
    "Lãi suất cho vay hộ nghèo điều chỉnh giảm từ 6,6%/năm xuống 6,24%/năm.",
    "Sau khi bù trừ nếu số thuế đầu vào chưa được khấu trừ hết từ 300 triệu đồng trở lên thì được hoàn thuế.",
    "Thời gian hoạt động từ 7 giờ 00 phút đến 22 giờ 00 phút hàng ngày.",
    "5%",
])
def test_rates_thresholds_and_clock_times_are_no_targets(clause):
    assert find_targets(clause, 0, None) == []


def test_a_rise_is_a_target_but_value_added_is_not_a_rise():
    found = find_targets("Phấn đấu tốc độ tăng trưởng kinh tế đạt 8%; giá trị gia tăng ngành công nghiệp tăng 10%", 0, None)
    assert [(t.value, t.comparator) for t in found] == [("8", "đạt"), ("10", "tăng")]
