"""Makers of the files real offices (and attackers) hand to ingest, built inside the tests.

Scans are rasterized from text PDFs (fpdf2 → pypdfium2 → PIL), AES copies encrypted with
pypdf, legacy encodings written with the project's own encoders, the bomb written by hand.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from eval.docgen import FONT_DIR, text_to_pdf
from rag.ingest.legacy import cp1258_encode


def scanned_pdf(text_pdf: Path, out: Path, dpi: int = 200, pages: int | None = None) -> Path:
    """An image-only PDF (no text layer) of a text PDF's pages, as a scanner would make it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(text_pdf))
    images = []
    for index in range(len(document) if pages is None else min(pages, len(document))):
        page = document[index]
        images.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
        page.close()
    document.close()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out


def small_page_pdf(lines: list[str], out: Path, width_mm: float = 120, height_mm: float = 60) -> Path:
    """A small one-page text PDF (a slip of paper): fast to rasterize and OCR in tests."""
    from fpdf import FPDF

    pdf = FPDF(format=(width_mm, height_mm))
    pdf.set_margins(6, 6, 6)
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", "", 11)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


def aes_pdf(text: str, out: Path) -> Path:
    """A PDF encrypted with AES-256 and an empty user password: opens in any reader without asking."""
    from pypdf import PdfReader, PdfWriter

    plain = text_to_pdf(text, out.with_suffix(".plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-256")
    with open(out, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return out


def bomb_pdf(out: Path, inflated_mb: int = 80) -> Path:
    """A one-page PDF whose content stream inflates past pypdf's 75 MB limit (about 80 KB on disk)."""
    stream = zlib.compress(b" " * (inflated_mb * 1_000_000), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.7\n", []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    out.write_bytes(body)
    return out


def windows_1258_copy(text: str, out: Path) -> Path:
    """The text as Windows-1258 bytes (tones as separate combining bytes), as old Notepad saved it."""
    out.write_bytes(cp1258_encode(text, errors="replace"))  # a ✓ has no Windows-1258 code
    return out


def broken_utf16(text: str, out: Path) -> Path:
    """UTF-16 with its byte-order mark and one dangling byte at the end (a truncated copy)."""
    out.write_bytes(b"\xff\xfe" + text.encode("utf-16-le") + b"\x41")
    return out


def escaping_symlink(folder: Path, name: str = "mat-khau.txt", target: str = "/etc/passwd") -> Path:
    """A link inside the folder that points at a system file outside it."""
    link = folder / name
    os.symlink(target, link)
    return link


def oversized(out: Path, megabytes: float) -> Path:
    """A sparse file of the given size: reading it whole would cost that much memory."""
    with open(out, "wb") as fh:
        fh.truncate(int(megabytes * 1024 * 1024))
    return out
