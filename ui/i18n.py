"""Gradio's own interface strings in Vietnamese ("Drop File Here" → "Thả tệp vào đây").

Gradio picks its interface language from the browser among the languages it ships, and
Vietnamese is not one of them, so a Vietnamese browser would get English. The app therefore
registers a "vi" dictionary through `gr.I18n` (Gradio's documented way to add translations) and
switches the page to it once the app is set up. The switch calls `changeLocale`, which
Gradio's front-end core module exports; the module's file name is looked up in the installed
Gradio at start-up, so an upgrade that renames it is detected (logged) instead of breaking.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import gradio as gr

log = logging.getLogger(__name__)
LOCALE = "vi"

# Keys of Gradio's front-end dictionary (gradio/js/core/src/lang/en.json) that this app can show.
VIETNAMESE: dict[str, str] = {
    "common.built_with": "xây dựng với",
    "common.built_with_gradio": "Xây dựng với Gradio",
    "common.clear": "Xóa",
    "common.download": "Tải xuống",
    "common.download_all": "Tải tất cả",
    "common.edit": "Sửa",
    "common.empty": "Trống",
    "common.error": "Lỗi",
    "common.hosted_on": "Lưu trữ trên",
    "common.loading": "Đang tải",
    "common.logo": "biểu trưng",
    "common.or": "hoặc",
    "common.remove": "Bỏ",
    "common.settings": "Cài đặt",
    "common.share": "Chia sẻ",
    "common.submit": "Gửi",
    "common.undo": "Hoàn tác",
    "common.upload": "Tải lên",
    "common.language": "Ngôn ngữ",
    "common.display_theme": "Giao diện",
    "common.progress": "Tiến độ",
    "common.run": "Chạy",
    "common.runs": "Lượt chạy",
    "common.back_to_app": "Ứng dụng",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "upload_text.drop_file": "Thả tệp vào đây",
    "upload_text.drop_csv": "Thả tệp CSV vào đây",
    "upload_text.paste_clipboard": "Dán từ bộ nhớ tạm",
    "file.uploading": "Đang tải lên…",
    "chatbot.clear": "Xóa cuộc hỏi đáp",
    "chatbot.copy_message": "Sao chép câu trả lời",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác",
    "chatbot.edit": "Sửa",
    "chatbot.submit": "Gửi",
    "chatbot.cancel": "Hủy",
    "chatbot.like": "Thích",
    "chatbot.dislike": "Không thích",
    "chat_interface.chatbot": "Hỏi đáp",
    "chat_interface.conversation": "Cuộc hỏi đáp",
    "dropdown.dropdown": "Danh sách chọn",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API",
    "errors.contact_page_author": "Hãy báo cho người quản trị.",
    "errors.runtime_error": "có lỗi khi chạy",
    "errors.config_error": "có lỗi cấu hình",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể mất khi rời khỏi thẻ này hoặc khi máy ngủ.",
    "blocks.long_requests_queue": "Đang có nhiều yêu cầu chờ xử lý.",
    "blocks.lost_connection": "Mất kết nối do rời trang. Đang kết nối lại…",
    "blocks.waiting_for_inputs": "Đang chờ tệp tải lên xong, hãy thử lại.",
    "status.queue_position": "Đang chờ: thứ {position} trên {size}",
    "login.login": "Đăng nhập",
    "login.username": "tên đăng nhập",
    "login.password": "mật khẩu",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu (hoặc tạm khóa vì nhập sai nhiều lần)",
    "login.enable_cookies": "Hãy bật cookie cho trang này.",
}


# A few screen-reader labels Gradio writes without its dictionary (prefix → Vietnamese prefix).
HARDCODED_LABELS: dict[str, str] = {
    "user's message: ": "Câu hỏi: ",
    "bot's message: ": "Trả lời: ",
    "Empty value": "Trống",
}

_RELABEL = """
const relabel = (el) => {
  const label = el.getAttribute('aria-label');
  if (!label) return;
  for (const [en, vi] of Object.entries(LABELS)) {
    if (label.startsWith(en)) { el.setAttribute('aria-label', vi + label.slice(en.length)); return; }
  }
};
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.type === 'attributes') relabel(change.target);
    change.addedNodes.forEach((node) => {
      if (node.nodeType !== 1) return;
      relabel(node);
      node.querySelectorAll('[aria-label]').forEach(relabel);
    });
  }
}).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label']});
document.querySelectorAll('[aria-label]').forEach(relabel);
"""


def translations() -> gr.I18n:
    """The Vietnamese dictionary for `launch(i18n=…)`."""
    return gr.I18n(**{LOCALE: VIETNAMESE})


def _core_module() -> str | None:
    """File name of Gradio's front-end module that exports `changeLocale`, or None."""
    assets = Path(gr.__file__).parent / "templates" / "frontend" / "assets"
    for path in sorted(assets.glob("core-*.js")):
        if "as changeLocale" in path.read_text(encoding="utf-8", errors="replace"):
            return path.name
    log.warning("Gradio %s: không tìm thấy changeLocale; giao diện Gradio sẽ hiện tiếng Anh", gr.__version__)
    return None


# The login form's labels are drawn once, before a locale switch can reach them: replaced in place.
LOGIN_LABELS = {"Login": "Đăng nhập", "username": "Tên đăng nhập", "password": "Mật khẩu"}


def login_script() -> str:
    """A <script> for the login page, which Gradio serves without the app's translations or head:
    it registers the Vietnamese dictionary itself, switches to it once the login form is drawn
    (after Gradio has set its own locale; the error message follows it), and replaces the
    form's labels, which Gradio drew before the switch."""
    module = _core_module()
    if module is None:
        return ""
    words = json.dumps({LOCALE: VIETNAMESE}, ensure_ascii=False).replace("</", "<\\/")
    labels = json.dumps(LOGIN_LABELS, ensure_ascii=False)
    return (
        "<script type=\"module\">\n"
        f"const core = await import(new URL({json.dumps('assets/' + module)}, document.baseURI).href);\n"
        f"const LABELS = {labels};\n"
        "let switched = false;\n"
        "const apply = () => {\n"
        "  if (!document.querySelector('input[type=password]')) return;\n"
        "  if (!switched) {\n"
        "    switched = true;\n"
        f"    core.load_translations({{processed_langs: {{}}, custom_translations: {words}}});\n"
        f"    core.changeLocale({json.dumps(LOCALE)});\n"
        "  }\n"
        "  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);\n"
        "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {\n"
        "    const word = node.nodeValue.trim();\n"
        "    if (LABELS[word]) node.nodeValue = node.nodeValue.replace(word, LABELS[word]);\n"
        "  }\n"
        "};\n"
        "apply();\n"
        "new MutationObserver(apply).observe(document.documentElement, {childList: true, subtree: true});\n"
        "</script>"
    )


def head_script() -> str:
    """A <script> for `launch(head=…)` that switches Gradio's interface to Vietnamese."""
    module = _core_module()
    switch = ("" if module is None else
              f"const core = await import(new URL({json.dumps('assets/' + module)}, document.baseURI).href);\n"
              f"core.changeLocale({json.dumps(LOCALE)});\n")
    labels = f"const LABELS = {json.dumps(HARDCODED_LABELS, ensure_ascii=False)};\n{_RELABEL}"
    return f"<script type=\"module\">\n{labels}{switch}</script>"
