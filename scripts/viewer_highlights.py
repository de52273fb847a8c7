"""How often the source viewer can box a cited quote on its PDF page, and how long opening takes.

python scripts/viewer_highlights.py [QUESTIONS.jsonl] [--corpus corpus/]

Re-makes the corpus as real PDFs (eval.docgen), indexes them lexical-only in a temporary folder,
asks every question, and opens the viewer for every citation: counts pages whose highlight
verified (the boxes' characters spell the quote) and times the first and a repeated open.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.docgen import remake_corpus  # noqa: E402
from rag.config import PROJECT_ROOT, Settings  # noqa: E402
from rag.engine import Assistant  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402
from ui.viewer import find_original, pdf_pages, viewer_html  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=PROJECT_ROOT / "eval/questions/directives.jsonl")
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = Path(tmp) / "pdf"
        remake_corpus(args.corpus, pdfs, "pdf")
        settings = Settings(index_dir=Path(tmp) / "index", embedding_model="none", _env_file=None)  # type: ignore[call-arg]
        ingest([pdfs], settings, use_model=False)
        assistant = Assistant(settings, use_model=False)
        corpus = assistant.corpus
        seen: set[tuple[str, int, int]] = set()
        verified = unverified = 0
        first_ms, again_ms, reasons = [], [], {}
        for line in args.questions.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for citation in assistant.ask(item["question"]).citations:
                key = (citation.doc_id, citation.start, citation.end)
                if key in seen:
                    continue
                seen.add(key)
                for timing in (first_ms, again_ms):
                    started = time.perf_counter()
                    viewer_html(corpus, citation, settings, "Nguồn")
                    timing.append((time.perf_counter() - started) * 1000)
                views = pdf_pages(corpus, citation, find_original(corpus, citation.doc_id, settings))
                if views and all(v.verified for v in views):
                    verified += 1
                else:
                    unverified += 1
                    note = next((v.note for v in views if v.note), "no page")
                    reasons[note] = reasons.get(note, 0) + 1
        total = verified + unverified
        print(f"distinct cited quotes on PDF pages: {total}")
        print(f"highlight verified: {verified} ({verified / max(total, 1):.1%}); shown unmarked: {unverified} {reasons}")
        print(f"viewer open, first (renders the page): median {statistics.median(first_ms):.0f} ms, "
              f"max {max(first_ms):.0f} ms")
        print(f"viewer open, repeated (page cached): median {statistics.median(again_ms):.0f} ms, "
              f"max {max(again_ms):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
