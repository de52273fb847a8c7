"""A real UI server over a fresh index of corpus/, started once per session and stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings
from rag.ingest.pipeline import ingest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
UPLOAD_CAP_MB = 2


@dataclass
class Server:
    url: str
    index_dir: Path
    process: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    index_dir = tmp_path_factory.mktemp("ui-index")
    settings = Settings(index_dir=index_dir, embedding_model="none", _env_file=None)  # type: ignore[call-arg]
    assert ingest([PROJECT_ROOT / "corpus"], settings).ok
    port = _free_port()
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_EMBEDDING_MODEL": "none",
           "RAG_UI_MAX_UPLOAD_MB": str(UPLOAD_CAP_MB), "GRADIO_ANALYTICS_ENABLED": "False"}
    log = (index_dir / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "ui", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError((index_dir / "server.log").read_text())
    else:
        process.kill()
        raise RuntimeError("UI did not start: " + (index_dir / "server.log").read_text())
    yield Server(url, index_dir, process)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `bash scripts/system-deps.sh` (make test does).")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, ui_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(ui_server.url)
    pg.wait_for_selector("#question textarea", timeout=30000)
    yield pg
    context.close()
