"""Vietnamese match keys (pure): one tone-mark convention, accent folding, the eval contract's form.

These keys are used for search and matching only; the quotable text is never rewritten.
"""

from __future__ import annotations

import re
import unicodedata

# Old and new tone placement on the diphthongs oa, oe, uy at the end of a syllable.
_TONE_FOLD = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Vietnamese letters by case, for regex classes (a range such as À-Ỹ would mix both cases).
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_TONE_FOLD_RE = re.compile("(" + "|".join(_TONE_FOLD) + r")(?![a-zà-ỹđ])")


def fold_tones(text: str) -> str:
    """Unify tone-mark placement (hoà → hòa, thuỷ → thủy) in lowercase text."""
    return _TONE_FOLD_RE.sub(lambda m: _TONE_FOLD[m.group(1)], text)


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics: 'Đô thị hóa' → 'Do thi hoa'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_HANG = re.compile(r"(?<![\w])hằng(?![\w])")
KEY_VERSION = 2  # bump when match keys change: derived indexes are rebuilt


def match_key(text: str) -> str:
    """Lowercase NFC text with one tone-mark convention: the form used for matching.

    'hằng' and 'hàng' (hằng năm / hàng năm, hằng tháng / hàng tháng) are one word here.
    """
    return _HANG.sub("hàng", fold_tones(unicodedata.normalize("NFC", text).lower()))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (or đ)."""
    return strip_accents(text) != text


def contract_normalize(text: str) -> str:
    """The eval contract's matching normalization (EVAL_CONTRACT.md §1)."""
    text = unicodedata.normalize("NFC", text).lower().replace("*", "")
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"\s*-\s*", " - ", text)
    text = re.sub(r"\s+%", "%", text)
    return re.sub(r"\s+", " ", text).strip()


_NOT_LETTER = re.compile(r"[\W\d_²³¹¼½¾]+")  # \w also holds numerals that are no letters: ¹ ½ (TCVN3 uses ¹)


def count_letters(text: str) -> int:
    """How many letters a text holds (str.isalpha, bar the numerals of other scripts; counted in C:
    texts run to millions of characters)."""
    return len(_NOT_LETTER.sub("", text))
