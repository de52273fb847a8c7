import json
import subprocess
import sys

import numpy as np
import pytest
from filelock import FileLock

from eval.docgen import text_to_pdf
from rag.config import PROJECT_ROOT
from rag.index.chroma import Store
from rag.ingest.pipeline import IndexBusy, ingest, load_lexical, remove_document

pytestmark = pytest.mark.integration


def _ids(settings):
    return sorted(c.chunk_id for c in Store(settings).iter_chunks())


def test_ingest_is_idempotent(corpus_copy, settings):
    first = ingest([corpus_copy], settings)
    assert first.ok and len(first.added) == 5 and first.total_chunks == first.chunks_written > 50
    ids = _ids(settings)
    second = ingest([corpus_copy], settings)
    assert second.added == [] and len(second.unchanged) == 5 and second.chunks_written == 0
    assert _ids(settings) == ids and second.total_chunks == first.total_chunks


def test_changed_file_is_replaced_and_deleted_file_pruned(corpus_copy, settings):
    ingest([corpus_copy], settings)
    target = corpus_copy / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("đạt 76%", "đạt 77%"), encoding="utf-8")
    report = ingest([corpus_copy], settings)
    assert report.updated == [target.name] and len(report.unchanged) == 4
    texts = [c.text for c in Store(settings).iter_chunks() if c.doc_id == target.name]
    assert any("đạt 77%" in t for t in texts) and not any("đạt 76%" in t for t in texts)
    assert len(texts) == len(set(texts))
    (corpus_copy / "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt").unlink()
    pruned = ingest([corpus_copy], settings, prune=True)
    assert pruned.pruned == ["chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt"]
    assert all(c.doc_id != pruned.pruned[0] for c in Store(settings).iter_chunks())


def test_bad_files_are_reported_and_others_indexed(corpus_copy, settings):
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (corpus_copy / "empty.txt").write_text("", encoding="utf-8")
    report = ingest([corpus_copy], settings)
    assert len(report.added) == 5 and not report.ok
    assert sorted(f.path.rsplit("/", 1)[-1] for f in report.failed) == ["broken.pdf", "empty.txt"]


def test_cli_exit_code_and_summary_without_traceback(corpus_copy, tmp_path):
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    env = {"RAG_INDEX_DIR": str(tmp_path / "cli-index"), "RAG_EMBEDDING_MODEL": "none", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "ingest.py", str(corpus_copy)], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "broken.pdf" in run.stdout and "Cách xử lý" in run.stdout and "Traceback" not in run.stderr
    docs = subprocess.run([sys.executable, "-m", "rag", "docs", "--json"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    records = json.loads(docs.stdout)["documents"]
    assert json.loads(docs.stdout)["index"] == {"embedding_model": None, "chunks": sum(d["n_chunks"] for d in records)}
    kh33 = next(d for d in records if d["number"] == "33/KH-UBND")
    assert set(kh33) == {"doc_id", "source", "number", "doc_type", "issuer", "place", "issued_on",
                         "issued_text", "title", "signer", "n_chunks", "text_origin", "ocr_pages", "converted_from"}
    assert kh33["issued_on"] == "2024-02-21" and kh33["n_chunks"] > 30
    blank = next(d for d in records if d["place"] == "Tuần Giáo")
    assert blank["number"] is None and blank["issued_on"] is None


def test_remove_document_takes_out_its_chunks_record_and_lexical_entries(corpus_copy, settings):
    ingest([corpus_copy], settings)
    gone = "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt"
    record = remove_document(settings, gone)
    assert record is not None and record["number"] == "02/CT-UBND" and record["source"].endswith(gone)
    store = Store(settings)
    assert gone not in store.manifest() and all(c.doc_id != gone for c in store.iter_chunks())
    lexical = load_lexical(store, settings)  # this machine's local index followed the removal
    assert lexical.snapshot.chunk_total == store.count() and gone not in lexical.snapshot.records
    assert (corpus_copy / gone).exists()  # the file is the caller's business
    assert remove_document(settings, gone) is None
    with FileLock(str(settings.index_dir / "ingest.lock")), pytest.raises(IndexBusy):
        remove_document(settings, "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt")


def test_one_writer_at_a_time(corpus_copy, settings):
    settings.index_dir.mkdir(parents=True)
    with FileLock(str(settings.index_dir / "ingest.lock")), pytest.raises(IndexBusy):
        ingest([corpus_copy], settings)


def test_pdf_ingested_end_to_end(tmp_path, settings):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    text_to_pdf((PROJECT_ROOT / "corpus" / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt").read_text(encoding="utf-8"),
                folder / "kh33.pdf")
    assert ingest([folder], settings).ok
    chunks = {c.path: c for c in Store(settings).iter_chunks()}
    assert chunks["II.3.(8)"].text == "- (8) Tỷ lệ đô thị hóa đạt 76%." and chunks["II.3.(8)"].page == 3
    hits = load_lexical(Store(settings), settings).search("tỷ lệ đô thị hóa", 3)
    assert chunks["II.3.(8)"].chunk_id in [h[0] for h in hits]


def test_dense_vectors_with_small_model_and_model_switch(corpus_copy, dense_settings, settings):
    report = ingest([corpus_copy], dense_settings)
    assert report.embedding_model == dense_settings.embedding_model and report.notice is None
    store = Store(dense_settings)
    assert store.dim == 384
    got = store.chunks.get(limit=5, include=["embeddings", "metadatas"])
    assert all(m["has_vector"] for m in got["metadatas"])
    assert np.allclose(np.linalg.norm(np.asarray(got["embeddings"]), axis=1), 1.0, atol=1e-3)
    # the same index opened without the model keeps its vectors and skips every file
    lexical = settings.model_copy(update={"index_dir": dense_settings.index_dir})
    assert len(ingest([corpus_copy], lexical).unchanged) == 5 and Store(lexical).dim == 384


def test_missing_model_without_fallback_degrades_to_lexical_only_quickly(corpus_copy, tmp_path, settings):
    offline = settings.model_copy(update={"embedding_model": "intfloat/multilingual-e5-small", "hub_probe_timeout_s": 1.0,
                                          "fallback_embedding_model": "none"})
    report = ingest([corpus_copy], offline)
    assert report.ok and report.embedding_model is None
    assert "intfloat/multilingual-e5-small" in report.notice and "RAG_EMBEDDING_MODEL" in report.notice
    assert report.total_chunks > 50


def test_crash_between_chunks_and_record_leaves_nothing_to_clean(corpus_copy, settings, monkeypatch):
    from rag.index import chroma as store_module

    clean = ingest([corpus_copy], settings.model_copy(update={"index_dir": settings.index_dir.parent / "clean"}))
    one_per_batch = settings.model_copy(update={"ingest_batch_chunks": 1})
    original = store_module.Store.replace_documents
    calls = {"n": 0}

    def crash_on_third_document(self, items, extra):
        calls["n"] += 1
        if calls["n"] == 3:  # listed as pending, chunks written, then the process dies before the record
            listed = self.docs.upsert
            writes = iter([listed, lambda **kw: (_ for _ in ()).throw(RuntimeError("power cut"))])
            self.docs.upsert = lambda **kw: next(writes)(**kw)
        return original(self, items, extra)

    monkeypatch.setattr(store_module.Store, "replace_documents", crash_on_third_document)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest([corpus_copy], one_per_batch)
    monkeypatch.setattr(store_module.Store, "replace_documents", original)
    store = Store(settings)
    assert len(store.manifest()) == 2  # the interrupted document is not listed for readers
    assert len(store.manifest(include_pending=True)) == 3 and store.count() > sum(
        r["n_chunks"] for r in store.manifest().values())  # its chunks are there, under a pending record
    report = ingest([corpus_copy], settings)
    assert report.ok and len(report.unchanged) == 2 and len(report.added) + len(report.updated) == 3
    assert _ids(settings) == sorted(c.chunk_id for c in Store(
        settings.model_copy(update={"index_dir": settings.index_dir.parent / "clean"})).iter_chunks())
    assert report.total_chunks == clean.total_chunks


def test_pending_document_is_invisible_to_readers_until_repaired(corpus_copy, settings, monkeypatch):
    from rag.engine import Assistant
    from rag.index import chroma as store_module

    ingest([corpus_copy], settings)
    reader = Assistant(settings.model_copy(update={"lexical_refresh_s": 0.0}))
    target = corpus_copy / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("đạt 76%", "đạt 77%"), encoding="utf-8")
    original = store_module.Store.replace_documents

    def crash_after_chunks(self, items, extra):
        listed = self.docs.upsert
        writes = iter([listed, lambda **kw: (_ for _ in ()).throw(RuntimeError("power cut"))])
        self.docs.upsert = lambda **kw: next(writes)(**kw)
        return original(self, items, extra)

    monkeypatch.setattr(store_module.Store, "replace_documents", crash_after_chunks)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest([corpus_copy], settings)
    monkeypatch.setattr(store_module.Store, "replace_documents", original)
    question = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
    assert "76%" in reader.ask(question).text  # the last committed version, from the replica's own index
    newcomer = Assistant(settings.model_copy(update={"lexical_refresh_s": 0.0}))
    newcomer.local = type(newcomer.local)(settings.index_dir.parent / "newcomer-cache")
    newcomer.refresh(force=True)  # a replica that syncs now skips the half-written document
    assert target.name not in newcomer.corpus.metas and len(newcomer.corpus.metas) == 4
    assert ingest([corpus_copy], settings).updated == [target.name]
    for replica in (reader, newcomer):
        answer = replica.ask(question)
        assert not answer.abstained and "77%" in answer.text


def test_one_changed_file_is_reindexed_alone(corpus_copy, settings, monkeypatch):
    from rag.index import local as local_module

    ingest([corpus_copy], settings)
    applied: list[str] = []
    original = local_module.Updater.apply

    def spy(self, docs, removed=()):
        docs = list(docs)
        applied.extend(d.doc_id for d in docs)
        return original(self, docs, removed)

    monkeypatch.setattr(local_module.Updater, "apply", spy)
    assert len(ingest([corpus_copy], settings).unchanged) == 5 and applied == []  # nothing opened, nothing re-indexed
    target = corpus_copy / "chi-thi-11-CT-UBND-can-tho-2020-12-04.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nGhi chú thêm.", encoding="utf-8")
    assert ingest([corpus_copy], settings).updated == [target.name] and applied == [target.name]
    local = local_module.LocalIndex.for_settings(settings)
    assert local.state() == Store(settings).state()  # the writer kept this machine's index current
