"""Sentence-transformers embeddings, with model-specific prefixes and honest offline behaviour.

A model that cannot be loaded never crashes anything: `make_embedder` falls back to the
project's own Vietnamese model shipped in models/ (RAG_FALLBACK_EMBEDDING_MODEL, trained by
`make model`, see docs/MODEL_CARD.md) with a notice naming the missing model and how to provide
it; with no fallback it returns None and the system runs lexical-only meanwhile.
"""

from __future__ import annotations

import logging
import math
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
_HUB_HOST = "huggingface.co"
_CACHE: dict[tuple[str, str, int], Any] = {}
MODELS_DIR = PROJECT_ROOT / "models"  # models shipped with the project, loadable by folder name
_OFF = ("", "none", "off", "lexical")


def default_prefixes(model_name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) the model was trained with."""
    lowered = model_name.lower()
    if "e5" in lowered and "instruct" not in lowered:
        return "query: ", "passage: "
    return "", ""


# English-only sentence encoders: on Vietnamese legal text (ALQAC 2023 train) the best RRF weight
# of such a dense leg was 0-0.05 (nDCG@10 0.927) and every higher weight lowered it (README, eval.tune).
_ENGLISH_ONLY = ("all-minilm", "all_minilm", "all-mpnet", "all_mpnet", "paraphrase-minilm", "msmarco")


# Weights chosen on the two tune sets for models measured here (docs/MEASUREMENTS.md): ALQAC 2023
# *train* (eval.tune) and the unseen-directives tune split. vi-legal-static: 1.0 was best on ALQAC
# train (nDCG@10 0.918 vs 0.914 lexical) but cost 5 points of accuracy on the directives; 0.3 is the
# largest weight that loses no answer there (0.604, as lexical-only) and costs ALQAC train 0.006.
_MEASURED_WEIGHTS = {"vi-legal-static": 0.3}


def recommended_dense_weight(model_name: str) -> float:
    """RRF weight of the dense leg for this model when RAG_DENSE_WEIGHT is not set."""
    lowered = model_name.lower()
    measured = _MEASURED_WEIGHTS.get(Path(lowered.rstrip("/")).name)
    if measured is not None:
        return measured
    return 0.05 if any(tag in lowered for tag in _ENGLISH_ONLY) and "multilingual" not in lowered else 0.5


def bundled_model_path(name: str) -> Path | None:
    """The folder of a model shipped in models/ ('vi-legal-static'), if `name` is one."""
    folder = MODELS_DIR / name
    return folder if name and "/" not in name and (folder / "modules.json").exists() else None


@dataclass
class Embedder:
    """A loaded sentence-transformers model with its prefixes."""

    name: str
    model: Any
    query_prefix: str
    passage_prefix: str
    batch_size: int

    @property
    def dim(self) -> int:
        dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") \
            else self.model.get_sentence_embedding_dimension()
        return int(dim)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length vectors for passages (batched; longest-first batching is done by the model)."""
        return np.asarray(self.model.encode(
            [self.passage_prefix + t for t in texts], batch_size=self.batch_size,
            normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True,
        ), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Unit-length vector for one query."""
        return np.asarray(self.model.encode(
            [self.query_prefix + text], normalize_embeddings=True, convert_to_numpy=True,
        ), dtype=np.float32)[0]


def _hub_reachable(timeout: float) -> bool:
    try:
        with socket.create_connection((_HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _is_cached(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    found = try_to_load_from_cache(name, "config.json")
    return isinstance(found, str)


def missing_model_message(name: str) -> str:
    """What to tell the user when the embedding model is not available."""
    return (
        f"Không nạp được mô hình nhúng '{name}' (máy không tải được từ Hugging Face Hub và chưa có bản "
        f"trong bộ nhớ đệm). Hãy chép thư mục mô hình vào máy rồi đặt RAG_EMBEDDING_MODEL=/đường/dẫn/mô-hình. "
        f"Trong lúc đó hệ thống chỉ tìm kiếm theo từ khóa (BM25)."
    )


def fallback_message(name: str, fallback: str) -> str:
    """What to tell the user when the configured model is missing and the shipped one is used."""
    return (
        f"Không nạp được mô hình nhúng '{name}' (máy không tải được từ Hugging Face Hub và chưa có bản "
        f"trong bộ nhớ đệm); đang dùng mô hình tiếng Việt kèm theo '{fallback}' (chạy ngoại tuyến). "
        f"Để dùng '{name}', chép thư mục mô hình vào máy rồi đặt RAG_EMBEDDING_MODEL=/đường/dẫn/mô-hình."
    )


def make_embedder(settings: Settings) -> tuple[Embedder | None, str | None]:
    """Load the configured model (name, local path or shipped model), else the fallback model.

    Returns (embedder, None), (fallback embedder, why the configured one is not used), or
    (None, reason) when neither loads or the model is turned off (RAG_EMBEDDING_MODEL=none).
    """
    name = settings.embedding_model
    if not name or name.lower() in _OFF:
        return None, "Mô hình nhúng đã tắt (RAG_EMBEDDING_MODEL=none): chỉ tìm kiếm theo từ khóa (BM25)."
    embedder, reason = _load_embedder(name, settings)
    fallback = settings.fallback_embedding_model
    if embedder is None and fallback and fallback.lower() not in _OFF and fallback != name:
        spare, _ = _load_embedder(fallback, settings)
        if spare is not None:
            log.warning("embedding model %s not available; using %s", name, fallback)
            return spare, fallback_message(name, fallback)
    return embedder, reason


def _load_embedder(name: str, settings: Settings) -> tuple[Embedder | None, str | None]:
    key = (name, settings.embedding_device, settings.embedding_max_seq_length)
    if key not in _CACHE:
        local = bundled_model_path(name) or Path(name).expanduser()
        local_only = False
        if not local.exists():
            if Path(name).is_absolute() or name.startswith((".", "~")):
                return None, f"Không tìm thấy thư mục mô hình nhúng '{name}'. Kiểm tra RAG_EMBEDDING_MODEL."
            local_only = _is_cached(name) or not _hub_reachable(settings.hub_probe_timeout_s)
            if local_only and not _is_cached(name):
                return None, missing_model_message(name)
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(str(local) if local.exists() else name,
                                        device=settings.embedding_device, local_files_only=local_only)
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("embedding model %s failed to load: %s", name, exc)
            return None, missing_model_message(name)
        if not _is_static(model):  # static models read whole texts: nothing to cap
            model.max_seq_length = settings.embedding_max_seq_length
        _CACHE[key] = model
    query_prefix, passage_prefix = default_prefixes(name)
    return Embedder(
        name=name, model=_CACHE[key],
        query_prefix=settings.query_prefix if settings.query_prefix is not None else query_prefix,
        passage_prefix=settings.passage_prefix if settings.passage_prefix is not None else passage_prefix,
        batch_size=settings.static_embedding_batch_size if _is_static(_CACHE[key]) else settings.embedding_batch_size,
    ), None


def _is_static(model: Any) -> bool:
    """A static model (StaticEmbedding: piece vectors averaged) has no sequence-length limit."""
    return math.isinf(model.max_seq_length or 0)


def make_reranker(settings: Settings) -> tuple[Any | None, str | None]:
    """The optional cross-encoder (RAG_RERANKER_MODEL), or (None, why not). Off by default."""
    name = settings.reranker_model
    if not name:
        return None, None
    local = Path(name).expanduser()
    if not local.exists() and not _is_cached(name) and not _hub_reachable(settings.hub_probe_timeout_s):
        return None, (f"Không nạp được mô hình xếp hạng lại '{name}' (không có mạng tới Hugging Face Hub); "
                      "đang xếp hạng không dùng nó. Đặt RAG_RERANKER_MODEL=/đường/dẫn để dùng bản cục bộ.")
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(str(local) if local.exists() else name, device=settings.embedding_device), None
    except (OSError, ValueError, RuntimeError) as exc:
        log.warning("reranker %s failed to load: %s", name, exc)
        return None, f"Không nạp được mô hình xếp hạng lại '{name}'; đang xếp hạng không dùng nó."
