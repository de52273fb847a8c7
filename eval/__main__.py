"""python -m eval QUESTIONS.jsonl|BEIR_DIR --out DIR [--corpus PATH] [--k N] [--pipeline NAME] [--answerer llm]."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from eval.runner import EvalInputError, parse_pipelines, run_questions
from rag.config import load_settings
from rag.ingest.pipeline import IndexBusy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description="Đánh giá trên bộ câu hỏi hoặc BEIR.")
    parser.add_argument("source", type=Path, help="tệp câu hỏi .jsonl, hoặc thư mục BEIR (corpus.jsonl, queries.jsonl, qrels.tsv)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, help="lập chỉ mục tạm từ thư mục này (không đụng chỉ mục chính)")
    parser.add_argument("--k", type=int, default=None, help="số đoạn lấy về (mặc định 5; BEIR 10)")
    parser.add_argument("--pipeline", default="project", help="project | naive | bm25 | danh sách phẩy | all")
    parser.add_argument("--model", help="mô hình nhúng (tên, đường dẫn, hoặc none); mặc định RAG_EMBEDDING_MODEL")
    parser.add_argument("--limit", type=int, default=None, help="BEIR: chỉ chạy N truy vấn đầu")
    parser.add_argument("--answerer", choices=("extractive", "llm"), default=None,
                        help="bộ trả lời của pipeline project (mặc định RAG_ANSWERER); llm cần RAG_LLM_BASE_URL, "
                             "RAG_LLM_MODEL và báo thêm tỷ lệ bị loại khi kiểm chứng")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"embedding_model": args.model} if args.model else {}
    settings = load_settings(**overrides)
    if args.answerer == "llm" and not (settings.llm_base_url and settings.llm_model):
        print("--answerer llm cần RAG_LLM_BASE_URL và RAG_LLM_MODEL (ví dụ Ollama: http://127.0.0.1:11434/v1 "
              "và qwen2.5:7b-instruct)", file=sys.stderr)
        return 2
    try:
        pipelines = parse_pipelines(args.pipeline)
        if args.source.is_dir():
            from eval.beir import run_beir

            summary = run_beir(args.source, args.out, settings, args.k or 10, pipelines, args.limit)
        elif args.source.suffix == ".jsonl" and args.source.exists():
            summary = run_questions(args.source, args.out, settings, args.k or 5, pipelines, args.corpus, args.answerer)
        else:
            print(f"Không đọc được {args.source}: cần tệp .jsonl hoặc thư mục BEIR.", file=sys.stderr)
            return 2
    except (EvalInputError, IndexBusy) as err:
        print(str(err), file=sys.stderr)
        return 2
    overall = summary.get("overall", {})
    shown = {"pipeline": summary.get("pipeline"), "overall": overall, "latency_ms": summary.get("latency_ms")}
    if "verification" in summary:
        shown["verification"] = summary["verification"]
    print(json.dumps(shown, ensure_ascii=False, indent=2))
    print(f"→ {args.out}/report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
