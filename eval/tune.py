"""Choose the dense-leg weight on a *training* BEIR set: index once, sweep RRF weights.

python -m eval.tune ../shared/data/alqac2023/beir_train --model PATH --weights 0,0.1,0.2,0.3,0.5,1
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from eval.beir import load_beir, project_hits, record_texts, scores
from rag.config import load_settings
from rag.engine import Assistant
from rag.index.embeddings import make_embedder
from rag.ingest.pipeline import index_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.tune")
    parser.add_argument("beir_dir", type=Path)
    parser.add_argument("--model", required=True)
    parser.add_argument("--weights", default="0,0.1,0.2,0.3,0.5,1")
    args = parser.parse_args(argv)
    settings = load_settings(embedding_model=args.model)
    corpus, queries, qrels = load_beir(args.beir_dir)
    embedder, notice = make_embedder(settings)
    if embedder is None:
        print(notice, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.model_copy(update={"index_dir": Path(tmp)})
        index_texts(record_texts(corpus, args.beir_dir.name), local, embedder)
        assistant = Assistant(local, embedder=embedder)
        rows = {}
        for weight in [float(w) for w in args.weights.split(",")]:
            assistant.settings = assistant.retriever.settings = local.model_copy(update={"dense_weight": weight})
            runs = {qid: [d for d, *_ in project_hits(assistant, text, 10)] for qid, text in queries.items()}
            rows[weight] = scores(runs, qrels)
            print(weight, json.dumps(rows[weight]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
