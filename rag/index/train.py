"""Train the project's static Vietnamese embedding model (a sentence-transformers folder).

The model is one vector per vocabulary piece, averaged over a text's pieces (sentence-transformers
`StaticEmbedding`): it encodes thousands of clauses per second on a CPU and fits in the
repository. The vectors are trained with a contrastive loss (in-batch negatives, both
directions, as MultipleNegativesRankingLoss) on pairs made from public legal text
(rag.index.pairs); the tokenizer is learnt from the same text (rag.index.vocab).
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.vocab import aliases

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of the contrastive training."""

    dim: int = 256
    epochs: int = 3
    batch_size: int = 512
    lr: float = 0.05
    scale: float = 20.0  # inverse temperature of the cosine logits
    init_std: float = 1.0
    seed: int = 13


def token_ids(tokenizer: Any, texts: Sequence[str], alias: dict[int, int]) -> list[np.ndarray]:
    """Piece ids of every text, old tone spellings mapped to their canonical piece."""
    remap = np.arange(tokenizer.get_vocab_size(), dtype=np.int64)
    for old, new in alias.items():
        remap[old] = new
    out = []
    for enc in tokenizer.encode_batch(list(texts), add_special_tokens=False):
        ids = remap[np.asarray(enc.ids, dtype=np.int64)]
        out.append(ids if len(ids) else np.zeros(1, dtype=np.int64))
    return out


def _bag(rows: Sequence[np.ndarray]) -> tuple[Any, Any]:
    import torch

    lengths = [len(r) for r in rows]
    offsets = torch.from_numpy(np.cumsum([0, *lengths[:-1]]).astype(np.int64))
    return torch.from_numpy(np.concatenate(rows)), offsets


class _LazyAdam:
    """Adam that updates only the rows a batch touched (as TensorFlow's LazyAdam): a batch uses a
    few thousand of the ~40k pieces, and a dense Adam step over the whole table costs more than
    the rest of the step. The <unk> row (0) is never updated."""

    def __init__(self, weight: Any, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        import torch

        self.weight, self.betas, self.eps = weight, betas, eps
        self.m, self.v = torch.zeros_like(weight), torch.zeros_like(weight)

    def step(self, rows: Any, lr: float, t: int) -> None:
        import torch

        rows = rows[rows != 0]
        b1, b2 = self.betas
        with torch.no_grad():
            grad = self.weight.grad[rows]
            self.m[rows] = m = b1 * self.m[rows] + (1 - b1) * grad
            self.v[rows] = v = b2 * self.v[rows] + (1 - b2) * grad * grad
            update = (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + self.eps)
            self.weight[rows] -= lr * update
            self.weight.grad[rows] = 0.0
            self.weight.grad[0] = 0.0


def train_vectors(tokenizer: Any, pieces: list[tuple[str, float]], pairs: Sequence[tuple[str, str, str]],
                  config: TrainConfig) -> np.ndarray:
    """Vectors (vocab × dim) trained so that each query is nearest to its own passage among the
    batch's passages and hard negatives. `pairs`: (query, passage, hard negative or "")."""
    import torch
    import torch.nn.functional as functional

    torch.manual_seed(config.seed)
    torch.set_num_threads(1)  # the step is small: one thread is faster than two fighting on shared cores
    rng = random.Random(config.seed)
    alias = aliases(pieces)
    unique = sorted({p for _, p, _ in pairs} | {n for _, _, n in pairs if n})
    position = {p: i for i, p in enumerate(unique)}
    passage_ids = token_ids(tokenizer, unique, alias)
    query_ids = token_ids(tokenizer, [q for q, _, _ in pairs], alias)
    target = np.asarray([position[p] for _, p, _ in pairs], dtype=np.int64)
    hard = np.asarray([position[n] if n else -1 for _, _, n in pairs], dtype=np.int64)
    vocab = tokenizer.get_vocab_size()
    bag = torch.nn.EmbeddingBag(vocab, config.dim, mode="mean")
    with torch.no_grad():
        bag.weight.normal_(0.0, config.init_std)
        bag.weight[0] = 0.0  # <unk>: unknown syllables do not move a text's direction
    adam = _LazyAdam(bag.weight)
    order = list(range(len(pairs)))
    steps = config.epochs * math.ceil(len(order) / config.batch_size)
    step, started = 0, time.perf_counter()
    for epoch in range(config.epochs):
        rng.shuffle(order)
        for start in range(0, len(order), config.batch_size):
            batch = order[start:start + config.batch_size]
            columns = np.concatenate([target[batch], [h for h in hard[batch] if h >= 0]]).astype(np.int64)
            q_ids, q_offsets = _bag([query_ids[i] for i in batch])
            p_ids, p_offsets = _bag([passage_ids[c] for c in columns])
            q = functional.normalize(bag(q_ids, q_offsets), dim=-1)
            p = functional.normalize(bag(p_ids, p_offsets), dim=-1)
            logits = config.scale * q @ p.T
            same = torch.from_numpy(target[batch][:, None] == columns[None, :])  # duplicates are not negatives
            same[torch.arange(len(batch)), torch.arange(len(batch))] = False
            logits = logits.masked_fill(same, -1e4)
            labels = torch.arange(len(batch))
            square = logits[:, :len(batch)]
            loss = (functional.cross_entropy(logits, labels) + functional.cross_entropy(square.T, labels)) / 2
            loss.backward()
            step += 1
            lr = config.lr * min(1.0, (steps - step + 1) / max(1, steps * 0.3))  # linear decay over the last 30 %
            adam.step(torch.unique(torch.cat([q_ids, p_ids])), lr, step)
            if step % 100 == 0 or step == steps:
                log.info("epoch %d step %d/%d loss %.4f (%.0f s)", epoch + 1, step, steps, float(loss.detach()),
                         time.perf_counter() - started)
    weights = bag.weight.detach().numpy().copy()
    for old, new in alias.items():
        weights[old] = weights[new]
    return weights


def save_model(folder: Path, tokenizer: Any, weights: np.ndarray, info: dict[str, Any]) -> None:
    """Write a sentence-transformers folder (StaticEmbedding + tokenizer.json) and training.json."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    folder.mkdir(parents=True, exist_ok=True)
    module = StaticEmbedding(tokenizer, embedding_weights=torch.from_numpy(weights.astype(np.float32)))
    SentenceTransformer(modules=[module], device="cpu").save(str(folder))
    (folder / "training.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def describe(config: TrainConfig) -> dict[str, Any]:
    return asdict(config)


# ---------------------------------------------------------------- the `make model` command
SOURCES = {
    "alqac": "alqac2023/beir_train/corpus.jsonl",  # the 2,249 articles of ALQAC 2023 law.json (no questions)
    "uts": "uts_vlc_2023/processed",  # 208 laws and codes
    "dvn": "directives_vn",  # 1,155 crawled directives, plans and decisions
}


HELD_OUT = "directives_vn_qa/DOCS.txt"  # the independent test set's documents: never trained on


def collect_rows(data_dir: Path, settings: Any, held_out_numbers: set[str] | None = None) -> dict[str, list[dict[str, str]]]:
    """Clause chunks of every source, parsed by the project's own ingest (what the index embeds).

    ALQAC contributes its articles only: its questions (train and private test) are never read.
    Left out, so that they stay unseen documents for evaluation: the files named in
    directives_vn_qa/DOCS.txt, and directives whose number is one of `held_out_numbers`
    (the documents of corpus/, over which the project's own question set is asked).
    """
    import hashlib

    from rag.ingest.loaders import LoadError, load_document
    from rag.ingest.normalize import normalize_text
    from rag.ingest.pipeline import parse_document
    from rag.types import SourceDoc

    held_out_files = set()
    if (data_dir / HELD_OUT).exists():
        held_out_files = set((data_dir / HELD_OUT).read_text(encoding="utf-8").split())

    def rows_of(docs: Any) -> list[dict[str, str]]:
        rows = []
        for doc in docs:
            meta, chunks = parse_document(doc, settings)
            if Path(doc.path).name in held_out_files or (meta.number and meta.number in (held_out_numbers or ())):
                log.info("held out: %s (%s)", doc.path, meta.number)
                continue
            rows += [{"doc": doc.doc_id, "title": meta.title or "", "path": c.path, "crumb": c.breadcrumb,
                      "text": c.text} for c in chunks]
        return rows

    def articles() -> Any:
        for line in (data_dir / SOURCES["alqac"]).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                raw = f"{rec.get('title', '')}\n\n{rec.get('text', '')}".strip()
                yield SourceDoc(doc_id=str(rec["_id"]), path=f"alqac:{rec['_id']}", text=normalize_text(raw),
                                pages=(), sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest())

    def files(folder: Path, pattern: str) -> Any:
        for path in sorted(folder.glob(pattern)):
            try:
                yield load_document(path, settings, path.parent)
            except LoadError as err:
                log.warning("skipped %s", err)

    return {"alqac": rows_of(articles()), "uts": rows_of(files(data_dir / SOURCES["uts"], "*.txt")),
            "dvn": rows_of(files(data_dir / SOURCES["dvn"], "*.md"))}


def main(argv: list[str] | None = None) -> int:
    import argparse
    from collections import Counter

    from rag.config import PROJECT_ROOT, load_settings
    from rag.index.pairs import PairConfig, make_pairs, records_of
    from rag.index.vocab import Counts, VocabConfig, build_pieces, make_tokenizer
    from rag.ingest.loaders import load_document
    from rag.ingest.pipeline import parse_document

    parser = argparse.ArgumentParser(prog="python -m rag.index.train",
                                     description="Huấn luyện mô hình nhúng tĩnh tiếng Việt của dự án.")
    parser.add_argument("--data", type=Path, required=True, help="thư mục dữ liệu (../shared/data)")
    parser.add_argument("--out", type=Path, required=True, help="thư mục mô hình (models/vi-legal-static)")
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus",
                        help="văn bản của bộ câu hỏi dự án: không huấn luyện trên chúng")
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--dim", type=int, default=TrainConfig.dim)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    missing = [name for name, rel in SOURCES.items() if not (args.data / rel).exists()]
    if missing:
        print(f"Thiếu dữ liệu huấn luyện trong {args.data}: {', '.join(SOURCES[m] for m in missing)}")
        return 2
    started = time.perf_counter()
    settings = load_settings(chunk_max_chars=1200)
    held_out_numbers = {parse_document(load_document(path, settings, path.parent), settings)[0].number or ""
                        for path in sorted(args.corpus.glob("*.txt"))} - {""}
    rows = collect_rows(args.data, settings, held_out_numbers)
    every = [r for source in rows.values() for r in source]
    vocab_config, pair_config = VocabConfig(), PairConfig()
    counts = Counts.of([r["crumb"] for r in every] + [r["text"] for r in every])
    pieces = build_pieces(counts, vocab_config)
    tokenizer = make_tokenizer(pieces)
    config = TrainConfig(epochs=args.epochs, dim=args.dim)
    records = [r for source in rows.values() for r in records_of(source)]
    pairs = list(make_pairs(records, pair_config, seed=config.seed))
    log.info("%d pieces, %d pairs", len(pieces), len(pairs))
    weights = train_vectors(tokenizer, pieces, [(q, p, n) for _, q, p, n in pairs], config)
    info = {
        "name": args.out.name,
        "kind": "sentence-transformers StaticEmbedding (mean of piece vectors), trained from scratch",
        "sources": {name: {"path": SOURCES[name], "documents": len({r["doc"] for r in source}),
                           "clauses": len(source)} for name, source in rows.items()},
        "never_used": ["alqac2023 questions (train.json, private_test.json, beir_*/queries, qrels)",
                       "directives_vn_qa (its questions, and its 30 documents listed in DOCS.txt)",
                       f"directives numbered as the documents of corpus/: {sorted(held_out_numbers)}"],
        "pairs": dict(Counter(kind for kind, *_ in pairs)),
        "hard_negatives": sum(1 for *_, n in pairs if n),
        "vocabulary": {"pieces": len(pieces), **asdict(vocab_config)},
        "pair_config": asdict(pair_config), "train_config": asdict(config),
        "seconds": round(time.perf_counter() - started, 1),
    }
    save_model(args.out, tokenizer, weights, info)
    print(f"→ {args.out} ({len(pieces)} mảnh, {config.dim} chiều, {info['seconds']} s)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
