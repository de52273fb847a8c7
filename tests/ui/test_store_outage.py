"""The UI over a Chroma server that stops answering, dies and comes back: a message within seconds,
no traceback in the app's log, answers again without restarting the app."""

from __future__ import annotations

import json
import time

import pytest

from rag.config import PROJECT_ROOT, Settings
from rag.ingest.pipeline import ingest
from tests.rag.index.servers import ChromaServer
from tests.ui.conftest import start_server, stop_server

pytestmark = pytest.mark.integration
QUESTION = "Tỷ lệ hộ nghèo năm 2023 theo Chỉ thị 10/CT-UBND còn bao nhiêu?"
SHORT = {"RAG_CHROMA_CONNECT_TIMEOUT_S": "1", "RAG_CHROMA_READ_TIMEOUT_S": "2", "RAG_CHROMA_DEADLINE_S": "4",
         "RAG_CHROMA_RETRIES": "2", "RAG_CHROMA_BACKOFF_S": "0.2", "RAG_CHROMA_RECHECK_S": "1",
         "RAG_LEXICAL_REFRESH_S": "1"}


def _ask(client) -> tuple[str, float]:
    started = time.monotonic()
    history, *_ = client.predict(QUESTION, [], "Tất cả", "Tất cả", "Tất cả", api_name="/ask")
    return json.dumps(history, ensure_ascii=False), time.monotonic() - started


def test_ui_survives_a_paused_and_a_killed_store(tmp_path):
    from gradio_client import Client

    chroma = ChromaServer(tmp_path / "chroma").start()
    index_dir = tmp_path / "app"
    index_dir.mkdir()
    server = None
    try:
        writer = Settings(index_dir=tmp_path / "writer", embedding_model="none", chroma_host="127.0.0.1",  # type: ignore[call-arg]
                          chroma_port=chroma.port, _env_file=None)
        assert ingest([PROJECT_ROOT / "corpus"], writer).ok
        server = start_server(index_dir, RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=str(chroma.port), **SHORT)
        client = Client(server.url, verbose=False)
        shown, _ = _ask(client)
        assert "0,36%" in shown

        chroma.pause()
        time.sleep(1.1)  # past the refresh interval: the question's own look at the store finds it silent
        shown, took = _ask(client)
        assert took < 10 and "Không truy cập được kho văn bản" in shown and "chưa được tính" in shown
        chroma.resume()
        time.sleep(2.2)
        shown, _ = _ask(client)
        assert "0,36%" in shown

        chroma.kill()
        time.sleep(1.1)
        shown, took = _ask(client)
        assert took < 10 and "Không truy cập được kho văn bản" in shown

        chroma.start()
        time.sleep(2.2)
        shown, _ = _ask(client)
        assert "0,36%" in shown  # the same app process, answering again
    finally:
        if server is not None:
            stop_server(server)
        chroma.stop()
    log = (index_dir / "server.log").read_text()
    assert "Traceback" not in log and "không truy cập được" not in log.lower()  # a warning line, in English, once
    assert "unreachable" in log and "reachable again" in log
