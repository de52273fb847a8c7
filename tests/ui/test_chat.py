"""Questions in another language, or typed without diacritics, get a Vietnamese hint."""

import pytest

from ui.chat import language_hint

pytestmark = pytest.mark.unit


def test_english_question_gets_a_hint_in_vietnamese():
    hint = language_hint("What is the forest cover target in plan 52?")
    assert hint is not None and "tiếng Việt có dấu" in hint and "nước ngoài" in hint


def test_vietnamese_without_diacritics_gets_the_typing_hint():
    hint = language_hint("ai ky chi thi 02/CT-UBND")
    assert hint is not None and "chưa có dấu" in hint


def test_vietnamese_question_gets_none():
    assert language_hint("Hạn gửi báo cáo là khi nào?") is None
    assert language_hint("33/KH-UBND") is None
