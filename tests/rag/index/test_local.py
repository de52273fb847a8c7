"""The replica's local index: incremental sync from the store, BM25 against a reference, reads."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index.chroma import Store
from rag.index.corpus import CorpusView
from rag.index.lexical import LexicalIndex, document_tokens, index_text, query_tokens
from rag.index.local import LocalIndex, Updater, path_keys
from rag.ingest.pipeline import ingest

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(corpus_copy, settings):
    assert ingest([corpus_copy], settings).ok
    return settings


def _replica(settings, tmp_path, name="replica"):
    return LocalIndex(tmp_path / name)


def test_path_keys():
    assert path_keys("Điều 7.2.a") == ["Điều 7", "Điều 7.2", "Điều 7.2.a"]
    assert path_keys("II.3.(8)") == ["II", "II.3", "II.3.(8)"]


def test_sync_fetches_only_what_changed(indexed, corpus_copy, tmp_path, monkeypatch):
    store = Store(indexed)
    replica = _replica(indexed, tmp_path)
    assert replica.sync(store) and replica.state() == store.state()
    assert len(replica.snapshot().records) == 5
    applied: list[str] = []
    original = Updater.apply

    def spy(self, docs, removed=()):
        docs = list(docs)
        applied.extend(d.doc_id for d in docs)
        applied.extend(f"-{d}" for d in removed)
        return original(self, docs, removed)

    monkeypatch.setattr(Updater, "apply", spy)
    assert not replica.sync(store) and applied == []  # same generation: one small call, nothing read
    target = corpus_copy / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("đạt 76%", "đạt 77%"), encoding="utf-8")
    (corpus_copy / "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt").unlink()
    ingest([corpus_copy], indexed, prune=True)
    applied.clear()  # (the writer fed its own local index; what matters is what the replica fetches)
    assert replica.sync(store)
    assert sorted(applied) == ["-chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt", target.name]
    view = CorpusView.load(replica)
    assert "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt" not in view.metas and len(view.metas) == 4
    hits = LexicalIndex(view.source).search("tỷ lệ đô thị hóa", 3)  # type: ignore[arg-type]
    assert "đạt 77%" in view.chunk(hits[0][0]).text  # type: ignore[union-attr]


def test_new_collection_means_a_rebuild(indexed, tmp_path):
    store = Store(indexed)
    replica = _replica(indexed, tmp_path)
    replica.sync(store)
    store.adopt_model("another-model", 3)  # the index is emptied for vectors of another model
    assert replica.sync(store) and replica.snapshot().records == {} and replica.snapshot().chunk_total == 0


def test_bm25_matches_the_bm25s_reference(indexed):
    """Same tokens, same k1/b: tantivy's scores are bm25s's times (k1 + 1), within its length quantisation."""
    import bm25s

    local = LocalIndex.for_settings(indexed)
    local.sync(Store(indexed), wait=True)
    snapshot = local.snapshot()
    chunks = [c for d in snapshot.records for c in snapshot.chunks_of(d)]
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in document_tokens(index_text(c))] for c in chunks]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index((ids, vocab), show_progress=False)
    for query in ("tỷ lệ đô thị hóa", "thời hạn báo cáo kết quả", "Sở Nội vụ chủ trì phối hợp", "phong trao thi dua"):
        tokens = [vocab[t] for t in query_tokens(query) if t in vocab]
        expected = np.asarray(reference.get_scores_from_ids(tokens))
        top = np.argsort(-expected)[:5]
        got = dict(LexicalIndex(snapshot).search(query, 5))
        best = next(i for i, c in enumerate(chunks) if c.chunk_id == next(iter(got)))
        assert expected[best] == pytest.approx(expected[top[0]], rel=0.05), query  # the same best, up to near-ties
        for i in top:
            assert got.get(chunks[i].chunk_id, 0.0) == pytest.approx(2.2 * expected[i], rel=0.05), query


def test_reads_agree_with_the_in_memory_view(indexed):
    local = LocalIndex.for_settings(indexed)
    local.sync(Store(indexed), wait=True)
    disk = CorpusView.load(local)
    memory = CorpusView.of({d: (disk.text(d), disk.meta(d)) for d in disk.metas},
                           [c for d in disk.metas for c in disk.chunks_of(d)])
    assert disk.chunk_count == memory.chunk_count > 50 and disk.places == memory.places
    doc = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    chunks = disk.chunks_of(doc)
    assert [c.chunk_id for c in chunks] == [c.chunk_id for c in memory.chunks_of(doc)]
    for offset in (0, chunks[3].start, chunks[3].start + 5, chunks[-1].end + 10, len(disk.text(doc)) - 1):
        assert disk.chunk_at(doc, offset) == memory.chunk_at(doc, offset)
    for path in ("II", "II.3", "II.3.(8)", "IV.1"):
        assert {c.chunk_id for c in disk.chunks_at_path(path, [doc])} == \
            {c.chunk_id for c in memory.chunks_at_path(path, [doc])}, path
    assert disk.chunks([chunks[1].chunk_id, "unknown"]) == {chunks[1].chunk_id: chunks[1]}
    assert disk.text(doc) == memory.text(doc) and disk.text("unknown") == "" and disk.chunks_of("unknown") == []


def test_chunk_tokens_split_the_text_once_with_the_same_result():
    from rag.index.lexical import body_tokens, chunk_tokens
    from rag.types import Chunk

    for crumb, text in [("Luật Đất đai › Điều 5. Hoà giải", "1. Khuyến khích hoà giải 7,5% năm 2024"), ("", "Thuỷ lợi"),
                        ("Chương I", "")]:
        chunk = Chunk("c", "d", text, "1", crumb, 0, len(text))
        assert chunk_tokens(chunk) == (document_tokens(index_text(chunk)), body_tokens(text))


def test_document_keys_are_stored_once_and_match_the_text(indexed):
    from rag.answer.units import keys_of

    local = LocalIndex.for_settings(indexed)
    local.sync(Store(indexed), wait=True)
    disk = CorpusView.load(local)
    doc = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    memory = CorpusView.of({doc: (disk.text(doc), disk.meta(doc))}, disk.chunks_of(doc))
    for folded in (False, True):
        expected = frozenset(keys_of(disk.text(doc), folded))
        assert disk.keys(doc, folded) == expected == memory.keys(doc, folded) and len(expected) > 300
    assert disk.keys("unknown") == frozenset()
