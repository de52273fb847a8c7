"""Command line of the library: docs (with the health of the store and of the local index), ask, lookup, facts."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rag.config import Settings, load_settings
from rag.health import check
from rag.index.chroma import Store
from rag.index.local import LocalIndex
from rag.index.remote import StoreUnavailable


def documents(settings: Settings, records: Mapping[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The indexed documents with their metadata (the `docs --json` records).

    From the store's manifest, or from the records given (the UI passes its local view, which
    stays readable while the store is down).
    """
    if records is None:
        records = Store(settings).manifest()
    out = []
    for doc_id, record in sorted(records.items()):
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


def index_summary(store: Store) -> dict[str, Any]:
    """The index as a whole: which embedding model its vectors come from (None: lexical-only), chunk count."""
    return {"embedding_model": store.embedding_model, "chunks": store.count()}


def _cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    health, store = check(settings)
    local: dict[str, dict[str, Any]] | None = None
    if health.store.up:
        try:
            docs, summary = documents(settings, store.manifest()), index_summary(store)
        except StoreUnavailable:  # went down between the health check and the listing
            health = replace(health, store=store.health)
    if not health.store.up:
        local = LocalIndex.peek_records(settings.cache_dir / "local")
        docs, summary = documents(settings, local), {"embedding_model": None, "chunks": None}
    code = 0 if health.store.up else 4
    if args.json:
        print(json.dumps({"health": health.as_dict(), "index": summary, "documents": docs,
                          "from_local_copy": local is not None}, ensure_ascii=False, indent=2))
        return code
    for line in health.lines():
        print(f"⚠ {line}")
    if local is not None:
        print(f"Danh sách dưới đây lấy từ bản sao cục bộ của máy này ({len(local)} văn bản):" if local else
              "Máy này chưa có bản sao cục bộ của chỉ mục.")
    elif not docs:
        print("Chỉ mục chưa có văn bản nào. Chạy: python ingest.py corpus/")
    for d in docs:
        label = f"{d['doc_type'] or 'Văn bản'} {d['number'] or '(không ghi số)'}"
        origin = f"; chữ nhận dạng bằng OCR ({d['ocr_pages']} trang)" if d["text_origin"] == "ocr" else ""
        if d["converted_from"]:
            origin += f"; đã chuyển mã {d['converted_from']} → Unicode"
        print(f"{d['doc_id']}\n  {label} — {d['issuer'] or '?'}, {d['issued_text'] or '?'}; "
              f"{d['n_chunks']} đoạn{origin}\n  {d['title'] or ''}")
    return code


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
