"""Growth benchmark to 10⁶ chunks on a local Chroma server: ingest rate, query latency and memory per decile.

python -m eval.scale --out DIR [--chunks 1000000] [--work PATH] [--data PATH] [--questions 200] [--deciles 10]

The corpus is the 208 laws of uts_vlc_2023 replicated: copy k of a law is the same text with a
line "(Bản sao k)" appended, under its own file name, so ids and sha256 differ while the text
stays real. One `chroma run` server is the system of record. Each copy is ingested by a fresh
writer process; after each decile a fresh query process (a replica sharing the writer's local
index: cold start, latencies, its own peak RSS) and a second replica with its own local index
(incremental catch-up since the previous decile) are measured. Rows are written as they come,
so an interrupted run still leaves its table and plot.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.metrics import percentile
from rag.config import PROJECT_ROOT, load_settings

DATA = Path("/work/shared/data/uts_vlc_2023/processed")
if not DATA.exists():
    DATA = PROJECT_ROOT.parent / "shared" / "data" / "uts_vlc_2023" / "processed"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _settings(index: Path, port: int) -> Any:
    return load_settings(index_dir=index, embedding_model="none", chroma_host="127.0.0.1", chroma_port=port,
                         lexical_refresh_s=0.0)


def questions(assistant: Any, n: int, seed: int = 0) -> list[str]:
    """Questions a user could ask of laws: an article heading with its law's name (documents sampled)."""
    rng = random.Random(seed)
    docs = sorted(assistant.corpus.metas)
    out: list[str] = []
    for _ in range(n * 3):
        if len(out) >= n or not docs:
            break
        doc_id = rng.choice(docs)
        articles = [c for c in assistant.corpus.chunks_of(doc_id) if c.path.startswith("Điều") and "." not in c.path]
        if not articles:
            continue
        chunk = rng.choice(articles)
        meta = assistant.corpus.meta(doc_id)
        heading = chunk.text.split("\n", 1)[0].split(".", 1)[-1].strip()[:80]
        out.append(f"{heading} theo {meta.doc_type or 'Luật'} {(meta.title or '').title()} quy định thế nào?")
    return out


# ---------------------------------------------------------------- stages (each in its own process)
def _stage_ingest(folder: Path, index: Path, port: int) -> dict[str, Any]:
    from rag.ingest.pipeline import ingest

    started, cpu = time.perf_counter(), _cpu_s()
    report = ingest([folder], _settings(index, port), use_model=False)
    return {"written": report.chunks_written, "total": report.total_chunks, "failed": len(report.failed),
            "ingest_s": round(time.perf_counter() - started, 2), "ingest_cpu_s": round(_cpu_s() - cpu, 2),
            "ingest_rss_mb": _rss_mb()}


def _stage_query(index: Path, port: int, n: int) -> dict[str, Any]:
    from rag.engine import Assistant

    settings = _settings(index, port).model_copy(update={"lexical_refresh_s": 3600.0})
    started = time.perf_counter()
    assistant = Assistant(settings, use_model=False)
    row: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 2)}
    row.update(time_questions(assistant, questions(assistant, n)))
    row.update({"docs": len(assistant.corpus.metas), "query_rss_mb": _rss_mb(), **_rss_split()})
    return row


def time_questions(assistant: Any, asked: list[str]) -> dict[str, Any]:
    """Retrieval alone, then the whole answer, for each question: p50/p95 in ms."""
    from rag.search.query import analyze

    retrieval, full = [], []
    for q in asked:
        t0 = time.perf_counter()
        assistant.retriever.retrieve(analyze(q, assistant.corpus.places), assistant.settings.top_k)
        retrieval.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        assistant.ask(q)
        full.append((time.perf_counter() - t0) * 1000)
    return {"questions": len(asked),
            "retrieval_ms": {"p50": round(percentile(retrieval, 50), 2), "p95": round(percentile(retrieval, 95), 2)},
            "answer_ms": {"p50": round(percentile(full, 50), 2), "p95": round(percentile(full, 95), 2)}}


def _rss_split() -> dict[str, float]:
    """Resident memory now: the process's own (anonymous) pages vs mapped files (tantivy's index, reclaimable)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return {}
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    return {f"{key.lower()}_mb": round(int(fields[key].split()[0]) / 1024, 1)
            for key in ("RssAnon", "RssFile") if key in fields}


def _stage_replica(index: Path, port: int) -> dict[str, Any]:
    from rag.index.chroma import Store
    from rag.index.local import LocalIndex

    settings = _settings(index, port)
    started, cpu = time.perf_counter(), _cpu_s()
    local = LocalIndex.for_settings(settings)
    before = len(local.shas())
    local.sync(Store(settings), wait=True)
    return {"replica_sync_s": round(time.perf_counter() - started, 2), "replica_cpu_s": round(_cpu_s() - cpu, 2),
            "replica_docs_fetched": len(local.shas()) - before, "replica_rss_mb": _rss_mb()}


def _run(stage: str, *args: str) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-m", "eval.scale", "--out", "-", "--stage", stage, *args], cwd=PROJECT_ROOT,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-3000:])
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- the growth run
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    server = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return server
        except OSError:
            time.sleep(0.25)
    server.terminate()
    raise RuntimeError("chroma run did not start")


def _copy(data: Path, work: Path, k: int) -> Path:
    """Copy k of the laws, under names and a last line of its own."""
    folder = work / "docs" / f"c{k:03d}"
    if not folder.exists():
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for f in sorted(data.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            (tmp / f"c{k:03d}-{f.name}").write_text(text if k == 0 else f"{text}\n\n(Bản sao {k})\n", encoding="utf-8")
        tmp.rename(folder)
    return folder


def grow(out: Path, work: Path, data: Path, target: int, deciles: int, n_questions: int) -> list[dict[str, Any]]:
    import psutil

    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = _start_chroma(work / "chroma", port)
    rows: list[dict[str, Any]] = []
    try:
        total, k, spent, cpu, written = 0, 0, 0.0, 0.0, 0
        for decile in range(1, deciles + 1):
            goal = target * decile // deciles
            while total < goal:
                folder = _copy(data, work, k)
                server_cpu = _proc_cpu(server.pid)
                got = _run("ingest", "--folder", str(folder), "--index", str(work / "writer"), "--port", str(port))
                got["server_cpu_s"] = round(_proc_cpu(server.pid) - server_cpu, 2)
                total, k = got["total"], k + 1
                spent, written = spent + got["ingest_s"], written + got["written"]
                cpu += got["ingest_cpu_s"] + got["server_cpu_s"]  # the writer's and the Chroma server's
                print(json.dumps({"copy": k, **got}), flush=True)
            row: dict[str, Any] = {"decile": decile, "chunks": total, "copies": k,
                                   "ingest_chunks_per_s": round(written / spent, 1) if spent else None,
                                   "ingest_chunks_per_cpu_s": round(written / cpu, 1) if cpu else None}
            row.update(_run("query", "--index", str(work / "writer"), "--port", str(port),
                            "--questions", str(n_questions)))
            row.update(_run("replica", "--index", str(work / "replica"), "--port", str(port)))
            row["chroma_rss_mb"] = round(psutil.Process(server.pid).memory_info().rss / 1e6, 1)
            row["disk_gb"] = {"chroma": round(_du(work / "chroma") / 1e9, 2),
                              "local": round(_du(work / "writer" / "cache") / 1e9, 2)}
            rows.append(row)
            spent, cpu, written = 0.0, 0.0, 0
            print(json.dumps(row, ensure_ascii=False), flush=True)
            _report(rows, out, target)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return rows


def _proc_cpu(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def _report(rows: list[dict[str, Any]], out: Path, target: int) -> None:
    (out / "scale.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    header = ("| decile | chunks | ingest chunks/s (wall / per CPU-s, writer + server) | cold start s | retrieval p50/p95 ms "
              "| answer p50/p95 ms | query RSS MB | replica catch-up s (docs) | Chroma RSS MB | disk GB Chroma / local |")
    lines = [f"# Growth to {target:,} chunks (208 laws replicated, local `chroma run`)", "", header, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r['decile']} | {r['chunks']:,} | {r['ingest_chunks_per_s']} / {r['ingest_chunks_per_cpu_s']} | "
            f"{r['load_s']} | {r['retrieval_ms']['p50']}/{r['retrieval_ms']['p95']} | "
            f"{r['answer_ms']['p50']}/{r['answer_ms']['p95']} | {r['query_rss_mb']} | "
            f"{r['replica_sync_s']} ({r['replica_docs_fetched']}) | {r['chroma_rss_mb']} | "
            f"{r['disk_gb']['chroma']} / {r['disk_gb']['local']} |")
    lines += ["", "![cost against size](scale.png)"]
    (out / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _plot(rows, out / "scale.png")


def _plot(rows: list[dict[str, Any]], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["chunks"] / 1000 for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    axes[0].plot(x, [r["ingest_chunks_per_s"] for r in rows], marker="o", label="wall")
    axes[0].plot(x, [r["ingest_chunks_per_cpu_s"] for r in rows], marker="o", label="per CPU-second")
    axes[0].set_title("ingest chunks/s (decile)")
    axes[1].plot(x, [r["answer_ms"]["p95"] for r in rows], marker="o", label="answer p95")
    axes[1].plot(x, [r["answer_ms"]["p50"] for r in rows], marker="o", label="answer p50")
    axes[1].plot(x, [r["retrieval_ms"]["p95"] for r in rows], marker="o", label="retrieval p95")
    axes[1].set_title("query latency (ms)")
    axes[2].plot(x, [r["query_rss_mb"] for r in rows], marker="o", label="query process peak RSS")
    axes[2].plot(x, [r["chroma_rss_mb"] for r in rows], marker="o", label="Chroma server RSS")
    axes[2].set_title("memory (MB)")
    for ax in axes:
        ax.set_xlabel("chunks in index (thousands)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scale")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--deciles", type=int, default=10)
    parser.add_argument("--work", type=Path, help="where the server, copies and local indexes live (default: OUT/work)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--stage", choices=("ingest", "query", "replica"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage == "ingest":
        print(json.dumps(_stage_ingest(args.folder, args.index, args.port)))
        return 0
    if args.stage == "query":
        print(json.dumps(_stage_query(args.index, args.port, args.questions)))
        return 0
    if args.stage == "replica":
        print(json.dumps(_stage_replica(args.index, args.port)))
        return 0
    if not args.data.exists():
        print(f"Không thấy dữ liệu {args.data}", file=sys.stderr)
        return 2
    try:
        grow(args.out, args.work or args.out / "work", args.data, args.chunks, args.deciles, args.questions)
    except RuntimeError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
