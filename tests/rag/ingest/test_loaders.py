from pathlib import Path

import pytest

from eval.docgen import text_to_docx, text_to_pdf
from rag.config import Settings
from rag.ingest.header import parse_meta
from rag.ingest.loaders import LoadError, load_document
from rag.text import contract_normalize
from tests.conftest import SEEDS

pytestmark = pytest.mark.unit


def _plain(text: str) -> str:
    return contract_normalize(text.replace("#", ""))


def test_pdf_from_seed_keeps_diacritics_pages_and_structure(tmp_path, settings):
    src = SEEDS["kh33"].read_text(encoding="utf-8")
    pdf = text_to_pdf(src, tmp_path / "kh33.pdf")
    doc = load_document(pdf, settings, tmp_path)
    assert doc.doc_id == "kh33.pdf" and len(doc.pages) >= 3
    assert "(8) Tỷ lệ đô thị hóa đạt 76%." in doc.text
    assert "Gửi văn bản phát động đợt thi đua về Sở Nội vụ (qua Ban Thi đua - Khen thưởng) trước ngày 31 tháng 3 năm 2024" in doc.text
    assert _plain(doc.text) == _plain(doc.text) and _plain(src.replace("**", "")) == _plain(doc.text)
    meta = parse_meta(doc.text)
    assert (meta.number, meta.issued_on, meta.signer) == ("33/KH-UBND", "2024-02-21", "Trần Việt Trường")


def test_docx_from_seed(tmp_path, settings):
    src = SEEDS["ct11"].read_text(encoding="utf-8")
    docx_file = text_to_docx(src, tmp_path / "ct11.docx")
    doc = load_document(docx_file, settings, tmp_path)
    assert doc.pages == ()
    assert "tỷ lệ đô thị hóa đạt 71,5%" in doc.text
    assert parse_meta(doc.text).number == "11/CT-UBND"


def _expect_error(path: Path, settings: Settings, words: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_document(path, settings, path.parent)
    assert words in info.value.reason and info.value.fix and info.value.path == str(path)
    return info.value


def test_broken_files_are_named_with_reason_and_fix(tmp_path, settings):
    good = text_to_pdf(SEEDS["ct02"].read_text(encoding="utf-8"), tmp_path / "good.pdf").read_bytes()
    (tmp_path / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Nội dung".encode("utf-16-le")[2:] + b"\xff\xfe\xfa")
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "table.xlsx").write_bytes(b"x")
    _expect_error(tmp_path / "truncated.pdf", settings, "PDF")
    _expect_error(tmp_path / "corrupt.pdf", settings, "PDF")
    _expect_error(tmp_path / "empty.txt", settings, "rỗng")
    _expect_error(tmp_path / "latin1.txt", settings, "UTF-8")
    _expect_error(tmp_path / "corrupt.docx", settings, "DOCX")
    _expect_error(tmp_path / "table.xlsx", settings, "định dạng")


def test_encrypted_scanned_oversize_and_legacy(tmp_path, settings):
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    plain = text_to_pdf(SEEDS["ct11"].read_text(encoding="utf-8"), tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt("mat-khau")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    _expect_error(tmp_path / "locked.pdf", settings, "mật khẩu")

    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 150, 200, style="F")
    scan.output(str(tmp_path / "scan.pdf"))
    assert "OCR" in _expect_error(tmp_path / "scan.pdf", settings, "scan").fix

    small = Settings(index_dir=tmp_path / "i", embedding_model="none", max_file_mb=0.001, _env_file=None)  # type: ignore[call-arg]
    _expect_error(plain, small, "vượt giới hạn")

    (tmp_path / "tcvn3.txt").write_text("Uû ban nh©n d©n thµnh phè CÇn Th¬ yªu cÇu c¸c së thùc hiÖn. " * 5, encoding="utf-8")
    _expect_error(tmp_path / "tcvn3.txt", settings, "TCVN3")
