"""The app's API (gradio_client) and its safety: loopback only, no stray files, upload cap, auth
on every endpoint with failed logins throttled."""

import json
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pytest

from rag.config import Settings
from tests.ui.conftest import UPLOAD_CAP_MB, start_server, stop_server

pytestmark = pytest.mark.integration


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_ask_and_lookup_through_gradio_client(ui_server):
    from gradio_client import Client

    client = Client(ui_server.url, verbose=False)
    history, cards, cleared, _ = client.predict(
        "Tỷ lệ hộ nghèo năm 2023 theo Chỉ thị 10/CT-UBND còn bao nhiêu?", [], "Tất cả", "Tất cả", "Tất cả",
        api_name="/ask")
    assert "0,36%" in json.dumps(history, ensure_ascii=False) and "10/CT-UBND" in cards and cleared == ""
    found, _ = client.predict("Chỉ thị 11/CT-UBND mục 8", api_name="/lookup")
    assert "Ban Thi đua - Khen thưởng thành phố" in found


def test_no_files_outside_the_app_are_served(ui_server):
    secret = ui_server.index_dir / "chroma" / "chroma.sqlite3"
    for path in ("/etc/passwd", str(secret), "../../../../etc/passwd"):
        for prefix in ("/gradio_api/file=", "/file="):
            status, body = _get(ui_server.url + prefix + path)
            assert status >= 400 or (b"root:" not in body and b"SQLite" not in body), (prefix, path, status)


def test_no_monitoring_endpoint(ui_server):
    for path in ("/monitoring", "/gradio_api/monitoring"):
        status, body = _get(ui_server.url + path)
        assert status in (403, 404), (path, status, body[:200])


def test_oversized_upload_is_refused(ui_server):
    boundary = "----cap"
    payload = b"x" * (UPLOAD_CAP_MB * 1024 * 1024 + 1024)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(ui_server.url + "/gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 413


def test_listens_on_loopback_only(ui_server):
    listening = [c.laddr.ip for c in psutil.Process(ui_server.process.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(ip.startswith("127.") for ip in listening)
    assert Settings(_env_file=None).ui_host == "127.0.0.1"  # type: ignore[call-arg]


def test_evaluation_tab_runs_a_question_set(ui_server):
    from gradio_client import Client

    client = Client(ui_server.url, verbose=False)
    metrics, by_type, failures, report = client.predict(None, "directives.jsonl", api_name="/evaluate")
    assert "| project |" in metrics and "answer_accuracy" in metrics and "p95" in metrics
    assert "| target |" in by_type and "| unanswerable |" in by_type
    with open(report, encoding="utf-8") as fh:
        assert fh.read().startswith("# Evaluation")


def test_empty_and_oversized_questions_get_a_vietnamese_message_and_no_traceback(ui_server):
    from gradio_client import Client

    client = Client(ui_server.url, verbose=False)
    too_long = "Tỷ lệ đô thị hóa " * 100
    for question, words in (("", "Hãy nhập câu hỏi"), ("   ", "Hãy nhập câu hỏi"), (too_long, "Câu hỏi quá dài")):
        # a status line under the question, not an error: no red badge, nothing raised
        *_, status = client.predict(question, [], "Tất cả", "Tất cả", "Tất cả", api_name="/ask")
        assert words in json.dumps(status, ensure_ascii=False)
    log = (ui_server.index_dir / "server.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "gr.Error" not in log


def test_twenty_people_asking_at_once_all_get_answers(ui_server):
    """The office load in miniature (20 users × 1 question); 20 × 10 is measured by eval.ui_load."""
    from eval.ui_load import run_load

    result = run_load(ui_server.url, users=20, questions=1)
    assert result["errors"] == 0 and result["answered"] == 20, result


def _request(url: str, data: dict[str, str] | None = None, cookie: str = "") -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace"), ""


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("ui-auth"), RAG_UI_AUTH_USER="canbo",
                          RAG_UI_AUTH_PASSWORD="mat-khau-du-dai", RAG_UI_LOGIN_MAX_FAILURES="3",
                          RAG_UI_LOGIN_DELAY_S="0.05")
    yield server
    stop_server(server)


def test_every_endpoint_needs_a_login_when_auth_is_set(auth_server):
    url = auth_server.url
    # (the login page's own static assets, /theme.css and /assets/, are public by design)
    for path in ("/config", "/gradio_api/info", "/gradio_api/file=/etc/passwd", "/gradio_api/queue/data",
                 "/gradio_api/upload_progress"):
        status, body, _ = _request(url + path)
        assert status in (401, 403) and "root:" not in body, (path, status)
    for path in ("/gradio_api/queue/join", "/gradio_api/upload", "/gradio_api/call/ask", "/gradio_api/run/ask"):
        status, _, _ = _request(url + path, data={"x": "1"})
        assert status in (401, 403, 422), (path, status)  # 422: the body is refused before anything runs


@pytest.mark.browser
def test_login_page_is_in_vietnamese_and_lets_the_user_in(browser, auth_server):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(auth_server.url)
        page.wait_for_selector("input[type=password]", timeout=30000)
        page.wait_for_function("document.body.innerText.includes('Mật khẩu')", timeout=10000)
        shown = page.locator("body").inner_text()
        assert "Tên đăng nhập" in shown and not any(w in shown for w in ("Login", "username", "password"))
        page.locator("input[type=text]").first.fill("canbo")
        page.locator("input[type=password]").fill("doan-sai")
        page.keyboard.press("Enter")
        page.wait_for_function("document.body.innerText.includes('Sai tên đăng nhập')", timeout=10000)
        assert "Incorrect" not in page.locator("body").inner_text()
        page.locator("input[type=text]").first.fill("canbo")  # Gradio empties the form after a failure
        page.locator("input[type=password]").fill("mat-khau-du-dai")
        page.keyboard.press("Enter")
        page.wait_for_selector("#question textarea", timeout=30000)
        assert "Trợ lý văn bản chỉ đạo" in page.title()
    finally:
        context.close()


def test_failed_logins_lock_the_user_name(auth_server):
    url = auth_server.url + "/login"
    status, _, cookie = _request(url, {"username": "canbo", "password": "mat-khau-du-dai"})
    assert status == 200 and "access-token" in cookie
    token = cookie.split(";", 1)[0]
    assert _request(auth_server.url + "/config", cookie=token)[0] == 200
    for _ in range(3):
        assert _request(url, {"username": "canbo", "password": "doan-sai"})[0] == 400
    status, _, cookie = _request(url, {"username": "canbo", "password": "mat-khau-du-dai"})
    assert status == 400 and not cookie  # locked for the window, even with the right password
