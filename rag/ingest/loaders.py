"""Read .pdf (pypdf), .docx (python-docx), .txt/.md and .html files into normalized SourceDocs.

A file a user can get wrong (corrupt, encrypted, scanned, empty, too large, legacy encoding)
raises LoadError naming the file, the reason and what to do, in Vietnamese.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.ingest.normalize import detect_legacy_encoding, normalize_pages
from rag.ingest.webtext import prepare_text
from rag.types import SourceDoc

SUPPORTED = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")
_MIN_LETTERS_PER_PAGE = 20


class LoadError(Exception):
    """A file that cannot be indexed, with the reason and the fix (for the user, not a bug)."""

    def __init__(self, path: Path | str, reason: str, fix: str):
        super().__init__(f"{path}: {reason} — {fix}")
        self.path, self.reason, self.fix = str(path), reason, fix


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every supported file under the given files and folders, sorted."""
    for given in paths:
        if given.is_dir():
            for file in sorted(given.rglob("*")):
                if file.is_file() and file.suffix.lower() in SUPPORTED and not file.name.startswith("."):
                    yield file, given
        else:
            yield given, given.parent


def doc_id_for(file: Path, root: Path) -> str:
    """Stable id of a file: its path relative to the folder it was ingested from."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.name


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


def _page_text(page: Any) -> str:
    """Layout mode keeps the blank lines between paragraphs, which plain mode loses."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError):
        return page.extract_text() or ""


def _read_pdf(path: Path, max_pages: int) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "PDF được đặt mật khẩu", "gỡ mật khẩu (in lại ra PDF không khóa) rồi nạp lại")
        if len(reader.pages) > max_pages:
            raise LoadError(path, f"PDF có {len(reader.pages)} trang, vượt giới hạn {max_pages}",
                            "chia nhỏ tệp hoặc tăng RAG_MAX_PAGES")
        pages = [_page_text(page) for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(path, f"PDF hỏng hoặc không đọc được ({type(exc).__name__})",
                        "mở tệp trong trình đọc PDF, lưu lại bản mới rồi nạp lại") from exc
    letters = sum(ch.isalpha() for page in pages for ch in page)
    if letters < _MIN_LETTERS_PER_PAGE * max(1, len(pages)) / 4:
        raise LoadError(path, "PDF không có lớp chữ (bản scan/ảnh)",
                        "nhận dạng chữ (OCR) trước, ví dụ `ocrmypdf -l vie vao.pdf ra.pdf`, rồi nạp lại")
    return pages


def _read_docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
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


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(path, "tệp văn bản không mã hóa UTF-8",
                        "mở tệp và lưu lại với mã hóa UTF-8 (Unicode) rồi nạp lại") from exc


def load_document(path: Path, settings: Settings, root: Path | None = None) -> SourceDoc:
    """Read, check and normalize one file. Raises LoadError for files a user must fix."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"định dạng {suffix or '(không có đuôi)'} chưa được hỗ trợ",
                        "chuyển sang PDF, DOCX hoặc TXT rồi nạp lại")
    try:
        size = path.stat().st_size
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({exc.strerror})", "kiểm tra đường dẫn và quyền đọc") from exc
    if size > settings.max_file_mb * 1024 * 1024:
        raise LoadError(path, f"tệp {size / 1e6:.1f} MB vượt giới hạn {settings.max_file_mb:.0f} MB",
                        "chia nhỏ tệp hoặc tăng RAG_MAX_FILE_MB")
    if size == 0:
        raise LoadError(path, "tệp rỗng", "kiểm tra lại tệp gốc")
    reflow = False
    with _time_limit(settings.parse_timeout_s, path):
        if suffix == ".pdf":
            pages, reflow = _read_pdf(path, settings.max_pages), True
        elif suffix == ".docx":
            pages = [_read_docx(path)]
        elif suffix in (".html", ".htm"):
            parser = _HTMLText()
            parser.feed(_decode(path, raw))
            pages = ["".join(parser.parts)]
        else:
            pages = [_decode(path, raw)]
    if suffix in (".md", ".txt", ".html", ".htm"):
        pages, reflow = prepare_text(pages[0])
    legacy = detect_legacy_encoding("".join(pages))
    if legacy:
        raise LoadError(path, f"văn bản gõ bằng bảng mã cũ {legacy}, không phải Unicode",
                        "chuyển mã sang Unicode (ví dụ Unikey → Công cụ chuyển mã) rồi nạp lại")
    text, spans = normalize_pages(pages, reflow=reflow)
    if sum(ch.isalpha() for ch in text) < 20:
        raise LoadError(path, "tệp không có nội dung chữ", "kiểm tra lại tệp gốc")
    doc_id = doc_id_for(path, root) if root else path.name
    return SourceDoc(
        doc_id=doc_id, path=str(path), text=text,
        pages=spans if suffix == ".pdf" else (), sha256=hashlib.sha256(raw).hexdigest(),
    )
