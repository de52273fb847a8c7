import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.normalize import normalize_pages, normalize_text
from rag.text import contract_normalize, fold_tones, has_diacritics, match_key, strip_accents

pytestmark = pytest.mark.unit

viet_text = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ,.;:()-%/0123456789\n\t*#")),
    max_size=400,
)


def test_nfc_and_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "Tỷ lệ đô thị hóa")
    assert normalize_text(decomposed + "\u200b\u00ad") == "Tỷ lệ đô thị hóa"


def test_tone_mark_conventions_match():
    assert match_key("Hoà bình, thuỷ lợi") == match_key("hòa bình, thủy lợi")
    assert fold_tones("hoàn thành") == "hoàn thành"  # tone inside a syllable stays put


def test_accent_folding():
    assert strip_accents("Đô thị hóa đạt 76%") == "Do thi hoa dat 76%"
    assert has_diacritics("đô thị") and not has_diacritics("do thi")


def test_page_break_split_sentence_is_joined():
    text, spans = normalize_pages(["Cần Thơ chung sức xây dựng nông", "thôn mới; toàn dân."])
    assert text == "Cần Thơ chung sức xây dựng nông thôn mới; toàn dân."
    assert [s.page for s in spans] == [1, 2]
    assert text[spans[1].start:].startswith("thôn mới")


def test_blank_line_inside_sentence_is_joined_but_headings_are_not():
    raw = "Sản lượng hàng hoá thông qua cảng đạt 159 triệu\n\n\n\ntấn; Hoàn thành.\n\n2. Mục tiêu\n\nTiếp tục"
    assert normalize_text(raw) == "Sản lượng hàng hoá thông qua cảng đạt 159 triệu tấn; Hoàn thành.\n\n2. Mục tiêu\n\nTiếp tục"


def test_pdf_reflow_joins_wrapped_lines_and_keeps_markers():
    page = (
        "1. Nhằm phát huy những kết quả, thành tựu đã đạt được trong những năm qua, tạo\n"
        "khí thế thi đua sôi nổi trong các cấp, nhiệm kỳ 2020\n"
        "- 2025, hoàn thành.\n"
        "2. Thông qua đợt thi đua."
    )
    text, _ = normalize_pages([page], reflow=True)
    assert text.split("\n\n") == [
        "1. Nhằm phát huy những kết quả, thành tựu đã đạt được trong những năm qua, tạo khí thế thi đua "
        "sôi nổi trong các cấp, nhiệm kỳ 2020 - 2025, hoàn thành.",
        "2. Thông qua đợt thi đua.",
    ]


def test_contract_normalization():
    assert contract_normalize("**Tỷ lệ** đạt 80 – 85 %") == contract_normalize("tỷ lệ đạt 80-85%")


@settings(max_examples=150, deadline=None)
@given(viet_text)
def test_normalization_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=100, deadline=None)
@given(st.lists(viet_text, min_size=1, max_size=4))
def test_page_spans_tile_the_text(pages):
    text, spans = normalize_pages(pages, reflow=True)
    if spans:
        assert spans[0].start == 0 and spans[-1].end == len(text)
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end == b.start and a.page < b.page
