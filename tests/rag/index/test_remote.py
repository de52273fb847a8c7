"""A Chroma server that stops answering, dies, comes back, or wants a token: against a real `chroma run`.

One server for the module (start-ups are slow); each test has its own collection, and the
server is brought back to a running state after each test. Client deadlines are short,
set through the settings as an operator would.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from rag.config import Settings
from rag.health import STORE_UNAVAILABLE, check
from rag.index.chroma import Store
from rag.index.local import LocalIndex
from rag.index.remote import StoreRefused, StoreUnavailable
from rag.ingest.pipeline import format_report, ingest
from tests.rag.index.servers import ChromaServer, Gate

pytestmark = pytest.mark.integration
QUESTION = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
FAST = {"chroma_connect_timeout_s": 1.0, "chroma_read_timeout_s": 1.5, "chroma_deadline_s": 3.0,
        "chroma_retries": 2, "chroma_backoff_s": 0.1, "chroma_recheck_s": 1.0, "lexical_refresh_s": 0.0}


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server")).start()
    yield server
    server.stop()


@pytest.fixture
def server(chroma: ChromaServer) -> Iterator[ChromaServer]:
    yield chroma
    if chroma.process is None or chroma.process.poll() is not None:
        chroma.start()
    else:
        chroma.resume()


def _settings(server: ChromaServer, index_dir: Path, collection: str, **extra: Any) -> Settings:
    values = {"embedding_model": "none", **FAST, **extra}
    return Settings(index_dir=index_dir, chroma_host="127.0.0.1", chroma_port=server.port,  # type: ignore[call-arg]
                    collection=collection, _env_file=None, **values)


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.monotonic()
    return fn(*args), time.monotonic() - started


def test_paused_killed_and_restarted_store(server, tmp_path, corpus_copy, minilm_path, caplog):
    from rag.engine import Assistant

    settings = _settings(server, tmp_path / "app", "outage", embedding_model=minilm_path)
    assert ingest([corpus_copy], settings.model_copy(update={"index_dir": tmp_path / "writer"})).ok
    app = Assistant(settings)  # hybrid: every question also asks Chroma for its nearest chunks
    assert app.embedder is not None and "76%" in app.ask(QUESTION).text
    caplog.set_level(logging.WARNING)

    server.pause()  # SIGSTOP: the port still accepts connections, nothing answers
    answer, took = _timed(app.ask, QUESTION)
    assert took < 10 and STORE_UNAVAILABLE in answer.notes and answer.abstained and not answer.citations
    assert "Không truy cập được kho văn bản" in answer.text and "Câu trả lời chưa được tính" in answer.text
    again, took = _timed(app.ask, QUESTION)  # the outage is remembered: no second wait
    assert STORE_UNAVAILABLE in again.notes and took < 0.5
    health = app.health()
    assert not health.store.up and health.store.since is not None and time.time() - health.store.since < 30
    assert any("không truy cập được từ" in line for line in health.lines())
    # what the app recorded is what `python -m rag docs` on this machine reports
    assert LocalIndex.peek(settings.cache_dir / "local")["store_down_since"]

    server.resume()
    time.sleep(settings.chroma_recheck_s)
    assert "76%" in app.ask(QUESTION).text and app.health().store.up
    assert "store_down_since" not in LocalIndex.peek(settings.cache_dir / "local")

    server.kill()  # SIGKILL: connections refused
    answer, took = _timed(app.ask, QUESTION)
    assert took < 10 and STORE_UNAVAILABLE in answer.notes and "không kết nối được" in answer.text
    converse, _ = app.converse(QUESTION)  # the chat path says the same
    assert STORE_UNAVAILABLE in converse.notes
    assert app.lookup("33/KH-UBND") is not None  # reading the local copy of a document still works
    assert any(f.kind == "deadline" for f in app.register())  # so does the register (the UI builds its tab from it)

    server.start()  # the same address and data: the app recovers without a restart
    time.sleep(settings.chroma_recheck_s)
    assert "76%" in app.ask(QUESTION).text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]  # warnings only, no traceback


def test_app_started_while_the_store_is_down_follows_it_once_back(server, tmp_path, corpus_copy):
    from rag.engine import Assistant

    settings = _settings(server, tmp_path / "app", "late-start")
    assert ingest([corpus_copy], settings.model_copy(update={"index_dir": tmp_path / "writer"})).ok
    server.kill()
    app, took = _timed(Assistant, settings)
    assert took < 10 and not app.health().store.up and not app.corpus.metas
    assert STORE_UNAVAILABLE in app.ask(QUESTION).notes
    server.start()
    time.sleep(settings.chroma_recheck_s)
    assert "76%" in app.ask(QUESTION).text and len(app.corpus.metas) == 5


def _snapshot(settings: Settings) -> dict[str, Any]:
    """Everything an index holds that a reader can see: chunks (text, metadata, vectors), records, local index."""
    store = Store(settings)
    got = store.chunks.get(include=["documents", "metadatas", "embeddings"])
    chunks = {cid: (text, md, [round(float(x), 5) for x in vector]) for cid, text, md, vector in
              zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)}
    volatile = {"generation"}  # when a record was written, not what it says
    records = {d: {k: v for k, v in r.items() if k not in volatile} for d, r in store.manifest(True).items()}
    texts = {d: t for d, (t, _) in store.get_documents(sorted(records)).items()}
    local = LocalIndex.for_settings(settings).snapshot()
    local_chunks = sorted(c.chunk_id for d in local.records for c in local.chunks_of(d))
    local_records = {d: {k: v for k, v in r.items() if k not in volatile} for d, r in local.records.items()}
    return {"chunks": chunks, "records": records, "texts": texts, "local": (local_chunks, local_records)}


def test_ingest_stopped_by_an_outage_resumes_to_the_clean_index(server, tmp_path, corpus_copy, minilm_path):
    one_per_batch = {"ingest_batch_chunks": 1, "embedding_model": minilm_path}
    clean = _settings(server, tmp_path / "clean", "clean", **one_per_batch)
    assert ingest([corpus_copy], clean).ok
    settings = _settings(server, tmp_path / "resumed", "resumed", **one_per_batch)
    files = sorted(p.name for p in corpus_copy.iterdir())

    def kill_at_third_file(n: int, total: int, name: str) -> None:
        if n == 3:  # two files written (one batch each); the store dies while the third is read
            server.kill()

    report, took = _timed(ingest, [corpus_copy], settings, False, kill_at_third_file)
    assert took < 30 and not report.ok and report.stopped and report.stopped_at is not None
    assert Path(report.stopped_at).name == files[2] and len(report.added) == 2
    printed = format_report(report)
    assert files[2] in printed and "chạy lại đúng lệnh này" in printed and "Traceback" not in printed
    server.start()
    resumed = ingest([corpus_copy], settings)
    assert resumed.ok and len(resumed.unchanged) == 2 and len(resumed.added) == 3
    assert _snapshot(settings) == _snapshot(clean)


def test_cli_reports_store_down_with_local_copy(server, tmp_path, corpus_copy, capsys):
    from rag import cli

    settings = _settings(server, tmp_path / "app", "cli")
    assert ingest([corpus_copy], settings).ok
    health, _ = check(settings)
    assert health.ok and health.lines() == []
    server.kill()
    health, _ = check(settings)
    assert not health.store.up and health.synced_at is not None
    assert cli._cmd_docs(type("Args", (), {"json": False})(), settings) == 4
    out = capsys.readouterr().out
    assert "không truy cập được từ" in out and "bản sao cục bộ" in out and "33/KH-UBND" in out


def test_local_index_behind_the_store_is_reported_stale(server, tmp_path, corpus_copy):
    settings = _settings(server, tmp_path / "app", "stale")
    assert ingest([corpus_copy], settings).ok
    other = settings.model_copy(update={"index_dir": tmp_path / "elsewhere"})
    (corpus_copy / "extra.txt").write_text("CHỈ THỊ\nVề việc thử nghiệm\n1. Nội dung thử nghiệm.\n", encoding="utf-8")
    assert ingest([corpus_copy], other).ok  # written from another machine: this one's local index lags
    health, _ = check(settings)
    assert health.store.up and health.stale_since is not None and health.store_generation == health.local_generation + 1
    assert any("chưa theo kịp kho văn bản" in line for line in health.lines())


# ---------------------------------------------------------------- auth and TLS through the gate
@pytest.fixture(scope="module")
def gate(chroma: ChromaServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gate]:
    gate = Gate(tmp_path_factory.mktemp("gate"), chroma.port, "s3cr3tT0ken").start()
    yield gate
    gate.stop()


def _through_gate(gate: Gate, index_dir: Path, **extra: Any) -> Settings:
    values = {"embedding_model": "none", "chroma_ssl": True, "chroma_ca_file": gate.cert, **FAST, **extra}
    return Settings(index_dir=index_dir, chroma_host="127.0.0.1", chroma_port=gate.port,  # type: ignore[call-arg]
                    collection="gated", _env_file=None, **values)


def test_gate_with_token_and_tls(server, gate, tmp_path, corpus_copy):
    from rag.engine import Assistant

    good = _through_gate(gate, tmp_path / "app", chroma_token=SecretStr(gate.token))
    assert ingest([corpus_copy], good).ok
    assert "76%" in Assistant(good).ask(QUESTION).text

    for name, extra in (("none", {}), ("wrong", {"chroma_token": SecretStr("guess")})):
        bad = _through_gate(gate, tmp_path / name, **extra)
        app = Assistant(bad)
        answer = app.ask(QUESTION)
        assert STORE_UNAVAILABLE in answer.notes and "RAG_CHROMA_TOKEN" in answer.text, name
        assert app.health().store.refused
        with pytest.raises(StoreRefused):
            Store(bad).count()
        report = ingest([corpus_copy], bad)
        assert report.stopped and "RAG_CHROMA_TOKEN" in report.stopped and not report.added

    plain = _through_gate(gate, tmp_path / "plain", chroma_token=SecretStr(gate.token), chroma_ssl=False)
    with pytest.raises(StoreUnavailable):  # http to a TLS port: refused clearly, not hung
        Store(plain).count()
    untrusted = _through_gate(gate, tmp_path / "untrusted", chroma_token=SecretStr(gate.token), chroma_ca_file=None)
    with pytest.raises(StoreUnavailable, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        Store(untrusted).count()  # a certificate nobody vouched for is not trusted with the token

    server.kill()  # behind the gate: nginx answers 502, which counts as the store being down
    answer = Assistant(good).ask(QUESTION)
    assert STORE_UNAVAILABLE in answer.notes and "502" in answer.text
