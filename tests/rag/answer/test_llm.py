"""The optional LLM answerer: its output passes the same verification, or is not shown as an answer.

A scripted chat model (LangChain's FakeListChatModel) stands in for the LLM: these tests check
the guard around any model, not the quality of one.
"""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.answer.prompts import render
from rag.engine import Assistant

pytestmark = pytest.mark.integration
QUESTION = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"


def _assistant(corpus_index, reply: str) -> Assistant:
    return Assistant(corpus_index, chat_model=FakeListChatModel(responses=[reply]))


def test_verified_llm_answer_is_shown_with_its_quote(corpus_index):
    reply = "TRẢ LỜI: Tỷ lệ đô thị hóa phải đạt 76% [1].\nTRÍCH DẪN [1]: «(8) Tỷ lệ đô thị hóa đạt 76%.»"
    answer = _assistant(corpus_index, reply).ask(QUESTION)
    assert not answer.abstained and answer.text == "Tỷ lệ đô thị hóa phải đạt 76% [1]."
    assert answer.citations[0].quote == "(8) Tỷ lệ đô thị hóa đạt 76%."


@pytest.mark.parametrize("reply", [
    "TRẢ LỜI: Tỷ lệ đô thị hóa phải đạt 80% [1].\nTRÍCH DẪN [1]: «(8) Tỷ lệ đô thị hóa đạt 76%.»",  # number
    "TRẢ LỜI: Tỷ lệ đô thị hóa đạt 76% [1].\nTRÍCH DẪN [1]: «Tỷ lệ đô thị hóa phải đạt 76 phần trăm.»",  # forged
    "TRẢ LỜI: Tỷ lệ đô thị hóa đạt 76% [9].\nTRÍCH DẪN [9]: «(8) Tỷ lệ đô thị hóa đạt 76%.»",  # no passage 9
    "Tỷ lệ là 76%.",  # format ignored
])
def test_unverified_llm_output_is_replaced_with_a_visible_note(corpus_index, reply):
    answer = _assistant(corpus_index, reply).ask(QUESTION)
    assert answer.text.startswith("(Lưu ý:") and "80%" not in answer.text
    assert answer.citations and all("76%" in c.quote for c in answer.citations)


def test_llm_not_found_is_an_abstention(corpus_index):
    answer = _assistant(corpus_index, "KHÔNG TÌM THẤY").ask(QUESTION)
    assert answer.abstained and answer.text.startswith("Không tìm thấy")


def test_prompt_template_needs_exactly_its_placeholders():
    text = render("answer_vi.v1", question="Q?", passages="[1] x")
    assert "Câu hỏi: Q?" in text and "[1] x" in text and "#" not in text.splitlines()[0]
    with pytest.raises(ValueError):
        render("answer_vi.v1", question="Q?")
