"""Agencies as entities: one canonical name per agency, found in running text with their spans."""

import pytest

from rag.facts.agencies import agency_key, canonical_agency, find_agencies, same_agency

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("written, canonical", [
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ"),
    ("UBND các xã, phường", "Ủy ban nhân dân cấp xã"),
    ("Ủy ban nhân dân các phường, xã, đặc khu", "Ủy ban nhân dân cấp xã"),
    ("các Sở, ban ngành tỉnh", "Các sở, ban, ngành"),
    ("Thủ trưởng các sở, ban, ngành", "Các sở, ban, ngành"),
    ("Sở Nội vụ (Ban Thi đua - Khen thưởng)", "Sở Nội vụ"),
    ("Giám đốc Sở Y tế", "Sở Y tế"),
    ("Uỷ ban nhân dân tỉnh Thanh Hoá", "Ủy ban nhân dân tỉnh Thanh Hóa"),
    ("UBND TP. Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ"),
    ("Công an tỉnh Quảng Ninh", "Công an tỉnh"),
    ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
    ("Sở Tài chính tỉnh Lạng Sơn", "Sở Tài chính"),
    ("Sở Nông Nghiệp và Môi Trường", "Sở Nông nghiệp và Môi trường"),
    ("Hội đồng Thi đua - Khen thưởng thành phố", "Hội đồng Thi đua - Khen thưởng"),
    ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ", "Các bộ, ngành"),
])
def test_canonical_names(written, canonical):
    assert canonical_agency(written) == canonical


def test_one_agency_however_written():
    assert same_agency("Sở KH&CN", "Sở Khoa học và Công nghệ")
    assert same_agency("UBND cấp xã", "Ủy ban nhân dân các xã, phường, thị trấn")
    assert not same_agency("Sở Tài chính", "Bộ Tài chính")
    assert agency_key("Sở Công thương") == agency_key("Sở Công Thương")


def _found(text):
    return [(a.text, a.canonical) for a in find_agencies(text)]


def test_lead_and_cooperating_agencies_found_with_spans():
    text = "Sở Tài chính chủ trì, phối hợp với Sở Y tế, Công an tỉnh và các cơ quan liên quan rà soát."
    found = find_agencies(text)
    assert [a.canonical for a in found] == ["Sở Tài chính", "Sở Y tế", "Công an tỉnh", "Các cơ quan, đơn vị liên quan"]
    assert all(text[a.start:a.end] == a.text for a in found)


def test_names_that_run_over_a_line_break_and_carry_a_place():
    text = "Ủy ban nhân dân tỉnh Thanh\nHóa phối hợp với Bộ Công Thương, Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt\nNam"
    assert _found(text) == [("Ủy ban nhân dân tỉnh Thanh\nHóa", "Ủy ban nhân dân tỉnh Thanh Hóa"),
                            ("Bộ Công Thương", "Bộ Công Thương"),
                            ("Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt\nNam",
                             "Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt Nam")]


def test_unknown_agencies_by_their_head_word():
    # the seed plan KH 33 (corpus/): three agencies in one subject
    text = ("Sở Thông tin và Truyền thông, Báo Cần Thơ, Đài Phát thanh và Truyền hình thành phố Cần Thơ đẩy mạnh "
            "công tác tuyên truyền")
    assert [a.canonical for a in find_agencies(text)] == ["Sở Thông tin và Truyền thông", "Báo Cần Thơ",
                                                          "Đài Phát thanh và Truyền hình"]
    assert _found("Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hồ sơ") == [
        ("Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Phục vụ hành chính công tỉnh")]


def test_listed_names_after_a_plural_head():
    assert [a.canonical for a in find_agencies(
        "đề nghị các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội tổ chức triển khai")] == [
        "Tập đoàn Bưu chính Viễn thông Việt Nam", "Tập đoàn Công nghiệp - Viễn thông Quân đội"]
    assert [a.canonical for a in find_agencies("Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ thực hiện")] == [
        "Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân thành phố Cần Thơ"]


def test_words_that_only_look_like_heads_are_not_agencies():
    assert find_agencies("Phòng, chống tham nhũng; Ban hành kèm theo; Báo cáo kết quả; Hội nghị trực tuyến") == []


def test_an_agency_is_never_a_sentence():
    text = ("Ủy ban nhân dân thành phố ban hành Kế hoạch phát động phong trào thi đua đợt cao điểm với các nội dung "
            "như sau: Sở Nội vụ chủ trì tổng hợp, theo dõi, đôn đốc, giám sát, kiểm tra các cơ quan, đơn vị")
    assert all(len(a.text) < 80 for a in find_agencies(text))


def test_people_committees_of_several_places_and_of_one_district():
    text = "Ủy ban nhân dân thành phố Hà Nội, thành phố Hồ Chí Minh, thành phố Hải Phòng và tỉnh Quảng Ninh trực tiếp hỗ trợ"
    assert [a.canonical for a in find_agencies(text)] == [
        "Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân thành phố Hồ Chí Minh",
        "Ủy ban nhân dân thành phố Hải Phòng", "Ủy ban nhân dân tỉnh Quảng Ninh"]
    assert [a.canonical for a in find_agencies("UBND huyện Tuần Giáo chỉ đạo các xã")] == ["Ủy ban nhân dân huyện Tuần Giáo"]
    assert [a.canonical for a in find_agencies("Các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang bộ phải")] == ["Các bộ, ngành"]


@pytest.mark.parametrize("sentence, names", [
    ("Về giải pháp, Bộ Quốc phòng trân trọng tiếp thu ý kiến", ["Bộ Quốc phòng"]),
    ("Theo đó Đài Truyền hình Việt Nam giảm từ 25 đơn vị", ["Đài Truyền hình Việt Nam"]),
    ("Trung tâm Bồi dưỡng đại biểu dân cử tổ chức lớp học", ["Trung tâm Bồi dưỡng đại biểu dân cử"]),
    ("Bộ GDĐT lưu ý, giáo viên chủ động điều chỉnh", ["Bộ GDĐT"]),
    ("Giao Trung tâm Chuyển đổi số Thành phố cấu hình thủ tục hành chính", ["Trung tâm Chuyển đổi số Thành phố"]),
    ("Trung tâm Chuyển đổi số và Truyền thông thuộc Sở Khoa học và Công nghệ bảo đảm",
     ["Trung tâm Chuyển đổi số và Truyền thông", "Sở Khoa học và Công nghệ"]),
])
def test_a_name_ends_where_its_verb_begins(sentence, names):
    assert [a.text for a in find_agencies(sentence)] == names
