"""The chat: questions, answers that keep their own sources, and the viewer opened from `[n]`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from rag.health import STORE_UNAVAILABLE
from rag.search.followup import Turn
from rag.types import Answer
from ui.core import App
from ui.render import answer_html, question_html, sources_panel
from ui.viewer import viewer_html

KEEP_ANSWERS = 30  # answers whose sources a chat keeps reachable
EXAMPLE = "«Hạn gửi báo cáo là khi nào?»"

_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
_ENGLISH = frozenset(
    "what which who whom when where why how is are was were the of does do did must should shall will "
    "according plan directive deadline target rate responsible agency report by for in to on with and "
    "please tell me about".split())


@dataclass
class ChatSession:
    """One browser session's chat: the last turn (for follow-ups) and every answer with its sources."""

    turn: Turn | None = None
    answers: list[tuple[int, str, Answer]] = field(default_factory=list)
    asked: int = 0


def language_hint(question: str) -> str | None:
    """A Vietnamese hint for a question written in another language, or without diacritics."""
    # abbreviations (KH, UBND, CT) say nothing about the language
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", question) if not w.isupper()]
    if len(words) < 2 or _VIETNAMESE.search(question):
        return None
    english = sum(w in _ENGLISH for w in words)
    if english >= 2 and english / len(words) >= 0.3:
        return ("Câu hỏi có vẻ viết bằng tiếng nước ngoài, còn văn bản trong chỉ mục là tiếng Việt. Hãy hỏi bằng "
                f"tiếng Việt có dấu, ví dụ {EXAMPLE}")
    return f"Câu hỏi chưa có dấu tiếng Việt. Nếu chưa tìm thấy, hãy gõ lại có dấu, ví dụ {EXAMPLE}"


def _status(message: str) -> Any:
    return gr.update(value=message, visible=bool(message))


class Chat:
    """Handlers of the Hỏi đáp tab."""

    def __init__(self, app: App):
        self.app = app

    def ask(self, message: str, history: list[dict[str, Any]], session: ChatSession | None, doc: str,
            doc_type: str, year: str) -> tuple[Any, Any, ChatSession, Any, Any]:
        """Answer one question: (chat, sources panel, session, question box, status line)."""
        session = session if isinstance(session, ChatSession) else ChatSession()
        question = (message or "").strip()
        if not question:
            return gr.skip(), gr.skip(), session, gr.skip(), _status(
                f"Hãy nhập câu hỏi vào ô **Câu hỏi**, ví dụ {EXAMPLE}, rồi bấm **Hỏi**.")
        limit = self.app.settings.max_question_chars
        if len(question) > limit:
            return gr.skip(), gr.skip(), session, gr.skip(), _status(
                f"Câu hỏi quá dài ({len(question)} ký tự, tối đa {limit}): hãy hỏi ngắn gọn một ý.")
        docs = self.app.doc_filter(doc, doc_type, year)
        if docs == []:
            return gr.skip(), gr.skip(), session, gr.skip(), _status(
                "Không có văn bản nào khớp bộ lọc đã chọn: hãy chọn lại ở **Bộ lọc văn bản**.")
        answer, turn = self.app.assistant.converse(question, session.turn, doc_filter=docs)
        session.turn = turn
        session.asked += 1
        number = session.asked
        session.answers = [*session.answers, (number, question, answer)][-KEEP_ANSWERS:]
        hint = language_hint(question) if answer.abstained and STORE_UNAVAILABLE not in answer.notes else None
        resolved = turn.resolved if turn.resolved != question else None
        shown = answer_html(number, answer, self.app.corpus, resolved, hint)
        history = [*(history or []), {"role": "user", "content": question_html(question)},
                   {"role": "assistant", "content": shown}]
        return history, sources_panel(session.answers, self.app.corpus), session, "", _status("")

    def open_source(self, session: ChatSession | None, event: gr.EventData) -> tuple[str, Any]:
        """The viewer for source n of answer k (from a [n] link or a card), and its original file."""
        data = getattr(event, "_data", None) or {}
        try:
            number, n = int(data.get("answer", 0)), int(data.get("n", 0))
        except (TypeError, ValueError):
            number, n = 0, 0
        answers = session.answers if isinstance(session, ChatSession) else []
        found = next((a for no, _, a in answers if no == number), None)
        if found is None or not 1 <= n <= len(found.citations):
            return ("<div class='viewer'><div class='src-meta'>Nguồn này không còn trong phiên hỏi đáp "
                    "(phiên chỉ giữ nguồn của 30 câu gần nhất).</div></div>", gr.update(value=None, visible=False))
        citation = found.citations[n - 1]
        if citation.doc_id not in self.app.corpus.metas:
            return ("<div class='viewer'><div class='src-meta'>Văn bản của nguồn này đã được gỡ khỏi chỉ mục."
                    "</div></div>", gr.update(value=None, visible=False))
        html, original = viewer_html(self.app.corpus, citation, self.app.settings, f"Nguồn [{n}] của câu {number}")
        return html, gr.update(value=original, visible=original is not None)

    def clear(self) -> tuple[list[Any], str, ChatSession, str, Any, Any]:
        """A new chat: (chat, sources, session, viewer, download, status)."""
        return [], sources_panel([], self.app.corpus), ChatSession(), "", gr.update(value=None, visible=False), \
            _status("")
