"""Scale benchmark on the 208 full-text laws: ingest cost, index size, query latency, memory.

python -m eval.bench --out DIR [--data PATH] [--fractions 0.1,0.3,1] [--questions 200] [--model NAME|PATH|none]

Each corpus fraction runs in its own process so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.metrics import percentile
from eval.scale import questions, time_questions
from rag.config import PROJECT_ROOT, load_settings

DATA = PROJECT_ROOT.parent / "shared" / "data" / "uts_vlc_2023" / "processed"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _build(fraction: float, data: Path, model: str, index_dir: Path) -> dict[str, Any]:
    """Ingest a fraction of the corpus into `index_dir`; measure time, size and embedding throughput."""
    from rag.index.chroma import Store
    from rag.index.embeddings import make_embedder
    from rag.ingest.pipeline import embed_chunks, ingest

    files = sorted(data.glob("*.txt"))
    chosen = files[: max(1, math.ceil(len(files) * fraction))]
    row: dict[str, Any] = {"fraction": fraction, "files": len(chosen), "chars": sum(f.stat().st_size for f in chosen)}
    folder = index_dir.parent / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    for f in chosen:
        shutil.copyfile(f, folder / f.name)  # a copy: links out of the folder are refused by the loaders
    settings = load_settings(index_dir=index_dir, embedding_model=model)
    embedder, _ = make_embedder(settings)
    row["embedding_model"] = embedder.name if embedder else None
    started, cpu = time.perf_counter(), _cpu_s()
    report = ingest([folder], settings, embedder=embedder, use_model=embedder is not None)
    row["ingest_s"] = round(time.perf_counter() - started, 2)
    row["ingest_cpu_s"] = round(_cpu_s() - cpu, 2)
    row["failed"] = len(report.failed)
    row["chunks"] = report.total_chunks
    row["chunks_per_s"] = round(report.total_chunks / row["ingest_s"], 1)
    row["chunks_per_cpu_s"] = round(report.total_chunks / max(row["ingest_cpu_s"], 1e-9), 1)
    # one changed file: the cost of re-ingesting after an edit, against the full ingest above
    changed = folder / chosen[len(chosen) // 2].name
    changed.unlink()
    changed.write_text(chosen[len(chosen) // 2].read_text(encoding="utf-8") + "\nSửa đổi.\n", encoding="utf-8")
    started = time.perf_counter()
    again = ingest([folder], settings, embedder=embedder, use_model=embedder is not None)
    row["one_file_reingest_s"] = round(time.perf_counter() - started, 2)
    row["one_file_share"] = round(row["one_file_reingest_s"] / row["ingest_s"], 4)
    assert again.updated == [changed.name], again.updated
    started = time.perf_counter()
    ingest([folder], settings, embedder=embedder, use_model=embedder is not None)
    row["unchanged_reingest_s"] = round(time.perf_counter() - started, 2)
    row["index_mb"] = round(_du(index_dir) / 1e6, 1)
    row["ingest_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if embedder is not None:
        sample = [c for _, c in zip(range(1000), Store(settings).iter_chunks(), strict=False)]
        t0 = time.perf_counter()
        embed_chunks(embedder, sample)
        pipeline_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        embedder.model.encode([embedder.passage_prefix + f"{c.breadcrumb}\n{c.text}" for c in sample],
                              batch_size=embedder.batch_size)
        row["embed_ratio_vs_raw_encode"] = round((time.perf_counter() - t0) / pipeline_s, 3)
    return row


def _query(index_dir: Path, n_questions: int, model: str) -> dict[str, Any]:
    """A fresh query process over a built index: load time, latencies, its own peak RSS."""
    from rag.engine import Assistant

    settings = load_settings(index_dir=index_dir, embedding_model=model)
    started = time.perf_counter()
    assistant = Assistant(settings, use_model=model != "none")
    row: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 2)}
    row.update(time_questions(assistant, questions(assistant, n_questions)))
    row["query_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def _naive(index_dir: Path, n_questions: int, model: str) -> dict[str, Any]:
    """The tutorial baseline over the same documents, in its own process."""
    from eval.baselines import NaiveDense, naive_pieces
    from rag.engine import Assistant

    settings = load_settings(index_dir=index_dir, embedding_model=model)
    assistant = Assistant(settings)
    if assistant.embedder is None:
        return {}
    asked = questions(assistant, n_questions)
    naive = NaiveDense(naive_pieces({d: assistant.corpus.text(d) for d in assistant.corpus.metas}), assistant.embedder)
    lat = []
    for q in asked:
        t0 = time.perf_counter()
        naive.search(q, settings.top_k)
        lat.append((time.perf_counter() - t0) * 1000)
    return {"naive_retrieval_ms": {"p50": round(percentile(lat, 50), 2), "p95": round(percentile(lat, 95), 2)},
            "naive_pieces": len(naive.pieces)}


def _stage(stage: str, *args: str) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-m", "eval.bench", "--out", "-", "--stage", stage, *args], cwd=PROJECT_ROOT,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-3000:])
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def run_one(fraction: float, data: Path, n_questions: int, model: str) -> dict[str, Any]:
    """One corpus size: build, then query and baseline each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        index = str(Path(tmp) / "index")
        common = ["--index", index, "--questions", str(n_questions), "--model", model]
        row = _stage("build", "--fraction", str(fraction), "--data", str(data), *common)
        row.update(_stage("query", *common))
        if model != "none":
            row.update(_stage("naive", *common))
    return row


def _plots(rows: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chunks = [r["chunks"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(chunks, [r["answer_ms"]["p95"] for r in rows], marker="o", label="full answer p95")
    ax.plot(chunks, [r["retrieval_ms"]["p95"] for r in rows], marker="o", label="retrieval p95")
    if all("naive_retrieval_ms" in r for r in rows):
        ax.plot(chunks, [r["naive_retrieval_ms"]["p95"] for r in rows], marker="o", label="naive p95")
    ax.set_xlabel("chunks in index")
    ax.set_ylabel("ms")
    ax.set_title("Query latency vs corpus size")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "latency_vs_size.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([r["chars"] / 1e6 for r in rows], [r["ingest_s"] for r in rows], marker="o")
    ax.set_xlabel("corpus size (M characters)")
    ax.set_ylabel("ingest wall time (s)")
    ax.set_title("Ingest time vs corpus size")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "ingest_vs_size.png", dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--fractions", default="0.1,0.3,1")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--model", default="none")
    parser.add_argument("--stage", choices=("build", "query", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fraction", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage == "build":
        print(json.dumps(_build(args.fraction, args.data, args.model, args.index)))
        return 0
    if args.stage == "query":
        print(json.dumps(_query(args.index, args.questions, args.model)))
        return 0
    if args.stage == "naive":
        print(json.dumps(_naive(args.index, args.questions, args.model)))
        return 0
    if not args.data.exists():
        print(f"Không thấy dữ liệu {args.data}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for fraction in [float(f) for f in args.fractions.split(",")]:
        try:
            rows.append(run_one(fraction, args.data, args.questions, args.model))
        except RuntimeError as err:
            print(str(err), file=sys.stderr)
            return 1
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    rows.sort(key=lambda r: r["fraction"])
    (args.out / "bench.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    _plots(rows, args.out)
    header = ("| fraction | files | chunks | ingest s | chunks/s (wall / per CPU-s) | one changed file s (share) "
              "| unchanged re-run s | index MB | load s | retrieval p50/p95 ms | answer p50/p95 ms "
              "| naive p50/p95 ms | embed ratio | ingest / query peak RSS MB |")
    lines = [f"# Benchmark: {args.data}", "", f"Model: {args.model}. Questions per size: {args.questions}.", "",
             header, "|" + "---|" * 14]
    for r in rows:
        naive = r.get("naive_retrieval_ms")
        naive_cell = f"{naive['p50']}/{naive['p95']}" if naive else "–"
        lines.append(f"| {r['fraction']:.0%} | {r['files']} | {r['chunks']} | {r['ingest_s']} | "
                     f"{r['chunks_per_s']} / {r['chunks_per_cpu_s']} | {r['one_file_reingest_s']} "
                     f"({r['one_file_share']:.1%}) | {r['unchanged_reingest_s']} | "
                     f"{r['index_mb']} | {r['load_s']} | {r['retrieval_ms']['p50']}/{r['retrieval_ms']['p95']} | "
                     f"{r['answer_ms']['p50']}/{r['answer_ms']['p95']} | "
                     f"{naive_cell} | {r.get('embed_ratio_vs_raw_encode', '–')} | "
                     f"{r['ingest_peak_rss_mb']} / {r['query_peak_rss_mb']} |")
    lines += ["", "![latency](latency_vs_size.png) ![ingest](ingest_vs_size.png)"]
    (args.out / "bench.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(args.out / "bench.md", args.out / "README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
