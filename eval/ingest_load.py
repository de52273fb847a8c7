"""Answer latency while an ingest runs, against idle, on a local Chroma server (issue 15).

python -m eval.ingest_load --out DIR [--work PATH] [--data PATH] [--questions 120] [--gap 0.25]
                           [--variants background,foreground,shared] [--model vi-legal-static]

One `chroma run` server holds the 208 laws of uts_vlc_2023 (copy 0, ingested first). A replica
(an `Assistant` in this process, as the UI holds one) asks questions one after another, a new
one at most every `--gap` seconds, first idle, then while `python ingest.py` (another process)
writes a further copy of the 208 laws (the same texts with a line "(Bản sao k)": new ids, real
text), then idle again once it has caught up. Variants:
- background: the replica has its own local index and catches up in a thread (the UI's mode);
- foreground: the same, but the catch-up runs inside the question that notices the change
  (the behaviour before issue 15);
- shared: the replica shares the writer's index folder (UI and ingest on one machine): the
  ingest updates the replica's local index itself.
Each variant ingests its own copy, so the index grows by 208 laws per variant; each "during"
is compared with the idle figures just before and after it, at the same index size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from eval.metrics import percentile
from eval.scale import DATA, _copy, _free_port, _proc_cpu, _start_chroma, questions
from rag.config import PROJECT_ROOT, load_settings


def _env(index: Path, port: int, model: str) -> dict[str, str]:
    return {**os.environ, "RAG_INDEX_DIR": str(index), "RAG_CHROMA_HOST": "127.0.0.1", "RAG_CHROMA_PORT": str(port),
            "RAG_EMBEDDING_MODEL": model}


def _ingest(folder: Path, index: Path, port: int, model: str) -> subprocess.Popen[bytes]:
    log = (index.parent / f"ingest-{folder.name}.log").open("wb")
    return subprocess.Popen([sys.executable, "ingest.py", str(folder)], cwd=PROJECT_ROOT, env=_env(index, port, model),
                            stdout=log, stderr=subprocess.STDOUT)


def _summary(latencies: list[float], unavailable: int) -> dict[str, Any]:
    return {"n": len(latencies), "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1), "max_ms": round(max(latencies), 1) if latencies else None,
            "store_unavailable": unavailable}


def _ask_loop(assistant: Any, asked: list[str], gap: float, until: Any) -> dict[str, Any]:
    """Ask in turn (a new question at most every `gap` s) until `until()` is true; latencies in ms."""
    from rag.health import STORE_UNAVAILABLE

    latencies, unavailable, n = [], 0, 0
    while not until(n):
        started = time.perf_counter()
        answer = assistant.ask(asked[n % len(asked)])
        took = time.perf_counter() - started
        latencies.append(took * 1000)
        unavailable += STORE_UNAVAILABLE in answer.notes
        n += 1
        time.sleep(max(0.0, gap - took))
    return _summary(latencies, unavailable)


def _caught_up(assistant: Any, timeout: float = 900.0) -> float:
    """Wait until the replica's view reflects the store's generation; seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        assistant.refresh(force=True)
        if assistant.local.state() == assistant.store.state() and len(assistant.corpus.metas) == len(
                assistant.local.shas()):
            return time.perf_counter() - started
        time.sleep(1.0)
    raise RuntimeError("the replica did not catch up")


def _variant(variant: str, k: int, work: Path, data: Path, port: int, model: str, server_pid: int, n_questions: int,
             gap: float) -> dict[str, Any]:
    """Idle, during the ingest of copy k, idle again: one replica of the given kind."""
    from rag.engine import Assistant

    writer = work / "writer"
    index = writer if variant == "shared" else work / f"replica-{variant}"
    settings = load_settings(index_dir=index, chroma_host="127.0.0.1", chroma_port=port, embedding_model=model)
    assistant = Assistant(settings, background=variant != "foreground")
    _caught_up(assistant)
    asked = questions(assistant, n_questions, seed=k)
    row: dict[str, Any] = {"variant": variant, "laws_before": len(assistant.corpus.metas), "mode": assistant.mode}
    row["idle_before"] = _ask_loop(assistant, asked, gap, lambda n: n >= len(asked))
    load_before = os.getloadavg()
    server_cpu = _proc_cpu(server_pid)
    started = time.perf_counter()
    ingest = _ingest(_copy(data, work, k), writer, port, model)
    row["during"] = _ask_loop(assistant, asked, gap, lambda n: ingest.poll() is not None)
    if ingest.returncode != 0:
        raise RuntimeError(f"the ingest of copy {k} failed: see {work}")
    row["ingest_s"] = round(time.perf_counter() - started, 1)
    row["ingest_exit"] = ingest.returncode
    row["server_cpu_s"] = round(_proc_cpu(server_pid) - server_cpu, 1)
    row["load_avg"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    row["catch_up_after_s"] = round(_caught_up(assistant), 1)
    row["laws_after"] = len(assistant.corpus.metas)
    row["idle_after"] = _ask_loop(assistant, asked, gap, lambda n: n >= len(asked))
    idle = max(row["idle_before"]["p95_ms"], row["idle_after"]["p95_ms"])
    row["during_vs_idle_p95"] = round(row["during"]["p95_ms"] / idle, 2) if idle else None
    return row


def run(out: Path, work: Path, data: Path, n_questions: int, gap: float, variants: list[str], model: str) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = _start_chroma(work / "chroma", port)
    result: dict[str, Any] = {"model": model, "gap_s": gap, "variants": []}
    try:
        writer = work / "writer"
        writer.mkdir(exist_ok=True)
        started = time.perf_counter()
        first = _ingest(_copy(data, work, 0), writer, port, model)
        if first.wait() != 0:
            raise RuntimeError(f"the first ingest failed: see {writer.parent}")
        result["first_ingest_s"] = round(time.perf_counter() - started, 1)
        for k, variant in enumerate(variants, start=1):
            row = _variant(variant, k, work, data, port, model, server.pid, n_questions, gap)
            result["variants"].append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            (out / "ingest_load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=60)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ingest_load")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, help="server, copies and indexes (default: OUT/work)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--questions", type=int, default=120)
    parser.add_argument("--gap", type=float, default=0.25, help="at most one question started per GAP seconds")
    parser.add_argument("--variants", default="background,foreground,shared")
    parser.add_argument("--model", default="vi-legal-static", help="embedding model of the index ('none': lexical)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"Không thấy dữ liệu {args.data}", file=sys.stderr)
        return 2
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - {"background", "foreground", "shared"}
    if unknown:
        print(f"Biến thể không có: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    run(args.out, args.work or args.out / "work", args.data, args.questions, args.gap, variants, args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
