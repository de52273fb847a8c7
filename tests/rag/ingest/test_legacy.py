import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.legacy import (
    TCVN3,
    VNI,
    WINDOWS_1258,
    cp1258_encode,
    decode_legacy_bytes,
    detect_legacy_text,
    is_syllable,
    tcvn3_decode,
    tcvn3_encode,
    vietnamese_score,
    vni_decode,
    vni_encode,
)
from tests.conftest import SEEDS

pytestmark = pytest.mark.unit

TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = "aăâeêioôơuưy"
# every Vietnamese letter with every tone, lowercase and capital, and đ/Đ: 12 × 6 × 2 + 2 = 146
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
ALL_LETTERS = LOWER + [ch.upper() for ch in LOWER]


def test_the_alphabet_is_complete():
    assert len(set(ALL_LETTERS)) == 146 and all(len(ch) == 1 for ch in ALL_LETTERS)


def test_vni_round_trips_every_letter_with_every_tone():
    for letter in ALL_LETTERS:
        encoded = vni_encode(letter)
        assert all(ord(c) < 256 for c in encoded), letter
        assert vni_decode(encoded) == letter, (letter, encoded)
    text = " ".join(ALL_LETTERS)
    assert vni_decode(vni_encode(text)) == text


def test_vni_published_examples():
    assert vni_encode("Việt Nam") == "Vieät Nam"
    assert vni_encode("Đà Nẵng") == "Ñaø Naüng"
    assert vni_encode("người") == "ngöôøi"
    assert vni_decode("UÛY BAN NHAÂN DAÂN") == "ỦY BAN NHÂN DÂN"
    assert vni_decode("Uûy ban") == "Ủy ban"  # a lowercase mark after a capital: the base sets the case


def test_tcvn3_round_trips_every_lowercase_letter_and_the_plain_capitals():
    plain_capitals = ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]
    for letter in LOWER + plain_capitals:
        encoded = tcvn3_encode(letter)
        assert len(encoded) == 1 and ord(encoded) < 256, letter
        assert tcvn3_decode("x" + encoded) == "x" + letter, letter  # mid-word: no sentence capital
    assert tcvn3_encode("nhân dân") == "nh©n d©n" and tcvn3_encode("thành phố") == "thµnh phè"


def test_tcvn3_capitals_with_tones_come_back_from_case_context():
    for line in ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Ở đâu có chỉ thị. Ấp 3 thực hiện tốt.", "Ước tính NHIỆM trọng tâm của Vụ Pháp chế"):
        assert tcvn3_decode(tcvn3_encode(line)) == line
    # one capital before a toned letter in a mixed line is ambiguous (VỤ or Vụ): the title case is kept
    assert tcvn3_decode(tcvn3_encode("nhiệm VỤ trọng tâm")) == "nhiệm Vụ trọng tâm"


def test_cp1258_round_trips_every_letter_with_tones_as_combining_bytes():
    for letter in ALL_LETTERS:
        raw = cp1258_encode(letter)
        assert unicodedata.normalize("NFC", raw.decode("cp1258")) == letter
    assert cp1258_encode("ệ") == b"\xea\xf2"  # ê, then the combining dot below


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_real_documents_are_detected_and_converted_back(seed):
    text = SEEDS[seed].read_text(encoding="utf-8").replace("✓", "")
    assert decode_legacy_bytes(cp1258_encode(text)) == (text, WINDOWS_1258)
    assert decode_legacy_bytes(vni_encode(text).encode("cp1252")) == (text, VNI)
    tcvn3_bytes = tcvn3_encode(text).encode("cp1252", "replace")
    decoded, name = decode_legacy_bytes(tcvn3_bytes) or ("", "")
    assert name == TCVN3 and decoded.lower() == text.lower()
    # the same texts met as Unicode (a DOCX or PDF typed in a legacy font)
    assert detect_legacy_text(tcvn3_encode(text)) == TCVN3 and detect_legacy_text(vni_encode(text)) == VNI
    assert detect_legacy_text(text) is None


def test_texts_that_are_not_legacy_vietnamese_are_left_alone():
    french = "Le président a déclaré à la presse que l'économie française était très forte cette année. " * 3
    assert detect_legacy_text(french) is None
    assert decode_legacy_bytes("Großes Fußballspiel in München, schönes Wetter überall. ".encode("latin-1") * 3) is None
    assert decode_legacy_bytes(b"\x00\x01\x02\xff" * 50) is None


def test_syllable_shape():
    for word in ("nghiêng", "người", "khuya", "giường", "quốc", "gìn", "Ủy", "oẳn"):
        assert is_syllable(word), word
    for word in ("nh", "ctubnd", "vieät", "thànhh", "aáà"):
        assert not is_syllable(word), word
    assert vietnamese_score("Ủy ban nhân dân thành phố") == 1.0 and vietnamese_score("") == 0.0


vietnamese_text = st.lists(st.sampled_from(ALL_LETTERS + list("bcdghklmnpqrstvx .,;\n0123456789")), max_size=60)


@given(vietnamese_text)
@settings(max_examples=200, deadline=None)
def test_vni_and_cp1258_round_trip_any_text(chars):
    text = "".join(chars)
    assert vni_decode(vni_encode(text)) == text
    assert unicodedata.normalize("NFC", cp1258_encode(text).decode("cp1258")) == text


@given(st.lists(st.sampled_from(LOWER + list("bcdghklmnpqrstvx 0123456789")), max_size=60))
@settings(max_examples=200, deadline=None)
def test_tcvn3_round_trips_any_lowercase_text(chars):
    text = "x" + "".join(chars)  # a letter first: the sentence-start capital rule does not apply
    assert tcvn3_decode(tcvn3_encode(text)) == text


def test_letters_are_counted_as_str_isalpha_counts_them():
    from rag.text import count_letters

    samples = ["Ủy ban nhân dân tỉnh Cần Thơ, năm 2025: 76%!", "Uû ban nh©n d©n tØnh CÇn Th¬ ho¹ch ¹ ½ ²",
               "Vieät Nam Coäng hoøa xaõ hoäi", "Le président a décidé — «ça» 3,5 €", "_x_ 12 ĐƯỜNG ǅ"]
    for text in samples:
        assert count_letters(text) == sum(ch.isalpha() for ch in text), text
