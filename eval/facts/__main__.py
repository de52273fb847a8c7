"""python -m eval.facts [--split tune|heldout|all] [--data DIR] [--out DIR] [--misses]

Extracts the register of every gold document with the project's pipeline (load → parse →
facts) and scores it against eval/facts/gold/*.json. Held-out misses are listed only with
--misses heldout, so that tuning does not look at them by accident.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from eval.facts.score import GoldError, load_gold, score_document, summarize
from rag.config import PROJECT_ROOT, load_settings
from rag.facts.extract import extract_facts
from rag.ingest.loaders import LoadError, load_document
from rag.ingest.pipeline import parse_document

GOLD = Path(__file__).with_name("gold")


def _path_of(doc: str, data: Path) -> Path:
    return PROJECT_ROOT / doc if doc.startswith("corpus/") else data / doc


def run(split: str, data: Path) -> tuple[list[dict[str, Any]], float]:
    settings = load_settings()
    rows = []
    started = time.perf_counter()
    for gold in load_gold(GOLD):
        if split != "all" and gold["split"] != split:
            continue
        path = _path_of(gold["doc"], data)
        doc = load_document(path, settings, path.parent)
        meta, chunks = parse_document(doc, settings)
        facts = extract_facts(doc.doc_id, doc.text, chunks, meta=meta, pages=doc.pages)
        rows.append(score_document(gold, doc.text, facts))
    return rows, time.perf_counter() - started


def _table(summary: dict[str, Any]) -> str:
    keys = ("recall_targets", "recall_targets_with_period", "recall_deadlines", "recall_deadlines_with_agency",
            "recall_responsibilities", "precision")
    return "\n".join(f"  {k:32} {summary[k]}" for k in keys) + "\n  " + json.dumps(summary["counts"], ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts", description="Chấm sổ nhiệm vụ theo sổ chuẩn (gold).")
    parser.add_argument("--split", default="all", choices=("tune", "heldout", "all"))
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "data",
                        help="thư mục dữ liệu chứa directives_vn/ (mặc định ../shared/data)")
    parser.add_argument("--out", type=Path, help="ghi summary.json và chi tiết vào thư mục này")
    parser.add_argument("--misses", choices=("tune", "heldout", "all"), help="in các bản ghi bị sót / thừa")
    args = parser.parse_args(argv)
    try:
        rows, seconds = run(args.split, args.data)
    except (GoldError, LoadError, FileNotFoundError) as err:
        print(f"Không chấm được: {err}. Kiểm tra --data và eval/facts/gold/.", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"seconds": round(seconds, 2)}
    for split in ("tune", "heldout"):
        part = [r for r in rows if r["split"] == split]
        if part:
            report[split] = summarize(part)
            print(f"{split} ({len(part)} văn bản):\n{_table(report[split])}")
    for r in rows:
        per = {k: r[k] for k in ("target", "deadline", "responsibility")}
        print(f"- {r['label'][:70]} [{r['split']}]: {json.dumps(per, ensure_ascii=False)}")
        if args.misses in (r["split"], "all"):
            for m in r["misses"]:
                print(f"    MISS {json.dumps(m, ensure_ascii=False)[:260]}")
            for x in r["extra"]:
                print(f"    EXTRA {json.dumps(x, ensure_ascii=False)[:260]}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "summary.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        (args.out / "documents.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
