"""Read .pdf (pypdf, OCR for scans), .docx, .txt/.md and .html files into normalized SourceDocs.

A file a user can get wrong (corrupt, locked, a decompression bomb, too large, a link out of
the folder, an encoding nobody can read) raises LoadError naming the file, the reason and what
to do, in Vietnamese. Limits are checked before the costly step: size before reading, page
count before extracting, inflated size before unzipping. Scans are read by OCR and legacy
encodings (TCVN3, VNI, Windows-1258) converted; the SourceDoc says which.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import stat
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.ingest.errors import LoadError
from rag.ingest.legacy import convert_legacy, decode_legacy_bytes, detect_legacy_text
from rag.ingest.normalize import normalize_pages
from rag.ingest.ocr import PageProgress, ocr_pages
from rag.ingest.webtext import prepare_text
from rag.text import count_letters
from rag.types import SourceDoc

__all__ = ["SUPPORTED", "LoadError", "check_file", "doc_id_for", "file_sha256", "iter_files", "load_document"]

SUPPORTED = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")
# Document formats an office expects to be read: named as failures instead of skipped in silence.
NAMED_UNSUPPORTED = {
    ".doc": "tệp Word 97-2003 (.doc) chưa đọc được",
    ".rtf": "tệp RTF chưa đọc được",
    ".odt": "tệp OpenDocument (.odt) chưa đọc được",
}
_MIN_LETTERS_PER_PAGE = 20


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every candidate file under the given files and folders, sorted.

    Symbolic links are listed, not followed into: `check_file` refuses those pointing out of
    the folder. Folders reached through a link are not walked (their real path is).
    """
    for given in paths:
        if not given.is_dir():
            yield given, given.parent
            continue
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(given):  # does not descend into linked folders
            folder = Path(dirpath)
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            linked_out = [d for d in dirnames if (folder / d).is_symlink()
                          and not _inside((folder / d).resolve(), given.resolve())]
            for name in filenames + linked_out:
                suffix = Path(name).suffix.lower()
                if not name.startswith(".") and (suffix in SUPPORTED or suffix in NAMED_UNSUPPORTED
                                                 or name in linked_out):
                    found.append(folder / name)
        yield from ((file, given) for file in sorted(found))


def doc_id_for(file: Path, root: Path) -> str:
    """Stable id of a file: its path relative to the folder it was ingested from (the link, not its target)."""
    try:
        return file.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return file.name


def check_file(path: Path, root: Path | None, settings: Settings) -> int:
    """Refuse what must not be read, before reading it; returns the file's size in bytes."""
    suffix = path.suffix.lower()
    if root is not None:  # a link (or a linked folder on the way) may lead anywhere: /etc/passwd
        target = path.resolve()
        if not _inside(target, root.resolve()):
            raise LoadError(path, f"liên kết tượng trưng trỏ ra ngoài thư mục đang nạp (tới {target})",
                            "chép tệp thật vào thư mục rồi nạp lại; liên kết ra ngoài bị từ chối để không lộ tệp khác")
    if suffix in NAMED_UNSUPPORTED:
        raise LoadError(path, NAMED_UNSUPPORTED[suffix], "mở bằng Word hoặc LibreOffice, lưu thành .docx hoặc PDF rồi nạp lại")
    if suffix not in SUPPORTED:
        raise LoadError(path, f"định dạng {suffix or '(không có đuôi)'} chưa được hỗ trợ",
                        "chuyển sang PDF, DOCX hoặc TXT rồi nạp lại")
    try:
        info = path.stat()
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({exc.strerror})", "kiểm tra đường dẫn và quyền đọc") from exc
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(path, "không phải tệp thường (thiết bị, ống hoặc thư mục)", "chỉ nạp tệp văn bản thật")
    if info.st_size > settings.max_file_mb * 1024 * 1024:
        raise LoadError(path, f"tệp {info.st_size / 1e6:.1f} MB vượt giới hạn {settings.max_file_mb:.0f} MB",
                        "chia nhỏ tệp hoặc tăng RAG_MAX_FILE_MB")
    if info.st_size == 0:
        raise LoadError(path, "tệp rỗng", "kiểm tra lại tệp gốc")
    return info.st_size


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (call after `check_file`: the size is already bounded)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _read_bounded(path: Path, settings: Settings) -> bytes:
    limit = int(settings.max_file_mb * 1024 * 1024)
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({exc.strerror})", "kiểm tra đường dẫn và quyền đọc") from exc
    if len(raw) > limit:  # it grew after the size check
        raise LoadError(path, f"tệp vượt giới hạn {settings.max_file_mb:.0f} MB", "chia nhỏ tệp hoặc tăng RAG_MAX_FILE_MB")
    return raw


@contextmanager
def _time_limit(seconds: float, path: Path) -> Iterator[None]:
    """Abort parsing that runs too long (main thread only; elsewhere no limit can be set)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _expired(signum: int, frame: object) -> None:
        raise LoadError(path, f"đọc tệp quá {seconds:.0f} giây", "tệp có thể hỏng; hãy lưu lại hoặc chia nhỏ tệp")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------------------------ PDF
def _page_text(page: Any) -> str:
    """Layout mode keeps the blank lines between paragraphs, which plain mode loses."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError):
        return page.extract_text() or ""


def _draws_something(page: Any) -> bool:
    """A page that draws an image or paths (a scan, or text turned into outlines), not a blank page."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None and len(xobjects.get_object()) > 0:
        return True
    contents = page.get_contents()
    return contents is not None and bool(contents.get_data().strip())


def _extract_pdf(path: Path, data: bytes, settings: Settings) -> tuple[list[str], list[int]]:
    """Page texts from the text layer, and the 0-based pages to read by OCR (they draw, but hold no letters)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError, PdfReadError

    try:
        with _time_limit(settings.parse_timeout_s, path):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as exc:  # AES needs the cryptography package
                    raise LoadError(path, "PDF mã hóa AES nhưng thiếu thư viện giải mã",
                                    "cài gói Python `cryptography` (pip install -r requirements.txt) rồi nạp lại") from exc
                if not opened:
                    raise LoadError(path, "PDF được đặt mật khẩu", "gỡ mật khẩu (in lại ra PDF không khóa) rồi nạp lại")
            count = len(reader.pages)
            if count > settings.max_pages:
                raise LoadError(path, f"PDF có {count} trang, vượt giới hạn {settings.max_pages}",
                                "chia nhỏ tệp hoặc tăng RAG_MAX_PAGES")
            pages = [_page_text(page) for page in reader.pages]
            scanned = [i for i, (text, page) in enumerate(zip(pages, reader.pages, strict=True))
                       if count_letters(text) < _MIN_LETTERS_PER_PAGE and _draws_something(page)]
    except LoadError:
        raise
    except LimitReachedError as exc:
        raise LoadError(path, "PDF chứa luồng dữ liệu nén phình to vượt giới hạn an toàn (nghi là «bom giải nén»)",
                        "không nạp tệp này; nếu đó là văn bản thật, hãy in lại ra PDF mới rồi nạp") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError) as exc:
        raise LoadError(path, f"PDF hỏng hoặc không đọc được ({type(exc).__name__})",
                        "mở tệp trong trình đọc PDF, lưu lại bản mới rồi nạp lại") from exc
    return pages, scanned


def _read_pdf(path: Path, data: bytes, settings: Settings, on_page: PageProgress | None) -> tuple[list[str], int]:
    """Page texts, with scanned pages read by OCR; and how many pages OCR read."""
    pages, scanned = _extract_pdf(path, data, settings)
    if scanned and not settings.ocr_enabled:
        raise LoadError(path, "PDF không có lớp chữ (bản scan/ảnh) và OCR đang tắt",
                        "bật OCR (RAG_OCR_ENABLED=true) hoặc nhận dạng chữ trước rồi nạp lại")
    if len(scanned) > settings.ocr_max_pages:
        raise LoadError(path, f"PDF scan có {len(scanned)} trang cần nhận dạng, vượt giới hạn {settings.ocr_max_pages}",
                        "chia nhỏ tệp hoặc tăng RAG_OCR_MAX_PAGES")
    read = ocr_pages(path, data, scanned, settings, on_page) if scanned else {}
    used = 0
    for index, text in read.items():
        if count_letters(text) > count_letters(pages[index]):
            pages[index], used = text, used + 1
    if count_letters("".join(pages)) < _MIN_LETTERS_PER_PAGE * max(1, len(pages)) / 4:
        if scanned:
            raise LoadError(path, "PDF là bản scan nhưng nhận dạng chữ (OCR) không đọc ra chữ",
                            "quét lại rõ hơn (từ 300 dpi, trang thẳng) rồi nạp lại")
        raise LoadError(path, "PDF không có lớp chữ", "in lại văn bản ra PDF có chữ, hoặc quét lại thành ảnh rồi nạp")
    return pages, used


# ----------------------------------------------------------------------------------------- DOCX
def _check_zip(path: Path, data: bytes, settings: Settings) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LoadError(path, "tệp DOCX hỏng hoặc không phải DOCX",
                        "mở bằng Word/LibreOffice, lưu lại dạng .docx rồi nạp lại") from exc
    inflated = sum(info.file_size for info in archive.infolist())
    if inflated > settings.max_unpacked_mb * 1024 * 1024:
        raise LoadError(path, f"DOCX giải nén ra {inflated / 1e6:.0f} MB, vượt giới hạn an toàn "
                        f"{settings.max_unpacked_mb:.0f} MB (nghi là «bom giải nén»)",
                        "không nạp tệp này; nếu đó là văn bản thật, hãy lưu lại bằng Word rồi nạp")
    return archive


def _read_docx(path: Path, data: bytes, settings: Settings) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(path, data, settings)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, "tệp DOCX hỏng hoặc không phải DOCX",
                        "mở bằng Word/LibreOffice, lưu lại dạng .docx rồi nạp lại") from exc
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    blocks.append(" | ".join(c.strip() for c in cells))
    return "\n\n".join(blocks)


# ------------------------------------------------------------------------------------ text, HTML
class _HTMLText(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text of a plain-text file, and the legacy encoding it was converted from ('' for Unicode)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"tệp UTF-16 bị hỏng (byte không hợp lệ ở vị trí {exc.start})",
                            "mở tệp bằng Notepad hoặc Word, lưu lại với mã hóa UTF-8 rồi nạp lại") from exc
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        legacy = decode_legacy_bytes(raw)
        if legacy is None:
            raise LoadError(path, "tệp văn bản không mã hóa UTF-8, cũng không phải bảng mã cũ TCVN3, VNI "
                            "hay Windows-1258", "mở tệp và lưu lại với mã hóa UTF-8 (Unicode) rồi nạp lại") from exc
        return legacy


# --------------------------------------------------------------------------------------- entry
def load_document(path: Path, settings: Settings, root: Path | None = None,
                  on_page: PageProgress | None = None) -> SourceDoc:
    """Check, read and normalize one file. Raises LoadError for files a user must fix.

    `on_page(done, total)` reports OCR progress on scanned PDFs (the only slow step).
    """
    check_file(path, root, settings)
    raw = _read_bounded(path, settings)
    suffix = path.suffix.lower()
    converted, ocr_count = "", 0
    if suffix == ".pdf":
        pages, ocr_count = _read_pdf(path, raw, settings, on_page)
    else:
        with _time_limit(settings.parse_timeout_s, path):
            if suffix == ".docx":
                pages = [_read_docx(path, raw, settings)]
            else:
                text, converted = _decode(path, raw)
                if suffix in (".html", ".htm"):
                    parser = _HTMLText()
                    parser.feed(text)
                    text = "".join(parser.parts)
                pages = [text]
    if not converted:  # Unicode text typed in a TCVN3 or VNI font (a DOCX, a PDF, a copied text)
        converted = detect_legacy_text("\n".join(pages)) or ""
        if converted:
            pages = [convert_legacy(page, converted) for page in pages]
    reflow = suffix == ".pdf"
    if suffix in (".md", ".txt", ".html", ".htm"):  # after conversion: web-page cleaning reads Vietnamese
        pages, reflow = prepare_text(pages[0])
    text, spans = normalize_pages(pages, reflow=reflow)
    if count_letters(text) < 20:
        raise LoadError(path, "tệp không có nội dung chữ", "kiểm tra lại tệp gốc")
    return SourceDoc(
        doc_id=doc_id_for(path, root) if root else path.name, path=str(path), text=text,
        pages=spans if suffix == ".pdf" else (), sha256=hashlib.sha256(raw).hexdigest(),
        ocr_pages=ocr_count, converted_from=converted,
    )
