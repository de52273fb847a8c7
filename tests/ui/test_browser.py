"""The assistant in a real browser (Playwright driving Debian's chromium), desktop and phone.

Screenshots land in UI_SCREENSHOTS (or a temp folder) for a person to look at.
"""

import glob
import re
from pathlib import Path

import gradio as gr
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.ui.conftest import forest_plan_pdf, open_page

pytestmark = pytest.mark.browser

URBAN = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
AGENCY = "Cơ quan nào chủ trì tổng hợp, theo dõi, đôn đốc đợt thi đua cao điểm?"
FOREST = "Theo Kế hoạch 52/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?"
FOREST_QUOTE = "Tỷ lệ che phủ rừng toàn tỉnh đạt 55,2% vào cuối năm 2024."


def _answers(page):
    return page.locator("#chat [data-testid=bot]")


# Waits on work the server does (an answer, an ingest), not on the page: generous, because a CI
# machine shared with other jobs can be several times slower than an idle one.
SERVER_WORK_MS = 180_000


def _ask(page, question: str) -> None:
    before = page.locator("#chat .message").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message').length >= n + 2", arg=before, timeout=SERVER_WORK_MS)


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def _dropdown_options(page, elem_id: str) -> list[str]:
    page.locator(f"#{elem_id} input").click()
    page.wait_for_selector("[role=option]", timeout=5000)
    options = page.locator("[role=option]").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def _doc_count(page) -> int:
    return int(re.search(r"(\d+)\s*văn bản", page.locator("#mode-banner").inner_text()).group(1))


def _upload(page, path: Path) -> None:
    _open_tab(page, "Văn bản")
    page.wait_for_selector("#upload", state="visible", timeout=15000)
    # a tab draws its components on first visit: a file set while it is still drawing can be lost
    for _ in range(3):
        page.locator("#upload input[type=file]").set_input_files(str(path))
        try:
            page.wait_for_selector(f"#upload :text('{path.name}')", timeout=8000)
            break
        except PlaywrightTimeout:
            continue
    else:
        raise AssertionError(f"{path.name} never showed in the upload box")
    page.locator("#ingest").click()
    page.wait_for_function(f"document.querySelector('#ingest-result').innerText.includes('✓ uploads/{path.name}')",
                           timeout=SERVER_WORK_MS)


def test_page_loads_in_vietnamese_with_mode_banner(page):
    assert "Trợ lý văn bản chỉ đạo" in page.title()
    for tab in ("Hỏi đáp", "Tra cứu", "Văn bản", "Đánh giá"):
        assert page.get_by_role("tab", name=tab).is_visible()
    assert "chỉ từ khóa (BM25)" in page.locator("#mode-banner").inner_text()
    assert page.evaluate("document.documentElement.lang") == "vi"


ENGLISH_JS = """async (name) => {
  const m = await import(new URL('assets/' + name, document.baseURI).href);
  const out = [];
  const walk = (o) => { for (const v of Object.values(o)) {
    if (typeof v === 'string') out.push(v); else if (v && typeof v === 'object') walk(v); } };
  walk(m);
  return out;
}"""
SHOWN_JS = """() => { const bits = [document.body.innerText];
  document.querySelectorAll('[title],[placeholder],[aria-label],[alt]').forEach((e) => {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) { const v = e.getAttribute(a); if (v) bits.push(v); } });
  return bits.join('\\n'); }"""
# labels Gradio writes without its dictionary
HARDCODED = ["user's message", "bot's message", "Empty value", "Drop File Here", "Click to Upload", "Use via API"]


def test_no_english_gradio_strings_on_any_tab(page):
    """Every string of Gradio's English dictionary (and a few hard-coded ones) is absent from what a
    user sees or hears (text, titles, placeholders, aria labels), on every tab and after an answer."""
    assets = Path(gr.__file__).parent / "templates" / "frontend" / "assets"
    english = [s for s in page.evaluate(ENGLISH_JS, Path(glob.glob(str(assets / "en-*.js"))[0]).name)
               if len(s) >= 4 and s != "English"] + HARDCODED
    assert len(english) > 100
    _ask(page, URBAN)
    found = set()
    for tab in ("Hỏi đáp", "Tra cứu", "Văn bản", "Đánh giá"):
        _open_tab(page, tab)
        shown = page.evaluate(SHOWN_JS)
        found |= {(tab, s) for s in english if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", shown)}
    assert not found


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_each_answer_keeps_its_sources_and_n_opens_the_original(browser, ui_server, screenshots, viewport):
    context, page = open_page(browser, ui_server.url, viewport)
    try:
        _ask(page, URBAN)
        _ask(page, AGENCY)
        page.screenshot(path=str(screenshots / f"{viewport}-two-answers.png"))
        # the first answer's sources are still there, folded under the second's
        assert page.locator("#sources .src-group").count() == 2
        assert page.locator("#sources [data-answer='1'] .src-card").count() == 1
        first = _answers(page).nth(0)
        assert "Tỷ lệ đô thị hóa đạt 76%" in first.inner_text()
        assert "Kế hoạch 33/KH-UBND · mục II.3.(8)" in first.locator(".ans-sources").inner_text()
        # [1] of the FIRST answer opens its original at the quote, after the second answer
        first.locator("a.cite").first.click()
        page.wait_for_selector("#viewer .viewer", timeout=15000)
        mark = page.locator("#viewer mark#viewer-quote")
        assert mark.inner_text() == "(8) Tỷ lệ đô thị hóa đạt 76%."
        assert "Nguồn [1] của câu 1" in page.locator("#viewer .viewer-head").inner_text()
        assert "(7) Tốc độ đổi mới" in page.locator("#viewer .vt-text").inner_text()  # in its context
        page.wait_for_timeout(400)
        assert mark.is_visible() and page.locator("#download-original").is_visible()
        page.screenshot(path=str(screenshots / f"{viewport}-viewer-text.png"))
        assert page.locator("#sources [data-answer='1'] .src-card.active").count() == 1
        if viewport == "phone":
            # the quote sits right under the answer; the filters are folded away
            second = _answers(page).nth(1)
            text_box = second.locator(".ans-text").bounding_box()
            quote_box = second.locator(".ans-quote").bounding_box()
            assert 0 <= quote_box["y"] - (text_box["y"] + text_box["height"]) < 30
            assert not page.locator("#filter-doc").is_visible()
    finally:
        context.close()


def test_uploaded_pdf_opens_at_its_page_with_the_quote_boxed_then_is_deleted(browser, ui_server, screenshots,
                                                                            tmp_path):
    pdf = forest_plan_pdf(tmp_path / "ke-hoach-52-lam-dong.pdf")
    context, page = open_page(browser, ui_server.url)
    try:
        before = _doc_count(page)
        _upload(page, pdf)
        # banner, table and filters all show the new document, without a reload
        assert _doc_count(page) == before + 1
        assert "52/KH-UBND" in page.locator("#documents").inner_text()
        assert "14/03/2024" in page.locator("#documents").inner_text()
        assert "mới: Kế hoạch 52/KH-UBND" in page.locator("#ingest-result").inner_text()
        page.screenshot(path=str(screenshots / "desktop-documents-after-upload.png"), full_page=True)
        _open_tab(page, "Hỏi đáp")
        page.locator("#filters").get_by_text("Bộ lọc văn bản").click()
        assert any("52/KH-UBND" in o for o in _dropdown_options(page, "filter-doc"))
        page.locator("#filters").get_by_text("Bộ lọc văn bản").click()
        # a fresh page (page load) shows it too
        fresh_context, fresh = open_page(browser, ui_server.url, "phone")
        fresh.wait_for_function(f"document.querySelector('#mode-banner').innerText.includes('{before + 1} văn bản')",
                                timeout=10000)
        _ask(fresh, FOREST)
        assert "trang 2" in _answers(fresh).last.locator(".ans-sources").inner_text()
        _answers(fresh).last.locator("a.cite").first.click()
        fresh.wait_for_selector("#viewer .pdf-page[data-highlight='verified'] .hl", timeout=20000)
        fresh.wait_for_timeout(500)
        assert fresh.locator("#viewer .hl").first.is_visible()
        fresh.screenshot(path=str(screenshots / "phone-viewer-pdf.png"))
        fresh_context.close()
        # desktop: the page image, its box, and the original file
        _ask(page, FOREST)
        _answers(page).last.locator("a.cite").first.click()
        figure = page.locator("#viewer .pdf-page")
        figure.wait_for(timeout=20000)
        assert figure.get_attribute("data-page") == "2" and figure.get_attribute("data-highlight") == "verified"
        assert page.locator("#viewer .hl").count() == 1
        assert FOREST_QUOTE in page.locator("#viewer mark#viewer-quote").inner_text()
        page.wait_for_timeout(400)
        page.screenshot(path=str(screenshots / "desktop-viewer-pdf.png"))
        with page.expect_download() as download:
            page.locator("#download-original").click()
        assert download.value.suggested_filename == pdf.name
        assert Path(download.value.path()).read_bytes() == pdf.read_bytes()
        # delete, confirmed; everything says so
        _open_tab(page, "Văn bản")
        page.locator("#doc-pick input").fill("52/KH")
        page.locator("[role=option]", has_text="52/KH-UBND").first.click()
        page.locator("#delete-doc").click()
        page.wait_for_selector("#confirm-box", state="visible")
        assert "Gỡ «Kế hoạch 52/KH-UBND»" in page.locator("#confirm-text").inner_text()
        assert _doc_count(page) == before + 1  # nothing happens before the confirmation
        page.screenshot(path=str(screenshots / "desktop-delete-confirm.png"), full_page=True)
        page.locator("#confirm-yes").click()
        page.wait_for_function("document.querySelector('#manage-result').innerText.includes('Đã gỡ')",
                               timeout=30000)
        assert "Tệp tải lên cũng đã được xóa" in page.locator("#manage-result").inner_text()
        assert _doc_count(page) == before
        assert "52/KH-UBND" not in page.locator("#documents").inner_text()
        assert not page.locator("#confirm-box").is_visible()
        _open_tab(page, "Hỏi đáp")
        page.locator("#filters").get_by_text("Bộ lọc văn bản").click()
        assert not any("52/KH-UBND" in o for o in _dropdown_options(page, "filter-doc"))
        # its old answer's source now says the document is gone
        _answers(page).last.locator("a.cite").first.click()
        page.wait_for_function("document.querySelector('#viewer').innerText.includes('đã được gỡ')", timeout=10000)
    finally:
        context.close()


def test_empty_question_gets_a_vietnamese_message_not_an_error(page, screenshots):
    page.locator("#send").click()
    page.wait_for_selector("#chat-status", state="visible", timeout=10000)
    assert "Hãy nhập câu hỏi" in page.locator("#chat-status").inner_text()
    page.wait_for_timeout(500)
    shown = page.locator("body").inner_text()
    assert "Error" not in shown and "Lỗi" not in shown
    assert page.locator(".toast-body, .error").count() == 0
    page.screenshot(path=str(screenshots / "desktop-empty-question.png"))


def test_english_question_gets_a_vietnamese_hint(page):
    _ask(page, "What is the urbanization rate target of plan 33?")
    last = _answers(page).last
    assert "tiếng Việt có dấu" in last.locator(".ans-hint").inner_text()


def test_follow_up_question_is_resolved(page):
    _ask(page, "Tỷ lệ đô thị hóa của Cần Thơ năm 2021 là bao nhiêu?")
    _ask(page, "còn năm 2023 thì sao?")
    text = page.locator("#chat").inner_text()
    assert "71,5%" in text and "74%" in text.split("còn năm 2023 thì sao?")[-1]


def test_no_answer_shows_abstention(page):
    _ask(page, "Theo Kế hoạch 33/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?")
    assert "Không tìm thấy" in page.locator("#chat").inner_text()
    assert page.locator("#sources .src-card.abstain").count() == 1


def test_lookup_shows_the_clause_without_markdown(page):
    _open_tab(page, "Tra cứu")
    page.locator("#reference textarea").fill("33/KH-UBND mục IV.1")
    page.locator("#find").click()
    page.wait_for_selector("#lookup-result [data-path='IV.1']", timeout=20000)
    shown = page.locator("#lookup-result").inner_text()
    assert "Sở Nội vụ (Ban Thi đua - Khen thưởng)" in shown and "####" not in shown and "**" not in shown


PAYLOADS = ("<script>window.__xss=1</script> <img src=x onerror=\"window.__xss=2\"> "
            "{{constructor.constructor('window.__xss=3')()}} ${window.__xss=4} "
            "[bấm](javascript:window.__xss=5) ![ảnh](http://127.0.0.9/x.png)")


def test_payloads_in_documents_and_questions_never_run(browser, ui_server, tmp_path):
    doc = tmp_path / "ke-hoach-77-nuoc-sach.txt"
    doc.write_text(
        "Số: 77/KH-UBND\n\nSóc Trăng, ngày 02 tháng 4 năm 2024\n\nKẾ HOẠCH\n\nCấp nước sạch nông thôn năm 2024 "
        f"{PAYLOADS}\n\nI. CHỈ TIÊU\n\n1. Tỷ lệ hộ dân nông thôn dùng nước sạch đạt 98% {PAYLOADS}.\n\n"
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn Hiểu\n", encoding="utf-8")
    context, page = open_page(browser, ui_server.url)
    dialogs, remote = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: remote.append(r.url) if "127.0.0.9" in r.url else None)
    try:
        _upload(page, doc)
        _open_tab(page, "Hỏi đáp")
        _ask(page, f"Theo Kế hoạch 77/KH-UBND, tỷ lệ hộ dân nông thôn dùng nước sạch đạt bao nhiêu? {PAYLOADS}")
        answer = _answers(page).last.inner_text()
        assert "98%" in answer and 'onerror="window.__xss=2"' in answer  # shown as text, not run
        _answers(page).last.locator("a.cite").first.click()
        page.wait_for_selector("#viewer .viewer", timeout=15000)
        assert "<script>window.__xss=1</script>" in page.locator("#viewer").inner_text()
        _open_tab(page, "Tra cứu")
        page.locator("#reference textarea").fill(f"77/KH-UBND {PAYLOADS}")
        page.locator("#find").click()
        page.wait_for_timeout(1500)
        _open_tab(page, "Văn bản")
        page.wait_for_timeout(500)
        assert "77/KH-UBND" in page.locator("#documents").inner_text()
        assert page.evaluate("window.__xss") is None and not dialogs and not remote
    finally:
        context.close()


def test_uploaded_document_becomes_answerable(page, tmp_path):
    doc = tmp_path / "ke-hoach-45-rung.txt"
    doc.write_text(
        "Số: 45/KH-UBND\n\nĐà Lạt, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\n\nBảo vệ và phát triển rừng năm 2024\n\n"
        "I. CHỈ TIÊU\n\n1. Tỷ lệ che phủ rừng đạt 52,5% vào cuối năm 2024.\n\n"
        "2. Trồng mới 1.200 ha rừng tập trung.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn Minh\n", encoding="utf-8")
    _upload(page, doc)
    assert "45/KH-UBND" in page.locator("#documents").inner_text()
    _open_tab(page, "Hỏi đáp")
    _ask(page, "Theo Kế hoạch 45/KH-UBND, tỷ lệ che phủ rừng phải đạt bao nhiêu?")
    assert "52,5%" in page.locator("#chat").inner_text()

