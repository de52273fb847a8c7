"""Ingest: file → load → normalize → structure → chunks → vectors → store, one file at a time.

Each file is a unit of work: its chunks are swapped in under deterministic ids, then its
manifest record is written. A crash leaves at most one file to redo; a re-run skips
unchanged files, replaces changed ones, and never duplicates.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from tqdm import tqdm

from rag.config import Settings
from rag.index.chroma import Store
from rag.index.embeddings import Embedder, make_embedder
from rag.index.lexical import LexicalIndex
from rag.ingest.chunking import build_chunks
from rag.ingest.header import parse_meta_and_layout
from rag.ingest.loaders import LoadError, doc_id_for, iter_files, load_document
from rag.ingest.normalize import normalize_text
from rag.text import KEY_VERSION
from rag.types import Chunk, DocMeta, SourceDoc

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


class IndexBusy(Exception):
    """Another process is writing to this index."""


@dataclass
class Failure:
    path: str
    reason: str
    fix: str


@dataclass
class IngestReport:
    """What one ingest run did, for the CLI summary and the UI."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    chunks_written: int = 0
    total_docs: int = 0
    total_chunks: int = 0
    seconds: float = 0.0
    embedding_model: str | None = None
    notice: str | None = None  # why the run is lexical-only, when it is
    rebuilt: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


def parse_document(doc: SourceDoc, settings: Settings) -> tuple[DocMeta, list[Chunk]]:
    """Pure: a loaded document → its metadata and chunks."""
    meta, layout = parse_meta_and_layout(doc.text)
    chunks = build_chunks(doc.doc_id, doc.sha256, doc.text, meta, layout, doc.pages, settings.chunk_max_chars)
    return meta, chunks


def embed_chunks(embedder: Embedder, chunks: list[Chunk]) -> object:
    """Vectors for chunks: the breadcrumb gives each clause its context."""
    return embedder.encode_passages([f"{c.breadcrumb}\n{c.text}" for c in chunks], progress=len(chunks) > 256)


def index_texts(records: Iterable[tuple[str, str, str]], settings: Settings, embedder: Embedder | None = None,
                progress: bool = True) -> IngestReport:
    """Index in-memory texts (doc_id, text, source) through the same pipeline as files (BEIR corpora)."""
    import hashlib

    started = time.perf_counter()
    report = IngestReport(embedding_model=embedder.name if embedder else None)
    store = Store(settings)
    if embedder is not None:
        store.adopt_model(embedder.name, embedder.dim)
    items = list(records)
    batch: list[tuple[SourceDoc, DocMeta, list[Chunk]]] = []

    def flush() -> None:
        chunks = [c for _, _, cs in batch for c in cs]
        vectors = embed_chunks(embedder, chunks) if embedder and chunks else None
        items, offset = [], 0
        for doc, meta, cs in batch:
            part = vectors[offset:offset + len(cs)] if vectors is not None else None  # type: ignore[index]
            items.append((doc, meta, cs, part))
            offset += len(cs)
            report.added.append(doc.doc_id)
            report.chunks_written += len(cs)
        store.replace_documents(items, {"embedding_model": embedder.name if embedder else ""})  # type: ignore[arg-type]
        batch.clear()

    for doc_id, raw, source in tqdm(items, desc="Nạp văn bản", unit="vb", disable=not progress):
        text = normalize_text(raw)
        doc = SourceDoc(doc_id=doc_id, path=source, text=text, pages=(),
                        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest())
        meta, chunks = parse_document(doc, settings)
        batch.append((doc, meta, chunks))
        if sum(len(cs) for _, _, cs in batch) >= 512:  # embed across documents in large batches
            flush()
    flush()
    report.total_docs = len(items)
    report.total_chunks = store.count()
    load_lexical(store, settings)
    report.seconds = time.perf_counter() - started
    return report


def _sha_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest(paths: list[Path], settings: Settings, prune: bool = False, progress: Progress | None = None,
           embedder: Embedder | None = None, use_model: bool = True) -> IngestReport:
    """Index the files under `paths`. Raises IndexBusy when another writer holds the index."""
    started = time.perf_counter()
    report = IngestReport()
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise IndexBusy(f"Một tiến trình khác đang nạp văn bản vào chỉ mục {settings.index_dir}; "
                        "hãy đợi nó xong rồi chạy lại.") from exc
    try:
        if embedder is None and use_model:
            embedder, report.notice = make_embedder(settings)
        elif not use_model:
            report.notice = "Chạy không dùng mô hình nhúng: chỉ tìm kiếm theo từ khóa (BM25)."
        store = Store(settings)
        if embedder is not None:
            report.rebuilt = store.adopt_model(embedder.name, embedder.dim)
            report.embedding_model = embedder.name
        current_model = embedder.name if embedder else ""
        manifest = store.manifest()
        files = list(iter_files(paths))
        bar = tqdm(files, desc="Nạp văn bản", unit="tệp", disable=progress is not None or len(files) < 2)
        for n, (file, root) in enumerate(bar, start=1):
            doc_id = doc_id_for(file, root)
            if progress:
                progress(n, len(files), file.name)
            try:
                known = manifest.get(doc_id)
                if known and file.exists() and known.get("sha256") == _sha_of(file) and (
                        known.get("embedding_model", "") == current_model or not current_model):
                    report.unchanged.append(doc_id)
                    continue
                doc = load_document(file, settings, root)
                meta, chunks = parse_document(doc, settings)
                vectors = embed_chunks(embedder, chunks) if embedder and chunks else None
                store.replace_document(doc, meta, chunks, vectors, {"embedding_model": current_model})  # type: ignore[arg-type]
                (report.updated if known else report.added).append(doc_id)
                report.chunks_written += len(chunks)
            except LoadError as err:
                report.failed.append(Failure(str(file), err.reason, err.fix))
        if prune:
            for doc_id, record in store.manifest().items():
                if not Path(str(record.get("source", ""))).exists():
                    store.delete_document(doc_id)
                    report.pruned.append(doc_id)
        report.total_docs = len(store.manifest())
        report.total_chunks = store.count()
        load_lexical(store, settings)
    finally:
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def load_lexical(store: Store, settings: Settings) -> LexicalIndex:
    """The BM25 index for the store's current content: from the disk cache, or rebuilt."""
    fingerprint = store.fingerprint() + f"-{settings.bm25_k1}-{settings.bm25_b}-k{KEY_VERSION}"
    folder = settings.cache_dir / f"bm25-{fingerprint}"
    cached = LexicalIndex.load(folder) if folder.exists() else None
    if cached is not None:
        return cached
    index = LexicalIndex.build(store.iter_chunks(), k1=settings.bm25_k1, b=settings.bm25_b)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    for old in settings.cache_dir.glob("bm25-*"):
        shutil.rmtree(old, ignore_errors=True)
    index.save(folder)
    return index


def format_report(report: IngestReport) -> str:
    """Human summary of an ingest run (Vietnamese)."""
    lines = []
    if report.notice:
        lines.append(f"⚠ {report.notice}")
    if report.rebuilt:
        lines.append("ℹ Mô hình nhúng đã đổi: chỉ mục được tạo lại từ đầu.")
    lines.append(
        f"Đã nạp: {len(report.added)} mới, {len(report.updated)} cập nhật, {len(report.unchanged)} không đổi, "
        f"{len(report.pruned)} đã gỡ, {len(report.failed)} lỗi — {report.chunks_written} đoạn mới ghi; "
        f"chỉ mục có {report.total_docs} văn bản, {report.total_chunks} đoạn ({report.seconds:.1f} giây)."
    )
    for fail in report.failed:
        lines.append(f"✗ {fail.path}: {fail.reason}. Cách xử lý: {fail.fix}.")
    return "\n".join(lines)
