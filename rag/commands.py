"""ask and lookup subcommands of `python -m rag`."""

from __future__ import annotations

import argparse
import json
import sys
import time
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


def _cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from rag.engine import Assistant

    assistant = Assistant(settings, use_model=False)
    docs = assistant.docs_matching(args.doc) if args.doc else sorted(assistant.corpus.metas)
    if not docs:
        print(f"Không có văn bản số {args.doc} trong chỉ mục.")
        return 2
    facts = [f for d in docs for f in assistant.facts(d) if not args.kind or f.kind == args.kind]
    if args.json:
        print(json.dumps({"facts": [asdict(f) for f in facts]}, ensure_ascii=False, indent=2))
        return 0
    names = {"target": "Chỉ tiêu", "deadline": "Thời hạn", "responsibility": "Trách nhiệm"}
    for f in facts:
        label = assistant.corpus.meta(f.doc_id).label()
        detail = " ".join(x for x in (f.value, f.unit, f.due, f.agency, f.role) if x)
        print(f"[{names[f.kind]}] {label}, {f.path}: {detail}\n    «{f.quote}»")
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
    p_facts = sub.add_parser("facts", help="chỉ tiêu, thời hạn, trách nhiệm trong văn bản")
    p_facts.add_argument("--doc", help="số văn bản, ví dụ 33/KH-UBND")
    p_facts.add_argument("--kind", choices=("target", "deadline", "responsibility"))
    p_facts.add_argument("--json", action="store_true")
    p_facts.set_defaults(func=_cmd_facts)
