"""One contract for every store backend: embedded Chroma and a Chroma server (`chroma run`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.index.chroma import Store
from rag.ingest.pipeline import ingest, parse_document
from rag.types import SourceDoc
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration
CHROMA = Path(shutil.which("chroma") or Path(sys.executable).parent / "chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(index_dir=tmp_path / "index", embedding_model="none", _env_file=None)  # type: ignore[call-arg]
    if request.param == "embedded":
        yield settings
        return
    port = _free_port()
    server = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("chroma run did not start")
        yield settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    finally:
        server.terminate()
        server.wait(timeout=20)


def _doc(doc_id: str, text: str) -> SourceDoc:
    return SourceDoc(doc_id=doc_id, path=f"/tmp/{doc_id}", text=text, pages=(), sha256=doc_id * 2)


def test_replace_list_query_and_delete(backend):
    store = Store(backend)
    text = (CORPUS / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt").read_text(encoding="utf-8")
    doc = _doc("kh33", text)
    meta, chunks = parse_document(doc, backend)
    assert store.adopt_model("test-model", 3) is False
    vectors = np.tile(np.array([[1.0, 0.0, 0.0]], dtype=np.float32), (len(chunks), 1))
    vectors[0] = [0.0, 1.0, 0.0]
    store.replace_document(doc, meta, chunks, vectors, {"embedding_model": "test-model"})
    before = store.fingerprint()
    store.replace_document(doc, meta, chunks, vectors, {"embedding_model": "test-model"})  # idempotent
    assert store.count() == len(chunks) and store.fingerprint() == before
    assert store.manifest()["kh33"]["number"] == "33/KH-UBND"
    nearest = store.dense_query(np.array([0.0, 1.0, 0.0], dtype=np.float32), 3)
    assert nearest[0][0] == chunks[0].chunk_id and nearest[0][1] == pytest.approx(1.0, abs=1e-4)
    got = store.get_chunks([chunks[5].chunk_id])[chunks[5].chunk_id]
    assert got.text == chunks[5].text and got.path == chunks[5].path and got.ancestors == chunks[5].ancestors
    store.delete_document("kh33")
    assert store.count() == 0 and store.manifest() == {} and store.fingerprint() != before


def test_two_replicas_share_one_index(backend, tmp_path):
    from rag.engine import Assistant

    # with a server, the replica has its own disk (its BM25 cache) and shares only Chroma
    own_disk = tmp_path / "replica" if backend.chroma_host else backend.index_dir
    reader = Assistant(backend.model_copy(update={"lexical_refresh_s": 0.0, "index_dir": own_disk}))
    assert reader.ask("Tỷ lệ đô thị hóa theo Kế hoạch 33/KH-UBND?").abstained
    assert ingest([CORPUS], backend).ok  # another process writes
    answer = reader.ask("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?")
    assert not answer.abstained and "76%" in answer.text


def test_replicas_follow_changes_incrementally(backend, tmp_path, corpus_copy, monkeypatch):
    """Two replicas with their own local index; a writer adds, changes and removes documents."""
    from rag.engine import Assistant
    from rag.index import local as local_module

    def replica(name: str) -> Assistant:
        disk = tmp_path / name if backend.chroma_host else backend.index_dir
        one = Assistant(backend.model_copy(update={"lexical_refresh_s": 0.0, "index_dir": disk}))
        if not backend.chroma_host:  # embedded: the same store, but a local index of its own
            one.local = local_module.LocalIndex(tmp_path / name)
            one.refresh(force=True)
        return one

    writer = backend.model_copy(update={"index_dir": tmp_path / "writer"}) if backend.chroma_host else backend
    assert ingest([corpus_copy], writer).ok
    first, second = replica("one"), replica("two")
    question = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
    assert all("76%" in r.ask(question).text for r in (first, second))
    fetched: list[str] = []
    original = local_module.Updater.apply

    def spy(self, docs, removed=()):
        docs = list(docs)
        fetched.extend(d.doc_id for d in docs)
        return original(self, docs, removed)

    monkeypatch.setattr(local_module.Updater, "apply", spy)
    target = corpus_copy / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("đạt 76%", "đạt 77%"), encoding="utf-8")
    (corpus_copy / "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt").unlink()
    report = ingest([corpus_copy], writer, prune=True)
    assert report.updated == [target.name] and len(report.pruned) == 1
    fetched.clear()
    for r in (first, second):
        answer = r.ask(question)
        assert not answer.abstained and "77%" in answer.text
        assert len(r.corpus.metas) == 4 and r.local.state() == r.store.state()
    assert fetched == [target.name, target.name]  # each replica re-indexed the changed document only
