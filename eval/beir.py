"""BEIR mode: each corpus record indexed through the project's own pipeline, every query
retrieved, and nDCG@10, Recall@1/5/10, MRR@10 reported beside the baselines of the same run."""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.baselines import NaiveDense, Piece, PlainBM25, naive_pieces
from eval.metrics import percentile
from eval.report import plot_curves, plot_latency, table
from eval.runner import EvalInputError
from rag.config import Settings
from rag.engine import Assistant
from rag.index.embeddings import make_embedder
from rag.ingest.pipeline import index_texts
from rag.search.query import analyze


def load_beir(folder: Path) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    """(corpus by _id, queries by _id, qrels: query → {doc: grade})."""
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        if not (folder / name).exists():
            raise EvalInputError(f"{folder}: thiếu {name} (cần corpus.jsonl, queries.jsonl, qrels.tsv)")
    corpus = {}
    for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            corpus[str(rec["_id"])] = {"title": rec.get("title", ""), "text": rec.get("text", "")}
    queries = {}
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            queries[str(rec["_id"])] = rec["text"]
    qrels: dict[str, dict[str, int]] = {}
    for n, line in enumerate((folder / "qrels.tsv").read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if n == 0 and parts[0] == "query-id" or len(parts) < 3:
            continue
        if int(parts[2]) > 0:
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return corpus, {q: t for q, t in queries.items() if q in qrels}, qrels


def ndcg_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    dcg = sum((2 ** rel.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    return len(set(ranked[:k]) & set(rel)) / len(rel) if rel else 0.0


def mrr_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked[:k]) if d in rel), 0.0)


def scores(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    n = len(runs)
    total = {"ndcg@10": 0.0, "recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0}
    for qid, ranked in runs.items():
        rel = qrels[qid]
        total["ndcg@10"] += ndcg_at(ranked, rel)
        total["recall@1"] += recall_at(ranked, rel, 1)
        total["recall@5"] += recall_at(ranked, rel, 5)
        total["recall@10"] += recall_at(ranked, rel, 10)
        total["mrr@10"] += mrr_at(ranked, rel)
    return {"n": n, **{k: round(v / n, 4) if n else 0.0 for k, v in total.items()}}


def _doc_ranking(hits: Sequence[tuple[str, float, str, str]], k: int) -> list[tuple[str, float, str, str]]:
    """Best chunk per document, in rank order (max-pooling over a record's chunks)."""
    seen: set[str] = set()
    ranked = []
    for doc_id, score, path, text in hits:
        if doc_id not in seen:
            seen.add(doc_id)
            ranked.append((doc_id, score, path, text))
    return ranked[:k]


def record_texts(corpus: Mapping[str, Mapping[str, str]], source: str) -> Iterator[tuple[str, str, str]]:
    """(doc_id, text, source) of every record: its title, then its text, as one document."""
    for doc_id, rec in corpus.items():
        yield doc_id, f"{rec['title']}\n\n{rec['text']}".strip(), f"{source}:{doc_id}"


def project_hits(assistant: Assistant, query: str, k: int) -> list[tuple[str, float, str, str]]:
    """(doc_id, score, path, text) of the project's passages for a query, best chunk per document."""
    found = assistant.retriever.retrieve(analyze(query), max(k * 5, 50))
    return _doc_ranking([(p.chunk.doc_id, p.score, p.chunk.path, p.chunk.text) for p in found.passages], k)


def run_beir(folder: Path, out: Path, settings: Settings, k: int, pipelines: Sequence[str],
             limit: int | None = None) -> dict[str, Any]:
    """Index, retrieve every query with each pipeline, and write results/summary/report."""
    corpus, queries, qrels = load_beir(folder)
    query_ids = sorted(queries)[:limit] if limit else sorted(queries)
    out.mkdir(parents=True, exist_ok=True)
    summaries: dict[str, Any] = {}
    results: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
    embedder, notice = make_embedder(settings)
    if notice:
        notes.append(notice)
    with tempfile.TemporaryDirectory(prefix="beir-index-") as tmp:
        local = settings.model_copy(update={"index_dir": Path(tmp)})
        ingest_s = 0.0
        if {"project", "dense"} & set(pipelines):
            started = time.perf_counter()
            index_texts(record_texts(corpus, folder.name), local, embedder)
            ingest_s = time.perf_counter() - started
            assistant = Assistant(local, embedder=embedder, use_model=embedder is not None)
        for name in pipelines:
            records, latencies = [], []
            if name in ("naive", "dense") and embedder is None:
                notes.append(f"{name}: bỏ qua — cần mô hình nhúng.")
                continue
            if name in ("project", "dense"):
                # dense: the same index and retriever with the lexical leg weighted 0
                weights = {"lexical_weight": 0.0, "dense_weight": 1.0} if name == "dense" else {}
                assistant.settings = assistant.retriever.settings = local.model_copy(update=weights)
            else:
                docs = {d: f"{r['title']}\n\n{r['text']}" for d, r in corpus.items()}
                pieces = naive_pieces(docs) if name == "naive" else [Piece(d, "", t) for d, t in docs.items()]
                engine = NaiveDense(pieces, embedder) if name == "naive" else PlainBM25(pieces)  # type: ignore[arg-type]
            for qid in query_ids:
                started = time.perf_counter()
                if name in ("project", "dense"):
                    ranked = project_hits(assistant, queries[qid], k)
                else:
                    hits = [(p.doc_id, s, p.path, p.text) for p, s in engine.search(queries[qid], max(k * 5, 50))]
                    ranked = _doc_ranking(hits, k)
                latencies.append((time.perf_counter() - started) * 1000)
                records.append({
                    "id": qid, "question": queries[qid], "type": "beir", "answer": "", "abstained": False,
                    "citations": [], "latency_ms": round(latencies[-1], 2),
                    "passages": [{"rank": n, "doc_id": d, "path": p, "score": round(s, 6), "text": t}
                                 for n, (d, s, p, t) in enumerate(ranked, start=1)],
                })
            ranked_ids = {r["id"]: [p["doc_id"] for p in r["passages"]] for r in records}
            summaries[name] = {**scores(ranked_ids, qrels),
                               "latency_ms": {"p50": round(percentile(latencies, 50), 2),
                                              "p95": round(percentile(latencies, 95), 2)}}
            results[name] = records
    first = next(iter(results))
    for n, (name, records) in enumerate(results.items()):
        target = out / ("results.jsonl" if n == 0 else f"results.{name}.jsonl")
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    summary = {
        "dataset": str(folder), "k": k, "pipeline": first, "pipelines": list(results),
        "embedding_model": embedder.name if embedder else None, "corpus_docs": len(corpus),
        "queries": len(query_ids), "ingest_seconds": round(ingest_s, 1), "notes": notes,
        "overall": {key: v for key, v in summaries[first].items() if key != "latency_ms"},
        "latency_ms": summaries[first]["latency_ms"], "pipelines_summary": summaries,
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    _report(out, summary, results, qrels)
    return summary


def _report(out: Path, summary: Mapping[str, Any], results: Mapping[str, list[dict[str, Any]]],
            qrels: Mapping[str, Mapping[str, int]]) -> None:
    ks = list(range(1, 11))
    curves = {}
    for name, records in results.items():
        curves[name] = [sum(recall_at([p["doc_id"] for p in r["passages"]], qrels[r["id"]], kk) for r in records)
                        / max(1, len(records)) for kk in ks]
    plot_curves(curves, ks, out / "recall_at_k.png", f"Recall@k — {Path(str(summary['dataset'])).name}")
    plot_latency({n: [r["latency_ms"] for r in rs] for n, rs in results.items()}, out / "latency.png")
    rows = {n: {k: v for k, v in s.items() if k != "latency_ms"} for n, s in summary["pipelines_summary"].items()}
    lines = [f"# BEIR evaluation: {summary['dataset']}", "",
             f"{summary['corpus_docs']} documents, {summary['queries']} queries, embedding model: "
             f"{summary['embedding_model'] or 'none (lexical-only)'}; project ingest {summary['ingest_seconds']} s.", "",
             table(rows), "",
             "Latency (ms): " + "; ".join(f"{n} p50 {s['latency_ms']['p50']}, p95 {s['latency_ms']['p95']}"
                                         for n, s in summary["pipelines_summary"].items()), "",
             "![recall@k](recall_at_k.png) ![latency](latency.png)", "", f"## Misses ({summary['pipeline']})", ""]
    for r in results[summary["pipeline"]]:
        top = [p["doc_id"] for p in r["passages"]]
        if not set(top[:10]) & set(qrels[r["id"]]):
            lines.append(f"- **{r['id']}** {r['question'][:160]} — expected {sorted(qrels[r['id']])}; got {top[:3]}")
    for note in summary.get("notes", []):
        lines.append(f"\n> {note}")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
