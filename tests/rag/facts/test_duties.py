"""Who acts in a clause, in which role, and which time expressions are deadlines."""

import pytest

from rag.facts.duties import COOP, DOER, LEAD, actors, agency_groups, deadline_times, partners, short_task

pytestmark = pytest.mark.unit


def _acts(clause):
    return [([a.canonical for a in group], role) for group, role, _, _ in actors(clause, agency_groups(clause))]


def test_lead_and_cooperating_agencies_split():
    assert _acts("Sở Tài chính chủ trì, phối hợp với Sở Y tế, Sở Xây dựng rà soát, tổng hợp") == [
        (["Sở Tài chính"], LEAD), (["Sở Y tế", "Sở Xây dựng"], COOP)]
    assert _acts("giao Bộ Nội vụ chủ trì, phối hợp với các cơ quan liên quan nghiên cứu") == [
        (["Bộ Nội vụ"], LEAD), (["Các cơ quan, đơn vị liên quan"], COOP)]


def test_several_doers_in_one_subject():
    # KH 33/KH-UBND, IV.4
    assert _acts("Sở Thông tin và Truyền thông, Báo Cần Thơ, Đài Phát thanh và Truyền hình thành phố Cần Thơ đẩy "
                 "mạnh công tác tuyên truyền") == [
        (["Sở Thông tin và Truyền thông", "Báo Cần Thơ", "Đài Phát thanh và Truyền hình"], DOER)]


def test_an_agency_that_only_cooperates():
    assert _acts("Ủy ban nhân dân tỉnh Thanh Hóa phối hợp với Bộ Công Thương rà soát kỹ các quy hoạch") == [
        (["Ủy ban nhân dân tỉnh Thanh Hóa"], COOP)]


def test_mentioned_agencies_do_not_act():
    assert _acts("Gửi văn bản phát động đợt thi đua về Sở Nội vụ (qua Ban Thi đua - Khen thưởng) trước ngày "
                 "31 tháng 3 năm 2024 để theo dõi") == []
    assert _acts("báo cáo Thủ tướng Chính phủ kết quả thực hiện") == []
    assert _acts("Ủy ban nhân dân thành phố ban hành Kế hoạch phát động phong trào thi đua") == []
    assert _acts("Chủ trì tổ chức, hướng dẫn, đôn đốc, các cơ quan, đơn vị tổ chức triển khai thực hiện") == []


def test_a_subject_after_an_adverbial_phrase():
    assert _acts("Để xác định vị trí cụ thể của dự án, Ủy ban nhân dân tỉnh Thanh Hóa khẩn trương rà soát") == [
        (["Ủy ban nhân dân tỉnh Thanh Hóa"], DOER)]


def test_deadlines_are_times_to_meet():
    clause = "Gửi văn bản về Sở Nội vụ trước ngày 31 tháng 3 năm 2024"
    assert [t.text for t in deadline_times(clause, 0, 2024, False)] == ["trước ngày 31 tháng 3 năm 2024"]
    # the period of a target is not a deadline; a cited document's date is not either
    assert deadline_times("Tỷ lệ đô thị hóa đạt 76% vào năm 2025", 0, 2024, True) == []
    assert deadline_times("theo Quyết định số 876/QĐ-TTg ngày 22 tháng 7 năm 2022", 0, 2024, False) == []
    assert [t.text for t in deadline_times("Thời gian sơ kết đợt thi đua: Tháng 6 năm 2024", 0, 2024, False)] == [
        "Tháng 6 năm 2024"]
    assert [t.rrule for t in deadline_times("báo cáo UBND tỉnh (định kỳ hằng năm)", 0, 2025, False)] == [
        "FREQ=YEARLY"]


def test_the_enforcement_article_is_no_duty():
    assert _acts("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Tài chính và Thủ trưởng các cơ quan liên quan "
                 "chịu trách nhiệm thi hành Quyết định này./.") == []


def test_ongoing_tasks():
    assert [t.text for t in deadline_times("Thời gian thực hiện: Thường xuyên", 0, 2025, False)] == ["Thường xuyên"]
    assert deadline_times("Sở Y tế thường xuyên kiểm tra các cơ sở", 0, 2025, False) == []


def test_do_names_a_lead_not_an_issuer():
    assert _acts("Xây dựng hệ thống quan trắc do Bộ Nông nghiệp và Môi trường chủ trì") == [
        (["Bộ Nông nghiệp và Môi trường"], LEAD)]
    assert _acts("Giá tính lệ phí trước bạ do Ủy ban nhân dân cấp tỉnh ban hành theo quy định") == []


def test_a_partner_named_by_what_it_does():
    clause = ("Giao Sở Giáo dục và Đào tạo chủ trì, phối hợp với đơn vị cung cấp dịch vụ công nghệ thông tin căn cứ quy "
              "trình nội bộ được phê duyệt, xây dựng quy trình điện tử")
    found, _ = partners(clause, agency_groups(clause), 0)
    assert [a.text for a in found] == ["đơn vị cung cấp dịch vụ công nghệ thông tin"]


def test_a_task_starts_at_its_act_not_at_its_grounds_or_time():
    assert short_task(" căn cứ Quyết định này, trong thời hạn 03 ngày làm việc, xây dựng quy trình điện tử.") == \
        "Xây dựng quy trình điện tử"


@pytest.mark.parametrize("clause", [
    "Cục Thuế trả lời để Thuế thành phố Hải Phòng được biết./.",
    "Cục Thuế trả lời như sau:",
    "Cục Thuế thông báo để các Thuế tỉnh, thành phố biết và thực hiện./.",
    "Chính quyền địa phương ở đơn vị hành chính cấp xã trước sắp xếp tiếp tục hoạt động cho đến khi …",
])
def test_closings_and_statements_of_existence_are_no_duty(clause):
    assert _acts(clause) == []
