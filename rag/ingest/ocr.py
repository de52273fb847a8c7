"""OCR of scanned PDF pages: pypdfium2 renders each page, the `tesseract` CLI reads it (Vietnamese model).

Tesseract runs as a separate process per page, so a page that hangs or crashes it costs that
page's timeout, never the ingest. A missing binary or language model is a LoadError naming the
Debian package to install, not a crash.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from rag.config import Settings
from rag.ingest.errors import LoadError

PageProgress = Callable[[int, int], None]  # (pages done, pages to do)
_INSTALL = "cài gói Debian `tesseract-ocr` và `tesseract-ocr-{lang}` (`bash scripts/system-deps.sh`) rồi nạp lại"


@lru_cache(maxsize=8)
def _languages(command: str) -> frozenset[str]:
    """Languages the tesseract binary has models for (empty when it cannot tell)."""
    try:
        run = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in (run.stdout + run.stderr).splitlines()[1:] if line.strip())


def check_tesseract(path: Path | str, settings: Settings) -> None:
    """Raise LoadError naming the package to install when tesseract or its language model is missing."""
    lang = settings.ocr_language
    if shutil.which(settings.ocr_command) is None:
        raise LoadError(path, f"PDF là bản scan nhưng máy chưa cài Tesseract OCR ({settings.ocr_command})",
                        _INSTALL.format(lang=lang.split("+")[0]))
    missing = [part for part in lang.split("+") if part not in _languages(settings.ocr_command)]
    if missing:
        raise LoadError(path, f"Tesseract chưa có mô hình ngôn ngữ {', '.join(missing)}",
                        f"cài gói Debian `tesseract-ocr-{missing[0]}` rồi nạp lại")


def _render(page: object, settings: Settings) -> tuple[bytes, int]:
    """The page as a grayscale PGM image, and the dpi it was rendered at (capped in pixels)."""
    width, height = page.get_size()  # type: ignore[attr-defined]
    scale = settings.ocr_dpi / 72
    if width * height * scale * scale > settings.ocr_max_pixels:  # a page the size of a wall
        scale = math.sqrt(settings.ocr_max_pixels / max(1.0, width * height))
    image = page.render(scale=scale, grayscale=True).to_pil()  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    return buffer.getvalue(), max(1, round(scale * 72))


def _tesseract(path: Path | str, image: bytes, dpi: int, page_no: int, settings: Settings) -> str:
    command = [settings.ocr_command, "stdin", "stdout", "-l", settings.ocr_language, "--dpi", str(dpi),
               "--psm", "3"]
    # one thread per page: on a shared 2-core machine OpenMP threads only contend (measured 1.6 s vs 3.3 s a page)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        run = subprocess.run(command, input=image, capture_output=True, timeout=settings.ocr_page_timeout_s,
                             env=env, check=False)
    except FileNotFoundError as exc:
        raise LoadError(path, "PDF là bản scan nhưng máy chưa cài Tesseract OCR",
                        _INSTALL.format(lang=settings.ocr_language.split("+")[0])) from exc
    except subprocess.TimeoutExpired as exc:
        raise LoadError(path, f"nhận dạng chữ (OCR) trang {page_no} quá {settings.ocr_page_timeout_s:.0f} giây",
                        "quét lại trang đó rõ hơn, hoặc tăng RAG_OCR_PAGE_TIMEOUT_S") from exc
    if run.returncode != 0:
        detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LoadError(path, f"Tesseract lỗi ở trang {page_no}: {detail[-1] if detail else run.returncode}",
                        "quét lại tệp thành PDF mới rồi nạp lại")
    return run.stdout.decode("utf-8", "replace")


def ocr_pages(path: Path | str, data: bytes, page_indexes: Sequence[int], settings: Settings,
              on_page: PageProgress | None = None) -> dict[int, str]:
    """Text of the given 0-based pages of a PDF (held in `data`), read by OCR one page at a time."""
    import pypdfium2 as pdfium

    check_tesseract(path, settings)
    texts: dict[int, str] = {}
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise LoadError(path, f"không dựng được ảnh trang PDF để nhận dạng ({exc})",
                        "mở tệp trong trình đọc PDF, lưu lại bản mới rồi nạp lại") from exc
    try:
        for done, index in enumerate(page_indexes, start=1):
            page = document[index]
            try:
                image, dpi = _render(page, settings)
            finally:
                page.close()
            texts[index] = _tesseract(path, image, dpi, index + 1, settings)
            if on_page:
                on_page(done, len(page_indexes))
    finally:
        document.close()
    return texts
