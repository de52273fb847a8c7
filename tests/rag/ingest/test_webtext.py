"""Text crawled or copied from legal websites parses like a clean file (fixtures in the crawled layout)."""

import pytest

from rag.ingest.header import parse_meta_and_layout
from rag.ingest.normalize import normalize_pages
from rag.ingest.webtext import clean_web_text, hard_wrapped, looks_like_web_text, prepare_text
from rag.text import contract_normalize as norm

pytestmark = pytest.mark.unit

# The layout of a page as crawled: page chrome, the two-column header as cells between `|` lines,
# emphasis, hard wraps at ~80 characters, a data table flattened to one cell per line, the
# signature table, the catalogue line and "related documents" after the document.
CRAWLED = """|
|
Bản dịch này thuộc quyền sở hữu của **
THƯ VIỆN PHÁP LUẬT**. Mọi hành vi sao chép là vi phạm.
Đang tải văn bản...
**Số hiệu:**
|
99/KH-UBND
|
**Người ký:**
|
Người Khác
|
|
**ỦY BAN NHÂN DÂN
**
TỈNH HÀ NAM
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
99/KH-UBND
|
*Hà Nam, ngày 05
tháng 11 năm 2025*
|
** **
**KẾ HOẠCH**
TRIỂN KHAI CHUYỂN ĐỔI SỐ
TRÊN ĐỊA BÀN TỈNH HÀ NAM NĂM 2026
Thực hiện Chỉ thị số 12/CT-TTg ngày 01/10/2025 của Thủ tướng Chính phủ, UBND tỉnh ban
hành Kế hoạch như sau:
**I. MỤC TIÊU**
1. Đến hết năm 2026, tỷ lệ hồ sơ trực tuyến toàn trình đạt
80%; 100% xã, phường có điểm truy cập Internet công cộng.
**II. TỔ CHỨC THỰC HIỆN**
1. Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành
theo dõi, đôn đốc; báo cáo UBND tỉnh trước ngày 15 tháng 12 hằng năm.
|
**STT**
|
**Nhiệm vụ**
|
**Chủ trì**
|
|
1
|
Xây dựng cơ sở dữ liệu
dùng chung
|
Sở Tài chính
|
|
2
|
Tập huấn kỹ năng số
|
|
|
*Nơi nhận:*
- Như trên;
- Lưu: VT.
|
**KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**
**Trần Văn Bình**
|
Kế hoạch 99/KH-UBND năm 2025 triển khai chuyển đổi số trên địa bàn tỉnh Hà Nam
Văn bản này chưa cập nhật nội dung Tiếng Anh
## Văn bản liên quan
Cảm ơn đã dùng ThuVienPhapLuat.vn
"""


def _parse(raw: str):
    pages, reflow = prepare_text(raw)
    text, _ = normalize_pages(pages, reflow=reflow)
    return text, *parse_meta_and_layout(text)


def test_crawled_page_is_recognised_and_its_chrome_cut():
    assert looks_like_web_text(CRAWLED)
    cleaned = clean_web_text(CRAWLED)
    assert "Bản dịch" not in cleaned and "Đang tải" not in cleaned and "Người Khác" not in cleaned
    assert "Văn bản liên quan" not in cleaned and "Cảm ơn" not in cleaned and "năm 2025 triển khai" not in cleaned
    assert "*" not in cleaned


def test_header_metadata_from_the_crawled_layout():
    _, meta, _ = _parse(CRAWLED)
    assert (meta.number, meta.doc_type, meta.place, meta.issued_on) == ("99/KH-UBND", "Kế hoạch", "Hà Nam", "2025-11-05")
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH HÀ NAM"
    assert meta.title == "TRIỂN KHAI CHUYỂN ĐỔI SỐ TRÊN ĐỊA BÀN TỈNH HÀ NAM NĂM 2026"
    assert meta.signer == "Trần Văn Bình" and meta.signer_title == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    assert "12/CT-TTg" in (meta.about or "")


def test_hard_wrapped_sentences_are_joined_and_stay_matchable():
    text, _, _ = _parse(CRAWLED)
    sentence = "1. Đến hết năm 2026, tỷ lệ hồ sơ trực tuyến toàn trình đạt 80%; 100% xã, phường có điểm"
    assert sentence in text
    # every word of the source survives: the crawled sentence matches after the contract's normalization
    assert norm("báo cáo UBND tỉnh trước ngày 15 tháng 12 hằng năm") in norm(text)


def test_data_table_becomes_one_line_per_row_with_empty_cells_kept():
    text, _, _ = _parse(CRAWLED)
    assert "| STT | Nhiệm vụ | Chủ trì |" in text
    assert "| 1 | Xây dựng cơ sở dữ liệu dùng chung | Sở Tài chính |" in text
    assert "| 2 | Tập huấn kỹ năng số | |" in text


def test_clean_files_are_left_alone():
    clean = "ỦY BAN NHÂN DÂN\nSố: 1/KH-UBND\n\nKẾ HOẠCH\nVề việc thử\n\n1. Nội dung một.\n\n2. Nội dung hai.\n"
    assert not looks_like_web_text(clean)
    assert prepare_text(clean) == ([clean], False)
    assert not hard_wrapped(clean)


def test_decision_with_its_plan_after_the_signature_keeps_the_plan_as_an_appendix():
    raw = (
        "ỦY BAN NHÂN DÂN TỈNH X\n\nSố: 5/QĐ-UBND\n\nX, ngày 01 tháng 02 năm 2025\n\nQUYẾT ĐỊNH\n\nVỀ VIỆC BAN HÀNH KẾ HOẠCH Y\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch Y.\n\nĐiều 2. Quyết định có hiệu lực từ ngày ký.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n\n"
        "KẾ HOẠCH Y\n\n(Kèm theo Quyết định số 5/QĐ-UBND)\n\nI. MỤC TIÊU\n\n1. Đến năm 2030 đạt 90% số hộ dùng nước sạch, "
        "bảo đảm cung cấp ổn định cho các khu dân cư tập trung và vùng sâu, vùng xa của tỉnh trong giai đoạn tới.\n"
    )
    meta, layout = parse_meta_and_layout(raw)
    assert meta.signer == "Nguyễn Văn An"
    assert len(layout.appendices) == 1
    start, end = layout.appendices[0]
    assert "Đến năm 2030 đạt 90%" in raw[start:end]
    assert layout.body_end < start
