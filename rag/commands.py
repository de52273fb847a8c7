"""ask and lookup subcommands of `python -m rag`."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.health import STORE_UNAVAILABLE


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.engine import Assistant, answer_record

    assistant = Assistant(settings, use_model=not args.lexical_only)
    if assistant.notice and not args.json:
        print(f"⚠ {assistant.notice}")
    doc_filter = assistant.docs_matching(args.doc) if args.doc else None
    if args.doc and not doc_filter:
        print(f"Không có văn bản số {args.doc} trong chỉ mục.")
        return 2
    started = time.perf_counter()
    answer = assistant.ask(args.question, k=args.k, doc_filter=doc_filter)
    latency = (time.perf_counter() - started) * 1000
    if STORE_UNAVAILABLE in answer.notes:  # not an answer: the store could not be read
        print(answer.text, file=sys.stderr)
        return 4
    if args.json:
        record = answer_record(args.question, answer, latency, assistant.corpus, args.k or settings.top_k)
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    print(answer.text)
    for n, c in enumerate(answer.citations, start=1):
        meta = assistant.corpus.meta(c.doc_id)
        page = f", trang {c.page}" if c.page else ""
        print(f"\n[{n}] {meta.label()} — {meta.issuer or ''} {meta.issued_text or ''}; {c.path}{page}\n    «{c.quote}»")
    return 0


def _cmd_lookup(args: argparse.Namespace, settings: Settings) -> int:
    from rag.engine import Assistant

    found = Assistant(settings, use_model=False).lookup(args.reference)
    if found is None:
        print(f"Không tìm thấy văn bản cho «{args.reference}».")
        return 2
    if args.json:
        print(json.dumps({"document": found["document"], "clauses": found["clauses"]}, ensure_ascii=False, indent=2))
        return 0
    doc = found["document"]
    print(f"{doc['doc_type'] or 'Văn bản'} {doc['number'] or '(không ghi số)'} — {doc['title'] or ''}")
    for clause in found["clauses"]:
        print(f"\n[{clause['path']}]\n{clause['text']}")
    return 0


def _date_arg(value: str | None) -> date | None:
    """'2025-12-31' or '31/12/2025' → a date; anything else is the user's typo (ValueError)."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    return date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else date.fromisoformat(value.strip())


def _cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from rag.engine import Assistant
    from rag.facts.export import to_csv, to_ics, to_xlsx
    from rag.facts.register import KIND_NAMES, fact_record

    try:
        due_before = _date_arg(args.due_before)
    except ValueError:
        print(f"--due-before «{args.due_before}»: cần ngày dạng 2025-12-31 hoặc 31/12/2025.", file=sys.stderr)
        return 2
    assistant = Assistant(settings, use_model=False)
    if args.rebuild:
        return _rebuild_facts(assistant, settings)
    doc_ids = None
    if args.doc:
        doc_ids = [args.doc] if args.doc in assistant.corpus.metas else assistant.docs_matching(args.doc)
        if not doc_ids:
            print(f"Không có văn bản số {args.doc} trong chỉ mục.")
            return 2
    kind = args.kind or (("deadline",) if args.ics else None)
    facts = assistant.register(agency=args.agency, kind=kind, due_before=due_before, doc_ids=doc_ids,
                               period=args.period, text=args.text, role=args.role)

    def label(doc_id: str) -> str:
        return assistant.corpus.meta(doc_id).label()

    def issued(doc_id: str) -> date | None:
        iso = assistant.corpus.meta(doc_id).issued_on
        return date.fromisoformat(iso) if iso else None

    if args.xlsx:
        Path(args.xlsx).write_bytes(to_xlsx(facts, label))
        print(f"Đã ghi {len(facts)} dòng vào {args.xlsx}.")
        return 0
    if args.ics or args.csv:
        data = to_ics(facts, label, issued) if args.ics else to_csv(facts, label).encode("utf-8")
        if args.out:
            Path(args.out).write_bytes(data)
            print(f"Đã ghi {len(facts)} dòng vào {args.out}.")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return 0
    if args.json:
        print(json.dumps({"facts": [fact_record(f, label) for f in facts]}, ensure_ascii=False, indent=2))
        return 0
    if not facts:
        print("Không có chỉ tiêu, thời hạn hay nhiệm vụ nào khớp bộ lọc.")
    for f in facts:
        detail = " ".join(x for x in (f.value, f.unit, f.agency, f.role, f.due) if x)
        print(f"[{KIND_NAMES[f.kind]}] {label(f.doc_id)}, {f.path}: {detail}\n    «{f.quote}»")
    return 0


def _rebuild_facts(assistant: Any, settings: Settings) -> int:
    """Extract and store the register of every indexed document (indexes built before it existed)."""
    from filelock import FileLock, Timeout

    from rag.facts.store import save_facts

    lock = FileLock(str(settings.index_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"Một tiến trình khác đang nạp văn bản vào chỉ mục {settings.index_dir}; hãy đợi nó xong rồi chạy lại.",
              file=sys.stderr)
        return 1
    try:
        started = time.perf_counter()
        corpus = assistant.corpus
        total = 0
        for doc_id in sorted(corpus.metas):
            facts = assistant._extract(doc_id)
            save_facts(assistant.store, doc_id, str(corpus.record(doc_id).get("sha256", "")), facts)
            total += len(facts)
        seconds = time.perf_counter() - started
    finally:
        lock.release()
    print(f"Đã lập sổ nhiệm vụ cho {len(corpus.metas)} văn bản: {total} chỉ tiêu, thời hạn, trách nhiệm "
          f"({seconds:.1f} giây).")
    return 0


def register(sub: Any) -> None:
    """Add the answering subcommands to the `python -m rag` parser."""
    p_ask = sub.add_parser("ask", help="hỏi một câu")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true")
    p_ask.add_argument("--k", type=int, default=None)
    p_ask.add_argument("--doc", help="chỉ tìm trong văn bản có số này (ví dụ 33/KH-UBND)")
    p_ask.add_argument("--lexical-only", action="store_true")
    p_ask.set_defaults(func=_cmd_ask)
    p_lookup = sub.add_parser("lookup", help="tra cứu theo số văn bản và điều khoản")
    p_lookup.add_argument("reference")
    p_lookup.add_argument("--json", action="store_true")
    p_lookup.set_defaults(func=_cmd_lookup)
    p_facts = sub.add_parser("facts", help="sổ nhiệm vụ: chỉ tiêu, thời hạn, trách nhiệm theo cơ quan, qua các văn bản")
    p_facts.add_argument("--doc", help="số văn bản (ví dụ 33/KH-UBND) hoặc mã văn bản")
    p_facts.add_argument("--agency", help="cơ quan, ví dụ «Sở Tài chính» (tên viết tắt cũng được: «Sở KH&CN»)")
    p_facts.add_argument("--kind", choices=("target", "deadline", "responsibility"))
    p_facts.add_argument("--role", choices=("chủ trì", "phối hợp", "thực hiện"))
    p_facts.add_argument("--due-before", help="chỉ những thời hạn đến hết ngày này (2025-12-31 hoặc 31/12/2025)")
    p_facts.add_argument("--period", help="kỳ: năm (2025) hoặc giai đoạn (2026 - 2030)")
    p_facts.add_argument("--text", help="chứa cụm từ này (nhiệm vụ hoặc trích dẫn)")
    out = p_facts.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="bản ghi JSON (các trường cũ và mới)")
    out.add_argument("--csv", action="store_true", help="bảng CSV")
    out.add_argument("--ics", action="store_true", help="lịch iCalendar các thời hạn (RFC 5545)")
    out.add_argument("--xlsx", metavar="PATH", help="ghi bảng Excel vào PATH")
    out.add_argument("--rebuild", action="store_true", help="lập lại và lưu sổ cho mọi văn bản đã nạp")
    p_facts.add_argument("--out", help="ghi CSV/ICS vào tệp này thay vì in ra")
    p_facts.set_defaults(func=_cmd_facts)
