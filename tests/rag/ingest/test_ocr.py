"""OCR of scanned PDFs with the real tesseract binary and its Vietnamese model (one small page: fast)."""

import pytest

from rag.ingest.header import parse_meta
from rag.ingest.loaders import LoadError, load_document
from tests.rag.ingest.hostile_files import scanned_pdf, small_page_pdf

pytestmark = pytest.mark.integration

SLIP = [
    "Số: 45/KH-UBND",
    "Đà Lạt, ngày 05 tháng 3 năm 2024",
    "KẾ HOẠCH",
    "Bảo vệ và phát triển rừng năm 2024",
    "I. CHỈ TIÊU",
    "1. Tỷ lệ che phủ rừng đạt 52,5% vào cuối năm 2024.",
    "2. Trồng mới 1.200 ha rừng tập trung; giữ vững diện tích rừng đặc dụng.",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
    "Nguyễn Văn Minh",
]


@pytest.fixture
def scan(tmp_path):
    text = small_page_pdf(SLIP, tmp_path / "slip.pdf", width_mm=150, height_mm=80)
    return scanned_pdf(text, tmp_path / "scan.pdf", dpi=300)


def test_scanned_page_is_read_with_diacritics_and_marked_as_ocr(scan, settings):
    from pypdf import PdfReader

    assert not (PdfReader(str(scan)).pages[0].extract_text() or "").strip()  # no text layer at all
    seen = []
    doc = load_document(scan, settings, scan.parent, on_page=lambda done, total: seen.append((done, total)))
    assert doc.ocr_pages == 1 and doc.text_origin == "ocr" and seen == [(1, 1)]
    for line in ("Tỷ lệ che phủ rừng đạt 52,5% vào cuối năm 2024.", "Bảo vệ và phát triển rừng năm 2024",
                 "giữ vững diện tích rừng đặc dụng", "Nguyễn Văn Minh"):
        assert line in doc.text, (line, doc.text)
    meta = parse_meta(doc.text)
    assert (meta.number, meta.issued_on, meta.signer) == ("45/KH-UBND", "2024-03-05", "Nguyễn Văn Minh")


def _refused(scan, settings) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_document(scan, settings, scan.parent)
    return info.value


def test_missing_tesseract_names_the_package(scan, settings):
    err = _refused(scan, settings.model_copy(update={"ocr_command": "/khong/co/tesseract"}))
    assert "Tesseract" in err.reason and "tesseract-ocr" in err.fix and "tesseract-ocr-vie" in err.fix


def test_missing_language_model_names_the_package(scan, settings):
    err = _refused(scan, settings.model_copy(update={"ocr_language": "khm"}))
    assert "khm" in err.reason and "tesseract-ocr-khm" in err.fix


def test_ocr_limits_and_switch(scan, settings):
    assert "RAG_OCR_MAX_PAGES" in _refused(scan, settings.model_copy(update={"ocr_max_pages": 0})).fix
    assert "RAG_OCR_ENABLED" in _refused(scan, settings.model_copy(update={"ocr_enabled": False})).fix
