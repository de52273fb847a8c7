"""The replica's local index: derived from the store, updated incrementally, read on demand.

Two files under `cache_dir/local/`, both rebuilt from Chroma when lost:
- `chunks/`, a tantivy index: each chunk's BM25 tokens (ours: syllables, bigrams, folded forms),
  the syllables of its own text (for term weights), its document, its clause path and every
  prefix of it, and the chunk itself as a stored payload. Memory-mapped: a question reads the
  postings of its own terms and the chunks it returns, whatever the corpus size.
- `docs.sqlite`: document records and normalized texts, and the store generation they reflect.

`sync` brings it up to the store's generation by re-indexing only the documents written since
(and dropping removed ones); the ingest process feeds it directly what it has just written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from rag.index.chroma import Store, is_ready
from rag.index.lexical import chunk_tokens, syllables
from rag.text import KEY_VERSION
from rag.types import Chunk

SCHEMA_VERSION = "2"  # with rag.text.KEY_VERSION: tokens change when match keys do, so the index is rebuilt
_SYNC_BATCH_CHUNKS = 5000


@dataclass(frozen=True)
class DocUpdate:
    """One document as the local index stores it: its record, its text and its chunks."""

    doc_id: str
    record: dict[str, Any]
    text: str
    chunks: Sequence[Chunk]


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("chunk_id", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_id", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("pathkey", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("tokens", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="basic")
    sb.add_unsigned_field("start", indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


def path_keys(path: str) -> list[str]:
    """'Điều 7.2.a' → ['Điều 7', 'Điều 7.2', 'Điều 7.2.a']: a clause is found by its path or any ancestor's."""
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _payload(chunk: Chunk, sha: str) -> bytes:
    return json.dumps([chunk.chunk_id, chunk.doc_id, chunk.text, chunk.path, chunk.breadcrumb, chunk.start,
                       chunk.end, chunk.page, chunk.section, chunk.ancestors, sha], ensure_ascii=False).encode()


def _chunk(payload: bytes) -> tuple[Chunk, str]:
    cid, doc_id, text, path, crumb, start, end, page, section, ancestors, sha = json.loads(payload)
    return Chunk(chunk_id=cid, doc_id=doc_id, text=text, path=path, breadcrumb=crumb, start=start, end=end,
                 page=page, section=section, ancestors=tuple(tuple(a) for a in ancestors)), sha


class LocalIndex:
    """The tantivy chunk index and the SQLite document table of one replica."""

    def __init__(self, folder: Path):
        import tantivy

        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(folder / "write.lock"))
        self._db_lock = threading.Lock()
        self.db = sqlite3.connect(str(folder / "docs.sqlite"), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT)")
        self.version = f"{SCHEMA_VERSION}-k{KEY_VERSION}"
        if self._get("schema") not in (None, self.version):
            self._wipe()
        # keys: the document's distinct syllables (match keys), so no question has to split a whole text
        self.db.execute("CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, sha TEXT, record TEXT, text TEXT, "
                        "keys TEXT)")
        self.schema = _schema()
        (folder / "chunks").mkdir(exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(folder / "chunks"))
        self.index.config_reader(reload_policy="Manual")
        self._set("schema", self.version)

    @classmethod
    def for_settings(cls, settings: Any) -> LocalIndex:
        return cls(settings.cache_dir / "local")

    # ------------------------------------------------------------ state
    def _get(self, key: str) -> str | None:
        with self._db_lock:
            row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, key: str, value: str) -> None:
        with self._db_lock:
            self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))

    def state(self) -> tuple[str, int]:
        """(store collection id, store generation) this index reflects."""
        return self._get("collection") or "", int(self._get("generation") or 0)

    def synced_at(self) -> float | None:
        """When this index last reached the store's generation (None: never)."""
        value = self._get("synced_at")
        return float(value) if value else None

    def note_outage(self, since: float | None) -> None:
        """Remember when this machine found the store unreachable (None: reachable again), for the health view."""
        with self._db_lock:
            if since is None:
                self.db.execute("DELETE FROM state WHERE key = 'store_down_since'")
            else:
                self.db.execute("INSERT OR REPLACE INTO state VALUES ('store_down_since', ?)", (repr(since),))

    @staticmethod
    def peek_records(folder: Path) -> dict[str, dict[str, Any]]:
        """doc_id → record of the documents in the index in `folder`, read-only ({} when there is none)."""
        path = folder / "docs.sqlite"
        if not path.exists():
            return {}
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {str(d): json.loads(r) for d, r in db.execute("SELECT doc_id, record FROM docs")}
        except sqlite3.Error:
            return {}
        finally:
            db.close()

    @staticmethod
    def peek(folder: Path) -> dict[str, str]:
        """The state table of the index in `folder`, read without creating anything ({} when there is none)."""
        path = folder / "docs.sqlite"
        if not path.exists():
            return {}
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            state = {str(k): str(v) for k, v in db.execute("SELECT key, value FROM state")}
            state["documents"] = str(db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])
            return state
        except sqlite3.Error:
            return {}
        finally:
            db.close()

    def _wipe(self) -> None:
        with self._db_lock:
            self.db.execute("DROP TABLE IF EXISTS docs")
            self.db.execute("DELETE FROM state")
        shutil.rmtree(self.folder / "chunks", ignore_errors=True)

    # ------------------------------------------------------------ writes
    @contextmanager
    def writer(self, wait: bool = True) -> Iterator[Updater | None]:
        """The one writer of this index (None when another process holds it and `wait` is False)."""
        try:
            self._lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            yield None
            return
        try:
            writer = self.index.writer(heap_size=128_000_000, num_threads=1)
            try:
                yield Updater(self, writer)
            finally:
                writer.wait_merging_threads()
        finally:
            self._lock.release()

    def sync(self, store: Store, wait: bool = False) -> bool:
        """Catch up with the store's changes; True when anything was re-indexed or removed.

        Only documents written since the generation this index reflects are fetched; a new
        collection (the index was emptied for another model) means starting over.
        """
        collection, generation = store.state()
        if (collection, generation) == self.state():
            return False
        with self.writer(wait) as updater:
            if updater is None:
                return False  # another process is updating this index; its commits are read on reload
            mine, since = self.state()
            if (collection, generation) == (mine, since):
                return False
            cleared = bool(mine) and mine != collection
            if cleared:
                updater.clear()
                since = 0
            local = self.shas()
            changed = store.records_since(since if mine else 0)
            present = store.doc_ids() if since else set(changed)
            # a document listed but neither here nor among the changes (two writers whose generations
            # collided) is fetched too: additions are never lost, whatever the writers did
            missed = [d for d in present if d not in local and d not in changed]
            if missed:
                changed.update(store.records_of(missed))
            removed = [d for d in local if d not in present or (d in changed and not is_ready(changed[d]))]
            todo = [d for d, r in changed.items() if is_ready(r) and local.get(d) != r.get("sha256", "")]
            complete = updater.fetch_and_apply(store, todo, changed, removed)
            updater.set_state(collection, generation if complete else since)
        return bool(todo or removed or cleared)

    def shas(self) -> dict[str, str]:
        with self._db_lock:
            return {d: s for d, s in self.db.execute("SELECT doc_id, sha FROM docs")}

    # ------------------------------------------------------------ reads
    def snapshot(self) -> Snapshot:
        """A consistent read view: the latest committed chunks and the document records."""
        self.index.reload()
        with self._db_lock:
            rows = self.db.execute("SELECT doc_id, record FROM docs").fetchall()
        return Snapshot(self, self.index.searcher(), {d: json.loads(r) for d, r in rows})

    def text(self, doc_id: str) -> str:
        with self._db_lock:
            row = self.db.execute("SELECT text FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        return "" if row is None else str(row[0])

    def keys(self, doc_id: str) -> list[str]:
        """The document's distinct syllables (match keys), stored at indexing time."""
        with self._db_lock:
            row = self.db.execute("SELECT keys FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        return [] if row is None or not row[0] else str(row[0]).split(" ")


class Updater:
    """Applies batches of document changes to a LocalIndex (held by `LocalIndex.writer`)."""

    def __init__(self, local: LocalIndex, writer: Any):
        self.local, self.writer = local, writer

    def clear(self) -> None:
        self.writer.delete_all_documents()
        self.writer.commit()
        with self.local._db_lock:
            self.local.db.execute("DELETE FROM docs")

    def set_state(self, collection: str, generation: int) -> None:
        self.local._set("collection", collection)
        self.local._set("generation", str(generation))
        self.local._set("synced_at", repr(time.time()))

    def apply(self, docs: Iterable[DocUpdate], removed: Sequence[str] = ()) -> None:
        """Replace these documents and drop the removed ones: chunks first, then records.

        A reader between the two steps sees new chunks against old records; the view keeps only
        chunks whose document sha matches its record, so it never quotes a text that moved.
        """
        import tantivy

        docs = list(docs)
        for doc_id in [*removed, *(d.doc_id for d in docs)]:
            self.writer.delete_documents_by_term("doc_id", doc_id)
        for update in docs:
            sha = str(update.record.get("sha256", ""))
            for chunk in update.chunks:
                doc = tantivy.Document()
                doc.add_text("chunk_id", chunk.chunk_id)
                doc.add_text("doc_id", chunk.doc_id)
                for key in path_keys(chunk.path):
                    doc.add_text("pathkey", key)
                tokens, body = chunk_tokens(chunk)
                doc.add_text("tokens", " ".join(tokens))
                doc.add_text("body", " ".join(body))
                doc.add_unsigned("start", chunk.start)
                doc.add_bytes("payload", _payload(chunk, sha))
                self.writer.add_document(doc)
        self.writer.commit()
        with self.local._db_lock:
            db = self.local.db
            db.execute("BEGIN")
            db.executemany("DELETE FROM docs WHERE doc_id = ?", [(d,) for d in removed])
            db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)",
                           [(d.doc_id, str(d.record.get("sha256", "")), json.dumps(d.record, ensure_ascii=False),
                             d.text, " ".join(sorted(set(syllables(d.text))))) for d in docs])
            db.execute("COMMIT")

    def fetch_and_apply(self, store: Store, doc_ids: Sequence[str], records: dict[str, dict[str, Any]],
                        removed: Sequence[str]) -> bool:
        """Fetch documents from the store in batches and apply them; False when one was mid-write."""
        complete = True
        if removed:
            self.apply([], removed)
        batch: list[str] = []
        size = 0
        for n, doc_id in enumerate(doc_ids):
            batch.append(doc_id)
            size += int(records[doc_id].get("n_chunks", 0))
            if size < _SYNC_BATCH_CHUNKS and n < len(doc_ids) - 1:
                continue
            texts = store.get_documents(batch)
            chunks = store.chunks_of_documents(batch)
            ready = []
            for d in batch:
                text, record = texts.get(d, ("", {}))
                if not is_ready(record) or record.get("sha256") != records[d].get("sha256") \
                        or len(chunks.get(d, [])) != int(record.get("n_chunks", 0)):
                    complete = False  # written again since the listing: the next sync takes it
                    continue
                ready.append(DocUpdate(d, record, text, sorted(chunks[d], key=lambda c: c.start)))
            self.apply(ready)
            batch, size = [], 0
        return complete


class Snapshot:
    """One point in time of a LocalIndex: chunk search and reads, and the document records."""

    def __init__(self, local: LocalIndex, searcher: Any, records: dict[str, dict[str, Any]]):
        self.local, self.searcher, self.records = local, searcher, records
        self.chunk_total = int(searcher.num_docs)
        self._shas = {d: str(r.get("sha256", "")) for d, r in records.items()}

    def _query(self, field: str, value: str) -> Any:
        import tantivy

        return tantivy.Query.term_query(self.local.schema, field, value, index_option="basic")

    def _filter(self, field: str, values: Sequence[str]) -> Any:
        import tantivy

        return tantivy.Query.const_score_query(tantivy.Query.term_set_query(self.local.schema, field, list(values)), 0.0)

    def _chunks(self, hits: Iterable[tuple[float, Any]]) -> list[tuple[Chunk, float]]:
        out = []
        for score, address in hits:
            chunk, sha = _chunk(self.searcher.doc(address)["payload"][0])
            if self._shas.get(chunk.doc_id) == sha:  # a chunk of a listed document, at its listed version
                out.append((chunk, float(score)))
        return out

    def doc_freq(self, token: str) -> int:
        return int(self.searcher.doc_freq("body", token))

    def search(self, tokens: Sequence[str], k: int, allowed: Sequence[str] | None = None,
               doc_ids: Sequence[str] | None = None, path: str | None = None) -> list[tuple[Chunk, float]]:
        """BM25 over the tokens, summed per occurrence (as bm25s did), within the given filters."""
        import tantivy

        terms = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.term_query(self.local.schema, "tokens", t, index_option="freq"))
            for t in tokens])
        filters = []
        if allowed is not None:
            filters.append(self._filter("chunk_id", allowed))
        if doc_ids is not None:
            filters.append(self._filter("doc_id", doc_ids))
        if path:
            filters.append(tantivy.Query.const_score_query(self._query("pathkey", path), 0.0))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in [terms, *filters]]) if filters else terms
        return self._chunks(self.searcher.search(query, k, count=False).hits)

    def chunks_by_ids(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        if not chunk_ids:
            return {}
        hits = self.searcher.search(self._filter("chunk_id", chunk_ids), 2 * len(chunk_ids), count=False).hits
        return {c.chunk_id: c for c, _ in self._chunks(hits)}

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        n = int(self.records.get(doc_id, {}).get("n_chunks", 0))
        if n == 0:
            return []
        hits = self.searcher.search(self._query("doc_id", doc_id), 2 * n, count=False).hits
        return sorted((c for c, _ in self._chunks(hits)), key=lambda c: c.start)

    def chunks_at_path(self, path: str, doc_ids: Sequence[str] | None, limit: int) -> list[Chunk]:
        """Chunks at clause `path` or under it, in the given documents (at most `limit`)."""
        import tantivy

        query = self._query("pathkey", path)
        if doc_ids is not None:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                                 (tantivy.Occur.Must, self._filter("doc_id", doc_ids))])
        return [c for c, _ in self._chunks(self.searcher.search(query, limit, count=False).hits)]

    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None:
        """The document's chunk holding `offset` (else its last chunk): two ordered look-ups, no scan."""
        import tantivy

        before = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, self._query("doc_id", doc_id)),
            (tantivy.Occur.Must, tantivy.Query.range_query(self.local.schema, "start", tantivy.FieldType.Unsigned,
                                                           0, max(0, offset))),
        ])
        for query in (before, self._query("doc_id", doc_id)):
            hits = self._chunks(self.searcher.search(query, 1, count=False, order_by_field="start").hits)
            if hits and (query is not before or hits[0][0].end > offset):
                return hits[0][0]
        return None
