"""Ingest: file → load → normalize → structure → chunks → vectors → store, in batches of files.

Files are parsed one at a time and written to the store in batches (`Settings.ingest_batch_chunks`)
so that the cost of a write does not grow with the index. Each batch is a unit of work: its
documents are listed as pending, their chunks swapped in under deterministic ids, then their
records written (see `Store.replace_documents`). A crash leaves at most one batch to redo; a
re-run skips unchanged files, replaces changed ones, and never duplicates. What was written is
also fed to this machine's local index (BM25 and on-demand text), so nothing is rebuilt.

Each file is also its own failure domain: whatever goes wrong while reading and parsing one
file (a LoadError the user can fix, or an exception no one foresaw in a library) is reported
for that file in one Vietnamese line, its traceback goes to the index's ingest.log, and the
other files are indexed. Failures of the index itself (the store, the model) still stop the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tqdm import tqdm

from rag.config import Settings
from rag.facts.store import record_facts
from rag.index.chroma import Store
from rag.index.embeddings import Embedder, make_embedder
from rag.index.lexical import LexicalIndex
from rag.index.local import DocUpdate, LocalIndex, Updater
from rag.index.remote import StoreUnavailable
from rag.ingest.chunking import build_chunks
from rag.ingest.header import parse_meta_and_layout
from rag.ingest.loaders import LoadError, check_file, doc_id_for, file_sha256, iter_files, load_document
from rag.ingest.normalize import normalize_text
from rag.types import Chunk, DocMeta, SourceDoc

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
# Version of the chunk ids written with a document record. Records without it (written when ids
# ignored the document) are re-indexed once, which repairs byte-identical copies left without chunks.
ID_SCHEME = 2


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
    stopped: str | None = None  # why the run stopped before the end (the store became unreachable)
    stopped_at: str | None = None  # the first file not written: the next run resumes there

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None


def parse_document(doc: SourceDoc, settings: Settings) -> tuple[DocMeta, list[Chunk]]:
    """Pure: a loaded document → its metadata and chunks."""
    meta, layout = parse_meta_and_layout(doc.text)
    chunks = build_chunks(doc.doc_id, doc.sha256, doc.text, meta, layout, doc.pages, settings.chunk_max_chars)
    return meta, chunks


def embed_chunks(embedder: Embedder, chunks: list[Chunk]) -> object:
    """Vectors for chunks: the breadcrumb gives each clause its context."""
    return embedder.encode_passages([f"{c.breadcrumb}\n{c.text}" for c in chunks], progress=len(chunks) > 256)


class _BatchWriter:
    """Collects parsed documents and writes them in batches: vectors, store, then the local index.

    The local index is opened on the first write only: a run that changes nothing never touches it.
    """

    def __init__(self, store: Store, settings: Settings, embedder: Embedder | None, stack: ExitStack):
        self.store, self.settings, self.embedder, self.stack = store, settings, embedder, stack
        self.pending: list[tuple[SourceDoc, DocMeta, list[Chunk]]] = []
        self.size = 0
        self._updater: Updater | None = None
        self._local: LocalIndex | None = None

    @property
    def extra(self) -> dict[str, Any]:
        return {"embedding_model": self.embedder.name if self.embedder else "", "id_scheme": ID_SCHEME}

    def updater(self) -> tuple[LocalIndex, Updater]:
        if self._updater is None or self._local is None:
            self._local = LocalIndex.for_settings(self.settings)
            updater = self.stack.enter_context(self._local.writer(wait=True))
            assert updater is not None  # a waiting writer always gets the index
            self._updater = updater
        return self._local, self._updater

    def add(self, doc: SourceDoc, meta: DocMeta, chunks: list[Chunk]) -> None:
        self.pending.append((doc, meta, chunks))
        self.size += len(chunks)
        if self.size >= self.settings.ingest_batch_chunks:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        chunks = [c for _, _, cs in self.pending for c in cs]
        vectors = embed_chunks(self.embedder, chunks) if self.embedder and chunks else None
        items: list[Any] = []
        offset = 0
        for doc, meta, cs in self.pending:
            part = vectors[offset:offset + len(cs)] if vectors is not None else None  # type: ignore[index]
            items.append((doc, meta, cs, part))
            offset += len(cs)
        generation, records = self.store.replace_documents(items, self.extra)
        for doc, meta, cs in self.pending:  # the register, a pure function of the parsed document
            record_facts(self.store, doc, meta, cs)
        local, updater = self.updater()
        before = local.state()
        updater.apply(DocUpdate(doc.doc_id, records[doc.doc_id], doc.text, cs) for doc, _, cs in self.pending)
        self._advance(local, updater, before, generation)
        self.pending, self.size = [], 0

    def remove(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        generation = self.store.delete_documents(doc_ids)
        local, updater = self.updater()
        before = local.state()
        updater.apply([], doc_ids)
        self._advance(local, updater, before, generation)

    def _advance(self, local: LocalIndex, updater: Updater, before: tuple[str, int], generation: int) -> None:
        """Record the store generation the local index now reflects, when it reflected the one before."""
        collection = str(self.store.docs.id)
        fresh = before == ("", 0) and generation == 1
        if before == (collection, generation - 1) or fresh:
            updater.set_state(collection, generation)


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
    with ExitStack() as stack:
        writer = _BatchWriter(store, settings, embedder, stack)
        for doc_id, raw, source in tqdm(items, desc="Nạp văn bản", unit="vb", disable=not progress):
            text = normalize_text(raw)
            doc = SourceDoc(doc_id=doc_id, path=source, text=text, pages=(),
                            sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest())
            meta, chunks = parse_document(doc, settings)
            writer.add(doc, meta, chunks)
            report.added.append(doc_id)
            report.chunks_written += len(chunks)
        writer.flush()
    report.total_docs = len(items)
    report.total_chunks = store.count()
    report.seconds = time.perf_counter() - started
    return report


class _OcrProgress:
    """OCR page progress of one file: to the UI's callback, or a tqdm bar on the console."""

    def __init__(self, file: Path, n: int, total: int, progress: Progress | None):
        self.file, self.n, self.total, self.progress = file, n, total, progress
        self.bar: tqdm | None = None

    def __call__(self, done: int, pages: int) -> None:
        if self.progress:
            self.progress(self.n, self.total, f"{self.file.name} — nhận dạng chữ (OCR) trang {done}/{pages}")
            return
        if self.bar is None:
            self.bar = tqdm(total=pages, desc=f"OCR {self.file.name}", unit="trang", leave=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _failure_log(settings: Settings) -> tuple[logging.Logger, logging.Handler]:
    """A logger writing tracebacks of unforeseen per-file failures to <index>/ingest.log, not the console."""
    logger = logging.getLogger("rag.ingest.failures")
    logger.propagate = False  # the console shows one line per file; the traceback is for the maintainer
    logger.setLevel(logging.DEBUG)
    handler = logging.FileHandler(settings.index_dir / "ingest.log", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger, handler


def _prepare(file: Path, root: Path, doc_id: str, known: dict[str, Any] | None, current_model: str, settings: Settings,
             on_page: _OcrProgress) -> tuple[SourceDoc, DocMeta, list[Chunk]] | None:
    """Load and parse one file; None when the index already holds this exact file."""
    check_file(file, root, settings)  # before hashing: an oversized file is never read
    if known and known.get("state", "ready") == "ready" and known.get("sha256") == file_sha256(file) \
            and known.get("id_scheme") == ID_SCHEME and (
            known.get("embedding_model", "") == current_model or not current_model):
        return None  # (a pending record: a batch interrupted before its records were written, redone)
    doc = load_document(file, settings, root, on_page=on_page)
    meta, chunks = parse_document(doc, settings)
    return doc, meta, chunks


def ingest(paths: list[Path], settings: Settings, prune: bool = False, progress: Progress | None = None,
           embedder: Embedder | None = None, use_model: bool = True, root: Path | None = None) -> IngestReport:
    """Index the files under `paths`. Raises IndexBusy when another writer holds the index.

    Document ids are paths relative to the folder given (or to `root` when set: uploads are
    ingested relative to the index folder, so they live under `uploads/` and never take the id
    of a corpus file). When the store becomes unreachable the run stops cleanly: the batches
    written stay, `report.stopped_at` names the first file not written, and the next run
    resumes there (files already written are skipped by their checksum).
    """
    started = time.perf_counter()
    report = IngestReport()
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = _writer_lock(settings, "chạy lại")
    failures, handler = _failure_log(settings)
    try:
        if embedder is None and use_model:
            embedder, report.notice = make_embedder(settings)
        elif not use_model:
            report.notice = "Chạy không dùng mô hình nhúng: chỉ tìm kiếm theo từ khóa (BM25)."
        files = list(iter_files(paths))
        store = Store(settings)
        try:
            _ingest_files(files, store, settings, embedder, report, root, prune, progress, failures)
        except StoreUnavailable as down:  # stop cleanly: the batches written stay, the next run resumes
            report.stopped = down.message()
            report.stopped_at = report.stopped_at or (str(files[0][0]) if files else None)
    finally:
        failures.removeHandler(handler)
        handler.close()
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _ingest_files(files: list[tuple[Path, Path]], store: Store, settings: Settings, embedder: Embedder | None,
                  report: IngestReport, root: Path | None, prune: bool, progress: Progress | None,
                  failures: logging.Logger) -> None:
    """The body of `ingest`: each file loaded and parsed, then written with its batch."""
    if embedder is not None:
        report.rebuilt = store.adopt_model(embedder.name, embedder.dim)
        report.embedding_model = embedder.name
    current_model = embedder.name if embedder else ""
    manifest = store.manifest(include_pending=True)
    bar = tqdm(files, desc="Nạp văn bản", unit="tệp", disable=progress is not None or len(files) < 2)
    with ExitStack() as stack:
        writer = _BatchWriter(store, settings, embedder, stack)
        try:
            for n, (file, found_in) in enumerate(bar, start=1):
                base = root or found_in
                doc_id = doc_id_for(file, base)
                if progress:
                    progress(n, len(files), file.name)
                known = manifest.get(doc_id)
                on_page = _OcrProgress(file, n, len(files), progress)
                try:
                    prepared = _prepare(file, base, doc_id, known, current_model, settings, on_page)
                except LoadError as err:
                    report.failed.append(Failure(str(file), err.reason, err.fix))
                    continue
                except Exception as exc:  # noqa: BLE001 — the per-file boundary: a library's surprise costs this file only
                    failures.debug("unforeseen failure reading %s", file, exc_info=True)
                    report.failed.append(Failure(
                        str(file), f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {str(exc)[:160]})",
                        f"mở và lưu lại tệp rồi nạp lại; nếu vẫn lỗi, gửi {settings.index_dir / 'ingest.log'} "
                        "cho người quản trị"))
                    continue
                finally:
                    on_page.close()
                if prepared is None:
                    report.unchanged.append(doc_id)
                    continue
                doc, meta, chunks = prepared
                # a pending record without a sha256 is a document whose first write was interrupted
                (report.updated if known and known.get("sha256") else report.added).append(doc_id)
                report.chunks_written += len(chunks)
                writer.add(doc, meta, chunks)  # written with the batch: embedded, stored, locally indexed
            writer.flush()
        except StoreUnavailable:
            _unwritten(report, writer)
            raise
        if prune:
            gone = [d for d, r in manifest.items() if not Path(str(r.get("source", ""))).exists()]
            writer.remove(gone)
            report.pruned.extend(gone)
    report.total_docs = len(store.manifest())
    report.total_chunks = store.count()


def _unwritten(report: IngestReport, writer: _BatchWriter) -> None:
    """The batch the store refused is not written: take it out of the report and name its first file."""
    if not writer.pending:
        return
    report.stopped_at = writer.pending[0][0].path
    lost = {doc.doc_id for doc, _, _ in writer.pending}
    report.added = [d for d in report.added if d not in lost]
    report.updated = [d for d in report.updated if d not in lost]
    report.chunks_written -= sum(len(chunks) for _, _, chunks in writer.pending)


def _writer_lock(settings: Settings, then: str) -> FileLock:
    """The index's single-writer lock, taken at once or IndexBusy (`then`: what to do after waiting)."""
    lock = FileLock(str(settings.index_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise IndexBusy(f"Một tiến trình khác đang nạp văn bản vào chỉ mục {settings.index_dir}; "
                        f"hãy đợi nó xong rồi {then}.") from exc
    return lock


def remove_document(settings: Settings, doc_id: str) -> dict[str, object] | None:
    """Remove one document (its chunks, then its record) from the index; the files stay untouched.

    Returns the removed document's record, or None when the index does not hold it. Raises
    IndexBusy when another writer holds the index, like `ingest`.
    """
    lock = _writer_lock(settings, "thử lại")
    try:
        store = Store(settings)
        found = store.get_document(doc_id)
        if found is None:
            return None
        store.delete_document(doc_id)
        load_lexical(store, settings)
        return dict(found[1])
    finally:
        lock.release()


def load_lexical(store: Store, settings: Settings) -> LexicalIndex:
    """The BM25 index for the store's current content: this machine's local index, caught up first."""
    local = LocalIndex.for_settings(settings)
    local.sync(store, wait=True)
    return LexicalIndex(local.snapshot())


def format_report(report: IngestReport) -> str:
    """Human summary of an ingest run (Vietnamese)."""
    lines = []
    if report.notice:
        lines.append(f"⚠ {report.notice}")
    if report.rebuilt:
        lines.append("ℹ Mô hình nhúng đã đổi: chỉ mục được tạo lại từ đầu.")
    totals = (f"chỉ mục có {report.total_docs} văn bản, {report.total_chunks} đoạn" if report.stopped is None
              else "dừng giữa chừng")
    lines.append(
        f"Đã nạp: {len(report.added)} mới, {len(report.updated)} cập nhật, {len(report.unchanged)} không đổi, "
        f"{len(report.pruned)} đã gỡ, {len(report.failed)} lỗi — {report.chunks_written} đoạn mới ghi; "
        f"{totals} ({report.seconds:.1f} giây)."
    )
    for fail in report.failed:
        lines.append(f"✗ {fail.path}: {fail.reason}. Cách xử lý: {fail.fix}.")
    if report.stopped is not None:
        at = f"ở tệp {report.stopped_at}" if report.stopped_at else "trước khi đọc tệp nào"
        lines.append(f"✗ Đã dừng {at}: {report.stopped}. Các tệp trước đó đã được ghi vào kho và vẫn dùng được. "
                     "Khi kho hoạt động lại, chạy lại đúng lệnh này: việc nạp tiếp tục từ tệp đó (tệp đã ghi được "
                     "bỏ qua), chỉ mục sẽ giống hệt một lần nạp liền mạch.")
    return "\n".join(lines)
