"""Run a question set through the project's pipeline and the baselines; write the contract outputs."""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eval.baselines import NaiveDense, Piece, PlainBM25, naive_pieces
from eval.metrics import summarize
from eval.report import write_question_report
from rag.config import Settings
from rag.engine import Assistant, answer_record
from rag.ingest.pipeline import ingest

PIPELINES = ("project", "dense", "naive", "bm25")  # dense: the project's dense leg alone (BEIR mode)


class EvalInputError(Exception):
    """A question set or corpus the runner cannot use (named, with the fix)."""


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{path}:{n}: không phải JSON hợp lệ ({exc.msg})") from exc
        missing = [f for f in ("id", "question", "answers", "evidence") if f not in item]
        if missing:
            raise EvalInputError(f"{path}:{n}: thiếu trường {', '.join(missing)} (xem EVAL_CONTRACT.md)")
        if item["id"] in seen:
            raise EvalInputError(f"{path}:{n}: id trùng lặp {item['id']!r}")
        seen.add(item["id"])
        questions.append(item)
    if not questions:
        raise EvalInputError(f"{path}: không có câu hỏi nào")
    return questions


def parse_pipelines(spec: str) -> list[str]:
    names = list(PIPELINES) if spec == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in PIPELINES]
    if unknown:
        raise EvalInputError(f"pipeline không có: {', '.join(unknown)} (chọn trong {', '.join(PIPELINES)} hoặc all)")
    return names


def _baseline_record(q: Mapping[str, Any], hits: Sequence[tuple[Piece, float]], latency: float) -> dict[str, Any]:
    top = hits[0][0] if hits else None
    return {
        "id": q["id"], "type": q.get("type"), "question": q["question"],
        "answer": top.text[:400] if top else "", "abstained": top is None,
        "citations": [{"doc_id": top.doc_id, "path": top.path, "quote": top.text[:400], "title": ""}] if top else [],
        "passages": [{"rank": n, "doc_id": p.doc_id, "path": p.path, "score": round(s, 6), "text": p.text}
                     for n, (p, s) in enumerate(hits, start=1)],
        "latency_ms": round(latency, 2),
    }


def verification_summary(results: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """What the LLM answerer's verification did over a run (None when the answerer is not an LLM):
    answers refused (core claim unsupported, or reply outside the format) and claims stripped."""
    reports = [r["verification"] for r in results if "verification" in r]
    if not reports:
        return None
    outcomes = Counter(str(r["outcome"]) for r in reports)
    replies = sum(n for outcome, n in outcomes.items() if outcome not in ("error", "skipped"))
    refused = outcomes["refused"] + outcomes["format"]
    claims = sum(int(r["claims"]) for r in reports)
    stripped = sum(int(r["stripped"]) for r in reports)
    return {
        "questions": len(reports), "model_replies": replies, "outcomes": dict(sorted(outcomes.items())),
        "answers_refused": refused, "refusal_rate": round(refused / replies, 4) if replies else None,
        "answers_stripped": outcomes["stripped"], "answers_repointed": outcomes["repointed"],
        "claims": claims, "claims_stripped": stripped, "claim_strip_rate": round(stripped / claims, 4) if claims else None,
        "model_errors": outcomes["error"], "model_not_found": outcomes["not_found"],
    }


def _verification_report(summary: Mapping[str, Any], accuracy: Any) -> str:
    rate = summary["refusal_rate"]
    strip = summary["claim_strip_rate"]
    return "\n".join([
        "## Verification of the LLM answers (project)", "",
        "| answer accuracy | model replies | answers refused | refusal rate | answers stripped | claims stripped "
        "| claim strip rate | re-pointed | model errors | model: not found |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {accuracy} | {summary['model_replies']} | {summary['answers_refused']} | {rate} | "
        f"{summary['answers_stripped']} | {summary['claims_stripped']} of {summary['claims']} | {strip} | "
        f"{summary['answers_repointed']} | {summary['model_errors']} | {summary['model_not_found']} |", "",
        "Refused: the claim answering the question was not supported by the model's quotes, or the reply "
        "broke the format; the extractive answer was shown instead. Outcomes: "
        + ", ".join(f"{k} {v}" for k, v in summary["outcomes"].items()) + ".", ""])


def run_questions(questions_path: Path, out: Path, settings: Settings, k: int, pipelines: Sequence[str],
                  corpus: Path | None = None, answerer: str | None = None, chat_model: Any = None) -> dict[str, Any]:
    """Answer every question with each pipeline; write results.jsonl, summary.json, report.md.

    `answerer` ('extractive' or 'llm') overrides RAG_ANSWERER for the project pipeline; with 'llm' each
    result carries its `verification` and summary.json the drop rates (verification_summary)."""
    questions = load_questions(questions_path)
    out.mkdir(parents=True, exist_ok=True)
    if answerer:
        settings = settings.model_copy(update={"answerer": answerer})
    with tempfile.TemporaryDirectory(prefix="eval-index-") as tmp:
        if corpus is not None:
            settings = settings.model_copy(update={"index_dir": Path(tmp)})
            report = ingest([corpus], settings)
            if not report.total_docs:
                raise EvalInputError(f"{corpus}: không nạp được văn bản nào")
        assistant = Assistant(settings, chat_model=chat_model)
        sources = {d: assistant.corpus.text(d) for d in assistant.corpus.metas}
        runs: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        notes: list[str] = []
        for name in pipelines:
            if name == "project":
                results = []
                for q in questions:
                    turn = None
                    for earlier in q.get("turns") or []:  # the same chat session, as the UI keeps it
                        _, turn = assistant.converse(earlier, turn, k=k)
                    started = time.perf_counter()
                    answer, _ = assistant.converse(q["question"], turn, k=k)
                    latency = (time.perf_counter() - started) * 1000
                    record = answer_record(q["question"], answer, latency, assistant.corpus, k,
                                           {"id": q["id"], "type": q.get("type")})
                    verification = getattr(assistant.answerer, "last_verification", None)
                    if verification is not None:
                        record["verification"] = asdict(verification)
                    results.append(record)
                runs[name] = (questions, results)
                continue
            if name == "dense":
                notes.append("dense: chỉ đo ở chế độ BEIR (nhánh dense của dự án, không có bộ trả lời).")
                continue
            pieces = naive_pieces(sources)
            if name == "naive" and assistant.embedder is None:
                notes.append("naive: bỏ qua — cần mô hình nhúng (RAG_EMBEDDING_MODEL) cho nhánh dense.")
                continue
            engine = NaiveDense(pieces, assistant.embedder) if name == "naive" else PlainBM25(pieces)  # type: ignore[arg-type]
            results = []
            for q in questions:
                started = time.perf_counter()
                hits = engine.search(q["question"], max(k, 10))
                results.append(_baseline_record(q, hits, (time.perf_counter() - started) * 1000))
            runs[name] = (questions, results)
        summaries = {name: summarize(qs, rs, sources, k) for name, (qs, rs) in runs.items()}
        meta = {
            "questions": str(questions_path), "k": k, "pipelines": list(runs), "notes": notes,
            "embedding_model": assistant.embedder.name if assistant.embedder else None,
            "mode": assistant.mode, "corpus": str(corpus or settings.index_dir),
            "corpus_docs": len(assistant.corpus.metas), "corpus_chunks": assistant.corpus.chunk_count,
            "answerer": settings.answerer, "llm_model": settings.llm_model if settings.answerer == "llm" else None,
        }
        for n, (name, (_, results)) in enumerate(runs.items()):
            target = out / ("results.jsonl" if n == 0 else f"results.{name}.jsonl")
            with target.open("w", encoding="utf-8") as fh:
                for record in results:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        first = next(iter(summaries))
        summary = {**meta, "pipeline": first, **summaries[first], "pipelines_summary": summaries}
        checked = verification_summary(runs["project"][1]) if "project" in runs else None
        if checked is not None:
            summary["verification"] = checked
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        report_path = write_question_report(out, summaries, runs, meta, k)
        if checked is not None:
            accuracy = summaries["project"]["overall"].get("answer_accuracy")
            text = report_path.read_text(encoding="utf-8")
            head, sep, rest = text.partition("## Per type")
            report_path.write_text(head + _verification_report(checked, accuracy) + "\n" + sep + rest, encoding="utf-8")
    return summary
