"""Thin CLI: python ingest.py [PATHS...] [--prune] — index documents (default: corpus/)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from rag.config import load_settings
from rag.ingest.pipeline import IndexBusy, format_report, ingest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Nạp văn bản (PDF, DOCX, TXT, MD, HTML) vào chỉ mục.")
    parser.add_argument("paths", nargs="*", type=Path, help="tệp hoặc thư mục (mặc định: corpus/)")
    parser.add_argument("--prune", action="store_true", help="gỡ khỏi chỉ mục các văn bản mà tệp đã bị xóa")
    parser.add_argument("--lexical-only", action="store_true", help="không dùng mô hình nhúng")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    if settings.ingest_nice > 0 and hasattr(os, "nice"):
        os.nice(settings.ingest_nice)  # batch work: questions served on this machine come first
    paths = args.paths or [settings.corpus_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"Không tìm thấy: {', '.join(map(str, missing))}. Kiểm tra lại đường dẫn.", file=sys.stderr)
        return 2
    try:
        report = ingest(paths, settings, prune=args.prune, use_model=not args.lexical_only)
    except IndexBusy as busy:
        print(str(busy), file=sys.stderr)
        return 3
    print(format_report(report))
    if report.stopped is not None:
        return 4  # the store became unreachable: run again once it is back
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
