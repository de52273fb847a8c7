"""python -m eval.facts.bench --data DIR [--out DIR] [--ingest] — how long the register takes.

Stage 1 (always): load, parse and extract the register of every document of DATA/directives_vn,
timing the extraction alone (what ingest adds per document) and the slowest documents.
Stage 2 (--ingest): ingest the folder into a fresh lexical-only index (the register is stored per
document), re-ingest it unchanged (incremental: nothing is recomputed), and read the whole
register back as the Assistant does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rag.config import PROJECT_ROOT, load_settings
from rag.facts.extract import extract_facts
from rag.ingest.loaders import LoadError, load_document
from rag.ingest.pipeline import parse_document


def extraction(folder: Path) -> dict[str, Any]:
    settings = load_settings(embedding_model="none")
    times: list[tuple[float, str, int]] = []
    kinds = {"target": 0, "deadline": 0, "responsibility": 0}
    failed = 0
    started = time.perf_counter()
    for path in sorted(folder.glob("*.md")):
        try:
            doc = load_document(path, settings, folder)
        except LoadError:
            failed += 1
            continue
        meta, chunks = parse_document(doc, settings)
        t0 = time.perf_counter()
        facts = extract_facts(doc.doc_id, doc.text, chunks, meta=meta, pages=doc.pages)
        times.append((time.perf_counter() - t0, path.name, len(doc.text)))
        for fact in facts:
            kinds[fact.kind] += 1
    seconds = [t for t, _, _ in times]
    return {
        "documents": len(times), "load_errors": failed, "facts": kinds,
        "extract_seconds_total": round(sum(seconds), 1), "wall_seconds_load_parse_extract": round(time.perf_counter() - started, 1),
        "extract_ms_median": round(1000 * statistics.median(seconds), 1),
        "extract_ms_p95": round(1000 * sorted(seconds)[int(0.95 * (len(seconds) - 1))], 1),
        "slowest": [{"doc": n, "seconds": round(t, 2), "chars": c} for t, n, c in sorted(times, reverse=True)[:5]],
    }


def ingesting(folder: Path, index_dir: Path) -> dict[str, Any]:
    from rag.engine import Assistant
    from rag.ingest.pipeline import ingest

    settings = load_settings(index_dir=index_dir, embedding_model="none")
    first = ingest([folder], settings, use_model=False)
    again = ingest([folder], settings, use_model=False)
    t0 = time.perf_counter()
    assistant = Assistant(settings, use_model=False)
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    registers = assistant.registers()
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    duties = assistant.register(agency="Sở Tài chính", kind=("responsibility", "deadline"))
    query = time.perf_counter() - t0
    return {
        "ingest_seconds": round(first.seconds, 1), "ingested": len(first.added), "failed": len(first.failed),
        "reingest_unchanged_seconds": round(again.seconds, 1), "unchanged": len(again.unchanged),
        "assistant_open_seconds": round(opened, 1), "register_read_seconds": round(read, 2),
        "register_facts": sum(len(v) for v in registers.values()),
        "query_so_tai_chinh_ms": round(1000 * query, 1), "query_so_tai_chinh_rows": len(duties),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts.bench")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--ingest", action="store_true", help="also ingest into a fresh index and read the register")
    parser.add_argument("--index", type=Path, help="index folder for --ingest (default: a temporary one)")
    args = parser.parse_args(argv)
    folder = args.data / "directives_vn"
    if not folder.is_dir():
        print(f"Không thấy {folder}: đặt --data tới thư mục dữ liệu.", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"extraction": extraction(folder)}
    print(json.dumps(report["extraction"], ensure_ascii=False, indent=2), flush=True)
    if args.ingest:
        index = args.index or Path(tempfile.mkdtemp(prefix="facts-bench-"))
        report["ingest"] = ingesting(folder, index)
        print(json.dumps(report["ingest"], ensure_ascii=False, indent=2))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "facts-bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
