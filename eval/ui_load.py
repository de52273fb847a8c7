"""An office at the UI: N people each asking M questions at once through the real API (gradio_client).

python -m eval.ui_load URL [--users 20] [--questions 10] [--out FILE.json]

Each user is a thread with its own client, asking the project's questions one after another,
as a person would (the next question after the answer). Counts refusals ("Queue is full") and
any other error, and the latency each person saw. Only for a server on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from eval.metrics import percentile
from rag.config import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "directives.jsonl"


def _questions() -> list[str]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def run_load(url: str, users: int = 20, questions: int = 10) -> dict[str, Any]:
    """Every user asks `questions` questions in turn, all users at once; returns counts and latencies."""
    from gradio_client import Client

    pool = _questions()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    def person(n: int) -> None:
        client = Client(url, verbose=False)
        start.wait()  # everyone starts together: the worst moment for the queue
        for q in range(questions):
            question = pool[(n * questions + q) % len(pool)]
            began = time.perf_counter()
            try:
                client.predict(question, [], "Tất cả", "Tất cả", "Tất cả", api_name="/ask")
            except Exception as exc:  # noqa: BLE001 — every failure a person would see is counted, none hidden
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                continue
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    wall = time.perf_counter() - began
    return {
        "users": users, "questions_per_user": questions, "requests": users * questions,
        "answered": len(latencies), "errors": len(errors), "error_samples": sorted(set(errors))[:5],
        "latency_ms": {"p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1),
                       "max": round(max(latencies, default=0.0), 1)},
        "wall_s": round(wall, 1), "throughput_qps": round(len(latencies) / wall, 2) if wall else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ui_load", description=__doc__.splitlines()[0])
    parser.add_argument("url", help="e.g. http://127.0.0.1:7860 (a server on this machine)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = run_load(args.url, args.users, args.questions)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
