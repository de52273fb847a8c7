"""Encoding throughput of an embedding model on real clauses (what ingest embeds), in clauses/s.

python -m eval.encode_speed --model vi-legal-static [--data ../shared/data/uts_vlc_2023/processed]
    [--n 20000] [--threads 2] [--batch-size 32]

The clauses are the project's own chunks of the given laws (breadcrumb + text, as
rag.ingest.pipeline.embed_chunks passes them); model loading is not timed. Wall-clock throughput
depends on what else the (shared) cores run, so the process CPU time is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rag.config import PROJECT_ROOT, load_settings


def clause_texts(folder: Path, n: int) -> list[str]:
    """The first n chunk texts (breadcrumb + text) of the .txt files in folder, by name."""
    from rag.ingest.loaders import load_document
    from rag.ingest.pipeline import parse_document

    settings = load_settings()
    texts: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        _, chunks = parse_document(load_document(path, settings, folder), settings)
        texts += [f"{c.breadcrumb}\n{c.text}" for c in chunks]
        if len(texts) >= n:
            break
    return texts[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.encode_speed")
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared/data/uts_vlc_2023/processed")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args(argv)
    import torch

    from rag.index.embeddings import make_embedder

    torch.set_num_threads(args.threads)
    overrides = {"embedding_model": args.model, "fallback_embedding_model": None}
    if args.batch_size:
        overrides["embedding_batch_size"] = args.batch_size
    embedder, notice = make_embedder(load_settings(**overrides))
    if embedder is None:
        print(notice, file=sys.stderr)
        return 2
    texts = clause_texts(args.data, args.n)
    embedder.encode_passages(texts[:500])  # warm-up
    runs, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        embedder.encode_passages(texts)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    best = min(runs)
    print(json.dumps({"model": embedder.name, "clauses": len(texts), "threads": args.threads,
                      "batch_size": embedder.batch_size, "seconds": round(best, 3),
                      "clauses_per_s": round(len(texts) / best), "cpu_seconds": round(min(cpu), 3),
                      "clauses_per_cpu_s": round(len(texts) / min(cpu)), "dim": embedder.dim,
                      "mean_chars": round(sum(map(len, texts)) / len(texts))}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
