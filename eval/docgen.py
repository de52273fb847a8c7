"""Re-make text documents as real PDF (fpdf2, Unicode font) and DOCX (python-docx) files.

Used by the tests and by `make eval-pdf` to check that PDF text costs no accuracy. Markdown
decoration (### and **) is rendered as bold headings, as a real document would show it.
"""

from __future__ import annotations

import re
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_HEADING = re.compile(r"^#{1,6}\s*")


def _plain(paragraph: str) -> tuple[str, bool]:
    bold = paragraph.startswith("#") or paragraph.startswith("**")
    text = _HEADING.sub("", paragraph).replace("**", "")
    return text, bold


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def text_to_pdf(text: str, out: Path) -> Path:
    """Write `text` as an A4 PDF with wrapped lines and page breaks."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    for paragraph in _paragraphs(text):
        plain, bold = _plain(paragraph)
        pdf.set_font("DejaVu", "B" if bold else "", 11)
        for line in plain.split("\n"):
            pdf.multi_cell(0, 6, line.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(out))
    return out


def text_to_docx(text: str, out: Path) -> Path:
    """Write `text` as a DOCX, one Word paragraph per text paragraph line."""
    import docx

    document = docx.Document()
    for paragraph in _paragraphs(text):
        plain, bold = _plain(paragraph)
        for line in plain.split("\n"):
            run = document.add_paragraph().add_run(line.strip())
            run.bold = bold
    document.save(str(out))
    return out


def remake_corpus(src: Path, dst: Path, kind: str = "pdf") -> list[Path]:
    """Every .txt/.md under `src` re-made as `kind` (pdf or docx) under `dst`."""
    dst.mkdir(parents=True, exist_ok=True)
    made = []
    for file in sorted(src.glob("*.txt")) + sorted(src.glob("*.md")):
        target = dst / (file.stem + "." + kind)
        maker = text_to_pdf if kind == "pdf" else text_to_docx
        made.append(maker(file.read_text(encoding="utf-8"), target))
    return made


def main(argv: list[str] | None = None) -> int:
    """python -m eval.docgen SRC DST [--kind pdf|docx]: re-make a text corpus as real files."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m eval.docgen")
    parser.add_argument("src", type=Path)
    parser.add_argument("dst", type=Path)
    parser.add_argument("--kind", choices=("pdf", "docx"), default="pdf")
    args = parser.parse_args(argv)
    made = remake_corpus(args.src, args.dst, args.kind)
    print(f"{len(made)} tệp {args.kind} trong {args.dst}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
