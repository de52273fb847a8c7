"""Check a question set against its documents: `python -m eval.checkset QUESTIONS.jsonl --docs DIR`.

Every evidence string must be verbatim in the question's document (`doc`) after the contract's
normalization, every answer inside its evidence, every list item in the document; follow-ups
need `turns`, lists need `items`; `--forbid LIST` names documents a set must not use (a held-out
split). Exit code 1 when anything fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rag.text import contract_normalize as norm


def problems(question: dict[str, Any], text: str) -> list[str]:
    """What is wrong with one question, given its document's normalized text."""
    found = []
    evidence = [norm(e) for e in question.get("evidence", [])]
    for raw, ev in zip(question.get("evidence", []), evidence, strict=True):
        if ev not in text:
            found.append(f"evidence not verbatim: {raw[:80]}")
    answers = question.get("answers", [])
    if answers:
        if not evidence:
            found.append("answerable but no evidence")
        elif question.get("type") != "lookup" and not any(norm(a) in " ".join(evidence) for a in answers):
            found.append(f"no answer inside the evidence: {answers[:2]}")
        if not any(norm(a) in text for a in answers):
            found.append(f"no answer in the document: {answers[:2]}")
    elif evidence:
        found.append("unanswerable with evidence")
    found += [f"item not in document: {item}" for item in question.get("items", []) if norm(item) not in text]
    if question.get("type") == "list" and not question.get("items"):
        found.append("list without items")
    if question.get("type") == "followup" and not question.get("turns"):
        found.append("followup without turns")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.checkset", description=__doc__)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--docs", type=Path, required=True, help="folder holding the files named by `doc`")
    parser.add_argument("--forbid", type=Path, help="a list of documents this set must not use")
    args = parser.parse_args(argv)
    forbidden = set(args.forbid.read_text(encoding="utf-8").split()) if args.forbid else set()
    ok, seen, types, docs = True, set(), Counter(), Counter()
    for n, line in enumerate(args.questions.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        q = json.loads(line)
        where = f"line {n} ({q.get('id')})"
        missing = [f for f in ("id", "type", "question", "answers", "evidence", "doc") if f not in q]
        issues = [f"missing {', '.join(missing)}"] if missing else []
        if not missing:
            issues += ["duplicate id"] if q["id"] in seen else []
            issues += ["uses a forbidden (held-out) document"] if q["doc"] in forbidden else []
            issues += problems(q, norm((args.docs / q["doc"]).read_text(encoding="utf-8")))
            seen.add(q["id"])
            types[q["type"]] += 1
            docs[q["doc"]] += 1
        for issue in issues:
            print(where, issue)
        ok = ok and not issues
    print(dict(types))
    print(f"{len(docs)} documents; {sum(docs.values())} questions")
    print("OK" if ok else "PROBLEMS FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
