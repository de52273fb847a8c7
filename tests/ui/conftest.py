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


def start_server(index_dir: Path, **env_extra: str) -> Server:
    """`python -m ui` on a free loopback port over `index_dir`; returns once the page is served."""
    port = _free_port()
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_EMBEDDING_MODEL": "none",
           "RAG_UI_MAX_UPLOAD_MB": str(UPLOAD_CAP_MB), "GRADIO_ANALYTICS_ENABLED": "False", **env_extra}
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
    return Server(url, index_dir, process)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    index_dir = tmp_path_factory.mktemp("ui-index")
    settings = Settings(index_dir=index_dir, embedding_model="none", _env_file=None)  # type: ignore[call-arg]
    assert ingest([PROJECT_ROOT / "corpus"], settings).ok
    server = start_server(index_dir)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `bash scripts/system-deps.sh` (make test does).")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


def open_page(browser, url: str, viewport: str = "desktop"):
    """A fresh context and page on the app, loaded (Gradio keeps a stream open: never networkidle)."""
    phone = viewport == "phone"
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN", is_mobile=phone, has_touch=phone)
    pg = context.new_page()
    pg.goto(url)
    pg.wait_for_load_state("load")
    pg.wait_for_selector("#question textarea", timeout=30000)
    return context, pg


@pytest.fixture
def page(browser, ui_server):
    context, pg = open_page(browser, ui_server.url)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests leave screenshots for a person to look at (UI_SCREENSHOTS, else a temp folder)."""
    wanted = os.environ.get("UI_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_pdf(path: Path, paragraphs: list[tuple[str, bool]]) -> Path:
    """A real A4 PDF (fpdf2, DejaVu: Vietnamese glyphs) with one paragraph per (text, bold)."""
    from fpdf import FPDF

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    for text, bold in paragraphs:
        pdf.set_font("DejaVu", "B" if bold else "", 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


def forest_plan_pdf(path: Path) -> Path:
    """Kế hoạch 52/KH-UBND of Lâm Đồng: its forest-cover target lands on page 2."""
    filler = [(f"{i}. Nội dung thứ {i} về quản lý, bảo vệ rừng được các cơ quan, đơn vị triển khai đồng bộ, "
               "thường xuyên, gắn với trách nhiệm của người đứng đầu và sự tham gia của cộng đồng dân cư.", False)
              for i in range(1, 12)]
    return make_pdf(path, [
        ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", False), ("Số: 52/KH-UBND", False),
        ("Lâm Đồng, ngày 14 tháng 3 năm 2024", False), ("KẾ HOẠCH", True),
        ("Phát triển lâm nghiệp bền vững năm 2024", True), ("I. MỤC ĐÍCH, YÊU CẦU", True), *filler,
        ("II. CHỈ TIÊU", True), ("1. Tỷ lệ che phủ rừng toàn tỉnh đạt 55,2% vào cuối năm 2024.", False),
        ("2. Trồng mới 2.400 ha rừng tập trung, trong đó rừng phòng hộ 600 ha.", False),
        ("III. TỔ CHỨC THỰC HIỆN", True),
        ("1. Sở Nông nghiệp và Phát triển nông thôn chủ trì theo dõi, tổng hợp kết quả, báo cáo Ủy ban nhân dân "
         "tỉnh trước ngày 15 tháng 12 năm 2024.", False),
        ("TM. ỦY BAN NHÂN DÂN", False), ("CHỦ TỊCH", False), ("Trần Văn Hiệp", False)])
