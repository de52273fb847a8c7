"""python -m eval.facts.sample --data DIR --seed N --n 40 — a random sample of the register over the crawl.

One random fact from each of N randomly drawn documents of DATA/directives_vn that have a register
(the held-out question sets and the gold documents left out), printed for a person to judge. The
gold register measures recall on six documents; this sample estimates precision on everything
else (news pages, encyclopaedia pages, regulations), where the gold says nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from rag.config import PROJECT_ROOT, load_settings
from rag.facts.extract import extract_facts
from rag.ingest.loaders import load_document
from rag.ingest.pipeline import parse_document

GOLD_DOCS = {"f004d93b21e7fc5f.md", "646f0a00d4174382.md", "24701a1c97c8c368.md", "a69069ae524315d9.md",
             "74e2ddc7b11340da.md"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts.sample")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=606)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args(argv)
    folder = args.data / "directives_vn"
    if not folder.is_dir():
        print(f"Không thấy {folder}: đặt --data tới thư mục dữ liệu.", file=sys.stderr)
        return 2
    held_out = set()
    for listing in (args.data / "directives_vn_qa" / "DOCS.txt", PROJECT_ROOT / "eval" / "questions" / "unseen_test_docs.txt"):
        if listing.is_file():
            held_out |= set(listing.read_text(encoding="utf-8").split())
    settings = load_settings(embedding_model="none")
    paths = [p for p in sorted(folder.glob("*.md")) if p.name not in held_out | GOLD_DOCS]
    rng = random.Random(args.seed)
    rng.shuffle(paths)
    shown = 0
    for path in paths:
        doc = load_document(path, settings, folder)
        meta, chunks = parse_document(doc, settings)
        facts = extract_facts(doc.doc_id, doc.text, chunks, meta=meta, pages=doc.pages)
        if not facts:
            continue
        f = rng.choice(facts)
        print(f"[{shown}] {path.name} {meta.kind} {f.kind} | {f.agency} | {f.role} | due={f.due} | "
              f"value={f.value} {f.unit or ''} | task={(f.task or f.indicator or '')[:70]}\n    «{f.quote[:260]}»")
        shown += 1
        if shown >= args.n:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
