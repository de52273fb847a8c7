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


def train_vectors(tokenizer: Any, pieces: list[tuple[str, float]], queries: Sequence[str],
                  passages: Sequence[str], config: TrainConfig) -> np.ndarray:
    """Vectors (vocab × dim) trained so that each query is nearest to its own passage in a batch."""
    import torch
    import torch.nn.functional as functional

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    alias = aliases(pieces)
    unique = sorted(set(passages))
    position = {p: i for i, p in enumerate(unique)}
    passage_ids = token_ids(tokenizer, unique, alias)
    query_ids = token_ids(tokenizer, queries, alias)
    target = np.asarray([position[p] for p in passages], dtype=np.int64)
    vocab = tokenizer.get_vocab_size()
    bag = torch.nn.EmbeddingBag(vocab, config.dim, mode="mean", sparse=True)
    with torch.no_grad():
        bag.weight.normal_(0.0, config.init_std)
        bag.weight[0] = 0.0  # <unk>: unknown syllables do not move a text's direction
    optimizer = torch.optim.SparseAdam(list(bag.parameters()), lr=config.lr)
    order = list(range(len(queries)))
    steps = config.epochs * math.ceil(len(order) / config.batch_size)
    step, started = 0, time.perf_counter()
    for epoch in range(config.epochs):
        rng.shuffle(order)
        for start in range(0, len(order), config.batch_size):
            batch = order[start:start + config.batch_size]
            q = functional.normalize(bag(*_bag([query_ids[i] for i in batch])), dim=-1)
            p = functional.normalize(bag(*_bag([passage_ids[target[i]] for i in batch])), dim=-1)
            logits = config.scale * q @ p.T
            same = torch.from_numpy(target[batch][:, None] == target[batch][None, :])
            logits = logits.masked_fill(same & ~torch.eye(len(batch), dtype=torch.bool), -1e4)
            labels = torch.arange(len(batch))
            loss = (functional.cross_entropy(logits, labels) + functional.cross_entropy(logits.T, labels)) / 2
            lr = config.lr * min(1.0, (steps - step) / max(1, steps * 0.3))  # linear decay over the last 30 %
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                bag.weight[0] = 0.0
            step += 1
            if step % 100 == 0 or step == steps:
                log.info("epoch %d step %d/%d loss %.4f (%.0f s)", epoch + 1, step, steps, float(loss),
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
