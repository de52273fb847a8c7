"""Command line of the library: docs, ask, lookup, stats."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from rag.config import Settings, load_settings
from rag.index.chroma import Store


def documents(settings: Settings) -> list[dict[str, Any]]:
    """The indexed documents with their metadata (the `docs --json` records)."""
    store = Store(settings)
    out = []
    for doc_id, record in sorted(store.manifest().items()):
        out.append({
            "doc_id": doc_id, "source": record.get("source"), "number": record.get("number"),
            "doc_type": record.get("doc_type"), "issuer": record.get("issuer"), "place": record.get("place"),
            "issued_on": record.get("issued_on"), "issued_text": record.get("issued_text"),
            "title": record.get("title"), "signer": record.get("signer"), "n_chunks": record.get("n_chunks", 0),
            # how the text was obtained: "ocr" words may hold recognition errors; a converted text was legacy-encoded
            "text_origin": record.get("text_origin", "text"), "ocr_pages": record.get("ocr_pages", 0),
            "converted_from": record.get("converted_from") or None,
        })
    return out


def index_summary(settings: Settings) -> dict[str, Any]:
    """The index as a whole: which embedding model its vectors come from (None: lexical-only), chunk count."""
    store = Store(settings)
    return {"embedding_model": store.embedding_model, "chunks": store.count()}


def _cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    docs = documents(settings)
    if args.json:
        print(json.dumps({"index": index_summary(settings), "documents": docs}, ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("Chỉ mục chưa có văn bản nào. Chạy: python ingest.py corpus/")
    for d in docs:
        label = f"{d['doc_type'] or 'Văn bản'} {d['number'] or '(không ghi số)'}"
        origin = f"; chữ nhận dạng bằng OCR ({d['ocr_pages']} trang)" if d["text_origin"] == "ocr" else ""
        if d["converted_from"]:
            origin += f"; đã chuyển mã {d['converted_from']} → Unicode"
        print(f"{d['doc_id']}\n  {label} — {d['issuer'] or '?'}, {d['issued_text'] or '?'}; "
              f"{d['n_chunks']} đoạn{origin}\n  {d['title'] or ''}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="Trợ lý văn bản chỉ đạo.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_docs = sub.add_parser("docs", help="các văn bản đã lập chỉ mục")
    p_docs.add_argument("--json", action="store_true")
    p_docs.set_defaults(func=_cmd_docs)
    _add_answer_commands(sub)
    return parser


def _add_answer_commands(sub: Any) -> None:
    """ask / lookup are wired here once the answering stage is importable."""
    from rag import commands

    commands.register(sub)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    settings = load_settings()
    result: int = args.func(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
