from pathlib import Path

import pytest

from eval.docgen import text_to_docx, text_to_pdf
from rag.config import Settings
from rag.ingest.header import parse_meta
from rag.ingest.legacy import cp1258_encode, tcvn3_encode, vni_encode
from rag.ingest.loaders import LoadError, iter_files, load_document
from rag.text import contract_normalize
from tests.conftest import SEEDS
from tests.rag.ingest.hostile_files import aes_pdf, bomb_pdf, broken_utf16, escaping_symlink, oversized

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


def test_locked_blank_oversize_and_legacy(tmp_path, settings):
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    plain = text_to_pdf(SEEDS["ct11"].read_text(encoding="utf-8"), tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt("mat-khau")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    _expect_error(tmp_path / "locked.pdf", settings, "mật khẩu")

    drawing = FPDF()  # draws, holds no letters: OCR is tried and finds nothing to read
    drawing.add_page()
    drawing.rect(20, 20, 150, 200, style="F")
    drawing.output(str(tmp_path / "drawing.pdf"))
    assert "300 dpi" in _expect_error(tmp_path / "drawing.pdf", settings, "OCR").fix

    small = Settings(index_dir=tmp_path / "i", embedding_model="none", max_file_mb=0.001, _env_file=None)  # type: ignore[call-arg]
    _expect_error(plain, small, "vượt giới hạn")

    (tmp_path / "tcvn3.txt").write_text("Uû ban nh©n d©n thµnh phè CÇn Th¬ yªu cÇu c¸c së thùc hiÖn. " * 5, encoding="utf-8")
    doc = load_document(tmp_path / "tcvn3.txt", settings, tmp_path)
    assert doc.converted_from == "TCVN3" and doc.text.startswith("Uỷ ban nhân dân thành phố Cần Thơ yêu cầu các sở thực hiện.")


def test_aes_pdf_with_empty_user_password_opens(tmp_path, settings):
    src = SEEDS["kh33"].read_text(encoding="utf-8")
    locked = aes_pdf(src, tmp_path / "aes.pdf")
    from pypdf import PdfReader

    assert PdfReader(str(locked)).is_encrypted
    doc = load_document(locked, settings, tmp_path)
    assert "(8) Tỷ lệ đô thị hóa đạt 76%." in doc.text and doc.ocr_pages == 0


def test_decompression_bomb_is_refused_by_name(tmp_path, settings):
    bomb = bomb_pdf(tmp_path / "bom.pdf")
    assert bomb.stat().st_size < 200_000
    assert "bom giải nén" in _expect_error(bomb, settings, "nén").reason

    import zipfile

    with zipfile.ZipFile(tmp_path / "bom.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * 30_000_000)
    tight = settings.model_copy(update={"max_unpacked_mb": 10})
    _expect_error(tmp_path / "bom.docx", tight, "bom giải nén")


def test_broken_utf16_is_named(tmp_path, settings):
    broken = broken_utf16(SEEDS["ct02"].read_text(encoding="utf-8")[:500], tmp_path / "hong.txt")
    assert "UTF-8" in _expect_error(broken, settings, "UTF-16").fix
    whole = tmp_path / "dung.txt"
    whole.write_bytes(b"\xff\xfe" + SEEDS["ct02"].read_text(encoding="utf-8").encode("utf-16-le"))
    assert parse_meta(load_document(whole, settings, tmp_path).text).number == "02/CT-UBND"


def test_symlink_out_of_the_folder_is_refused_inside_is_indexed(tmp_path, settings):
    folder = tmp_path / "vb"
    folder.mkdir()
    (folder / "that.txt").write_text(SEEDS["ct02"].read_text(encoding="utf-8"), encoding="utf-8")
    link = escaping_symlink(folder, "mat-khau.txt", "/etc/passwd")
    (folder / "ben-trong.txt").symlink_to(folder / "that.txt")
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (folder / "thu-muc-ngoai").symlink_to(outside)
    found = [f for f, _ in iter_files([folder])]
    assert found == [folder / "ben-trong.txt", link, folder / "that.txt", folder / "thu-muc-ngoai"]
    assert "/etc/passwd" in _expect_error(link, settings, "liên kết").reason
    _expect_error(folder / "thu-muc-ngoai", settings, "liên kết")
    assert load_document(folder / "ben-trong.txt", settings, folder).doc_id == "ben-trong.txt"


def test_size_is_checked_before_reading(tmp_path, settings, monkeypatch):
    big = oversized(tmp_path / "lon.txt", settings.max_file_mb + 1)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    _expect_error(big, settings, "vượt giới hạn")
    assert opened == []  # refused on its size alone, never opened


def test_page_limit_is_checked_before_extracting(tmp_path, settings, monkeypatch):
    from rag.ingest import loaders

    pdf = text_to_pdf(SEEDS["kh33"].read_text(encoding="utf-8"), tmp_path / "kh33.pdf")
    monkeypatch.setattr(loaders, "_page_text", lambda page: pytest.fail("text extracted before the page check"))
    _expect_error(pdf, settings.model_copy(update={"max_pages": 2}), "vượt giới hạn 2")


def test_word_97_files_are_named_not_skipped(tmp_path, settings):
    (tmp_path / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    assert [f.name for f, _ in iter_files([tmp_path])] == ["cu.doc"]
    assert ".docx" in _expect_error(tmp_path / "cu.doc", settings, ".doc").fix


@pytest.mark.parametrize("encoding", ["Windows-1258", "TCVN3", "VNI"])
def test_legacy_encoded_copies_are_converted(tmp_path, settings, encoding):
    src = SEEDS["ct02"].read_text(encoding="utf-8").replace("✓", "")
    raw = {"Windows-1258": lambda t: cp1258_encode(t),
           "TCVN3": lambda t: tcvn3_encode(t).encode("latin-1", "replace"),
           "VNI": lambda t: vni_encode(t).encode("cp1252", "replace")}[encoding](src)
    (tmp_path / "cu.txt").write_bytes(raw)
    doc = load_document(tmp_path / "cu.txt", settings, tmp_path)
    expected = load_document(SEEDS["ct02"], settings, SEEDS["ct02"].parent)
    assert doc.converted_from == encoding
    meta = parse_meta(doc.text)
    assert (meta.number, meta.issued_on, meta.signer) == ("02/CT-UBND", "2021-01-07", "Nguyễn Văn Tùng")
    assert "Tăng trưởng GRDP đạt 13,5% so với năm 2020" in doc.text
    if encoding != "TCVN3":  # TCVN3 has no toned capitals: their case is guessed from the word and line
        assert _plain(doc.text) == _plain(expected.text.replace("✓", ""))
