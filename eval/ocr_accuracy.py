"""Character accuracy of the OCR stage on pages rendered from text PDFs, diacritics counted.

python -m eval.ocr_accuracy [--corpus corpus/] [--out DIR] [--variants clean300,clean200,office200,poor150]
python -m eval.ocr_accuracy --make-scans DIR [--variants office200]   (image-only PDFs of the corpus, for `python -m eval --corpus DIR`)

Each text document is printed to PDF (fpdf2, DejaVu font), each page rasterized (pypdfium2),
optionally degraded like an office scan (tilt, blur, noise, JPEG), wrapped as an image-only
PDF and read back through the project's own OCR (`rag.ingest.ocr`). The reference is the text
layer of the same page. Character accuracy = 1 − Levenshtein(reference, OCR) / len(reference),
after NFC and collapsing whitespace; diacritic recall = the share of the reference's letters
with diacritics that the alignment finds unchanged in the OCR text.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from eval.docgen import text_to_pdf
from rag.config import PROJECT_ROOT, load_settings
from rag.ingest.ocr import ocr_pages

# name → (dpi, degradation: tilt in degrees, blur radius, noise sigma, JPEG quality) or None for a clean render
VARIANTS: dict[str, tuple[int, tuple[float, float, float, int] | None]] = {
    "clean300": (300, None), "clean200": (200, None),
    "office200": (200, (0.7, 0.6, 12.0, 60)), "poor150": (150, (1.5, 1.0, 25.0, 40)),
}


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), two rows of memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _canon(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _diacritic(ch: str) -> bool:
    return ch.isalpha() and (ord(ch) > 0x7F)


def diacritic_recall(reference: str, hypothesis: str) -> tuple[int, int]:
    """(letters with diacritics found unchanged, letters with diacritics in the reference)."""
    total = sum(map(_diacritic, reference))
    matcher = SequenceMatcher(None, reference, hypothesis, autojunk=False)
    found = sum(_diacritic(reference[block.a + k]) for block in matcher.get_matching_blocks() for k in range(block.size))
    return found, total


def _degrade(image: Any, tilt: float, blur: float, noise: float, quality: int) -> Any:
    """A scan as offices make them: tilted, blurred, with sensor noise, saved as JPEG."""
    import numpy as np
    from PIL import Image, ImageFilter

    tilted = image.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(blurred, dtype=np.float32) + np.random.default_rng(0).normal(0, noise, blurred.size[::-1])
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def make_scan(source: Path, folder: Path, dpi: int, degrade: tuple[float, float, float, int] | None) -> tuple[Path, Path]:
    """(text PDF, image-only PDF) of a text document: printed, rasterized, optionally degraded."""
    import pypdfium2 as pdfium

    pdf = text_to_pdf(source.read_text(encoding="utf-8"), folder / f"{source.stem}.text.pdf")
    document = pdfium.PdfDocument(str(pdf))
    images = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        images.append(_degrade(image, *degrade) if degrade else image)
    document.close()
    scan = folder / f"{source.stem}.pdf"
    images[0].save(scan, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return pdf, scan


def measure_document(source: Path, folder: Path, dpi: int,
                     degrade: tuple[float, float, float, int] | None) -> list[dict[str, Any]]:
    """Per-page figures for one text document."""
    from pypdf import PdfReader

    pdf, scan = make_scan(source, folder, dpi, degrade)
    references = [_canon(page.extract_text() or "") for page in PdfReader(str(pdf)).pages]
    settings = load_settings(ocr_dpi=dpi)
    began = time.perf_counter()
    texts = ocr_pages(scan, scan.read_bytes(), list(range(len(references))), settings)
    seconds = (time.perf_counter() - began) / len(references)
    rows = []
    for index, reference in enumerate(references):
        hypothesis = _canon(texts[index])
        found, total = diacritic_recall(reference, hypothesis)
        rows.append({"document": source.name, "page": index + 1, "chars": len(reference),
                     "edits": levenshtein(reference, hypothesis), "diacritics": total, "diacritics_found": found,
                     "seconds": round(seconds, 2)})
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    chars, edits = sum(r["chars"] for r in rows), sum(r["edits"] for r in rows)
    total, found = sum(r["diacritics"] for r in rows), sum(r["diacritics_found"] for r in rows)
    worst = min(rows, key=lambda r: 1 - r["edits"] / max(1, r["chars"]))
    return {"pages": len(rows), "chars": chars, "char_accuracy": round(1 - edits / max(1, chars), 4),
            "diacritic_recall": round(found / max(1, total), 4),
            "worst_page": f"{worst['document']} p{worst['page']}: {1 - worst['edits'] / max(1, worst['chars']):.4f}",
            "seconds_per_page": round(sum(r["seconds"] for r in rows) / len(rows), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ocr_accuracy", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--make-scans", type=Path, help="only write image-only PDFs of the corpus into this folder")
    args = parser.parse_args(argv)
    sources = sorted(args.corpus.glob("*.txt"))
    if args.make_scans:
        args.make_scans.mkdir(parents=True, exist_ok=True)
        dpi, degrade = VARIANTS[args.variants.split(",")[0]]
        for source in sources:
            make_scan(source, args.make_scans, dpi, degrade)[0].unlink()
        return 0
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.variants.split(","):
            dpi, degrade = VARIANTS[name]
            rows = [row for source in sources for row in measure_document(source, Path(tmp), dpi, degrade)]
            report[name] = {"summary": summarize(rows), "pages": rows}
            print(f"{name}: {json.dumps(report[name]['summary'], ensure_ascii=False)}", flush=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "ocr_accuracy.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
