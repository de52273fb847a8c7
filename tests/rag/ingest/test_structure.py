import pytest

from rag.ingest.header import parse_meta, parse_meta_and_layout
from rag.ingest.normalize import normalize_text
from rag.ingest.structure import iter_clauses, parse_clauses
from tests.conftest import SEEDS

pytestmark = pytest.mark.unit


def _doc(key: str) -> str:
    return normalize_text(SEEDS[key].read_text(encoding="utf-8"))


def _paths(key: str) -> list[str]:
    text = _doc(key)
    _, layout = parse_meta_and_layout(text)
    return [c.path for c in iter_clauses(parse_clauses(text, layout.body_start, layout.body_end))]


def test_meta_chi_thi_11_can_tho():
    meta = parse_meta(_doc("ct11"))
    assert (meta.number, meta.doc_type, meta.place, meta.issued_on) == ("11/CT-UBND", "Chỉ thị", "Cần Thơ", "2020-12-04")
    assert meta.issued_text == "ngày 04 tháng 12 năm 2020"
    assert meta.title == "Về việc phát động phong trào thi đua năm 2021"
    assert meta.signer == "Trần Việt Trường"
    assert meta.issuer == "Ủy ban nhân dân thành phố Cần Thơ"


def test_meta_news_article_comes_from_the_body():
    meta = parse_meta(_doc("news10"))
    assert meta.kind == "news"
    assert (meta.number, meta.doc_type, meta.issued_on, meta.place) == ("10/CT-UBND", "Chỉ thị", "2022-12-13", "Cần Thơ")
    assert meta.title.startswith("Phát động phong trào thi đua yêu nước")
    assert meta.signer is None


def test_meta_bold_number_and_day_hai_phong():
    meta = parse_meta(_doc("ct02"))
    assert (meta.number, meta.issued_on, meta.place, meta.signer) == ("02/CT-UBND", "2021-01-07", "Hải Phòng", "Nguyễn Văn Tùng")
    assert meta.title.startswith("Về việc tổ chức, phát động phong trào thi đua")


def test_meta_blank_number_and_day_are_null():
    meta = parse_meta(_doc("tuangiao"))
    assert meta.number is None and meta.issued_on is None
    assert meta.issued_text == "ngày tháng 02 năm 2021"
    assert (meta.doc_type, meta.place, meta.signer) == ("Chỉ thị", "Tuần Giáo", "Vũ Văn Đức")
    assert meta.issuer == "Ủy ban nhân dân huyện Tuần Giáo"


def test_meta_markdown_plan():
    meta = parse_meta(_doc("kh33"))
    assert (meta.number, meta.doc_type, meta.issued_on) == ("33/KH-UBND", "Kế hoạch", "2024-02-21")
    assert meta.title.startswith("Tiếp tục phát động phong trào thi đua đợt cao điểm")
    assert meta.signer == "Trần Việt Trường" and meta.signer_title == "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH"


def test_clause_paths_plan_with_targets_and_assignments():
    paths = _paths("kh33")
    assert paths[:6] == ["I", "I.1", "I.2", "I.3", "I.4", "II"]
    assert [f"II.3.({n})" for n in range(1, 22)] == [p for p in paths if p.startswith("II.3.(")]
    assert {"II.2.đ", "III.1.c", "IV.1.a", "IV.2.a", "IV.4"} <= set(paths)


def test_clause_paths_decimal_ordinal_and_dash():
    paths = _paths("tuangiao")
    assert paths[:5] == ["I", "I.1", "I.2", "I.2.1", "I.2.1.Thứ nhất"]
    assert "I.2.1.Thứ năm" in paths and "I.2.2.-6" in paths and paths[-1] == "II.4"


def test_flat_numbered_directives():
    assert _paths("ct11") == [str(n) for n in range(1, 9)]
    assert _paths("ct02") == [str(n) for n in range(1, 11)]
    assert _paths("news10") == []


def test_law_structure_chapters_articles_clauses():
    text = normalize_text(
        "QUỐC HỘI\n--------\nLuật số: 04/2011/QH13\nHà Nội, ngày 11 tháng 11 năm 2011\nLUẬT\nĐO LƯỜNG\n"
        "Căn cứ Hiến pháp;\nChương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\nLuật này quy định.\n"
        "Điều 2. Giải thích\n1. Đo lường là việc.\n2. Phương tiện gồm:\na) Chuẩn;\nb) Mẫu.\n"
        "Chương II\nQUYỀN\nMục 1\nCHUNG\nĐiều 3. Quyền\nTổ chức có quyền.\nĐiều 4\nĐiều 3 của Luật này áp dụng.\n"
        "Điều 5 Chính sách của Nhà nước\nNhà nước khuyến khích.\nCHỦ TỊCH QUỐC HỘI\nNguyễn Sinh Hùng"
    )
    meta, layout = parse_meta_and_layout(text)
    assert (meta.number, meta.doc_type, meta.title, meta.issuer) == ("04/2011/QH13", "Luật", "ĐO LƯỜNG", "QUỐC HỘI")
    assert meta.signer == "Nguyễn Sinh Hùng"
    clauses = iter_clauses(parse_clauses(text, layout.body_start, layout.body_end))
    assert [c.path for c in clauses] == [
        "Chương I", "Điều 1", "Điều 2", "Điều 2.1", "Điều 2.2", "Điều 2.2.a", "Điều 2.2.b",
        "Chương II", "Mục 1", "Điều 3", "Điều 4", "Điều 5",
    ]
    assert clauses[0].heading == "Chương I NHỮNG QUY ĐỊNH CHUNG"


def test_two_column_header_as_pdf_text_gives_it():
    text = normalize_text(
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH ĐIỆN BIÊN Độc lập - Tự do - Hạnh phúc\n---------- ---------------\n"
        "Số: 12/CT-UBND Điện Biên Phủ, ngày 05 tháng 3 năm 2021\n\nCHỈ THỊ\nVề việc tăng cường phòng cháy\n\n"
        "1. Sở Công an chủ trì.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Thành Đô"
    )
    meta = parse_meta(text)
    assert (meta.number, meta.doc_type, meta.issued_on) == ("12/CT-UBND", "Chỉ thị", "2021-03-05")
    assert meta.place == "Điện Biên Phủ" and meta.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN"
    assert meta.title == "Về việc tăng cường phòng cháy" and meta.signer == "Lê Thành Đô"


def test_meta_party_number():
    """The Party numbers its documents '66-NQ/TW' (number, kind, issuing body), not '66/NQ-TW'."""
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG | ĐẢNG CỘNG SẢN VIỆT NAM\n---|---\nSố: 66-NQ/TW | Hà Nội, ngày 30 tháng 4 năm 2025\n\n"
            "NGHỊ QUYẾT\nvề đổi mới công tác xây dựng và thi hành pháp luật\n\nI. TÌNH HÌNH\n"
            "1. Công tác xây dựng pháp luật đã đạt nhiều kết quả.\n")
    meta = parse_meta(text)
    assert (meta.number, meta.doc_type, meta.issued_on) == ("66-NQ/TW", "Nghị quyết", "2025-04-30")
