"""Vietnamese text typed in the pre-Unicode encodings, converted to NFC Unicode (pure functions).

Offices still keep files from the 1990s-2000s typed in three legacy encodings:

- **Windows-1258**: Microsoft's code page; tone marks are separate combining bytes after the letter.
- **TCVN3 (ABC)**: TCVN 5712:1993 "VN3", used with the .VnTime fonts; one byte per lowercase
  letter with its tone, in the upper half of the byte range (so it shows as `nh©n d©n` when the
  font is lost). Capitals with a tone have no code of their own: the .VnTimeH fonts draw the
  lowercase codes as capitals, so case is restored from the surrounding word or line.
- **VNI (Windows)**: used with the VNI-Times fonts; a plain letter followed by a byte for its
  vowel mark and tone (`Vieät Nam`), plus single bytes for đ, ơ, ư and the toned i and ỵ.

The tables below are written from the published code charts. Conversion is chosen by
measurement, not by guess: every candidate decoding is scored by the share of its words that
are well-formed Vietnamese syllables, and a conversion is applied only when it clearly wins.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rag.text import count_letters

WINDOWS_1258, TCVN3, VNI = "Windows-1258", "TCVN3", "VNI"

# Tones in the order of the TCVN3 chart: huyền, hỏi, ngã, sắc, nặng.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)
_VOWELS = "aăâeêioôơuưy"

# ---------------------------------------------------------------------------------------- TCVN3
# byte codes of each vowel with tone huyền, hỏi, ngã, sắc, nặng (TCVN 5712:1993, table VN3)
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
                0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ"}

# ------------------------------------------------------------------------------------------ VNI
# mark bytes written after the base letter, for no tone, huyền, hỏi, ngã, sắc, nặng (lowercase;
# the capital forms are the same codes minus 0x20, as in Latin-1)
_VNI_TONE = ("", "ø", "û", "õ", "ù", "ï")
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")  # â ê ô: written after a, e, o
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # ă: written after a
_VNI_I = ("i", "ì", "æ", "ó", "í", "ò")  # i with a tone is one byte
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ"}


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _upper_mark(mark: str) -> str:
    return "".join(chr(ord(c) - 0x20) if "\u00e0" <= c <= "\u00fe" else c.upper() for c in mark)


@lru_cache(maxsize=1)
def _tcvn3_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(char standing for a TCVN3 byte → letter, letter → TCVN3 char)."""
    decode = {chr(code): letter for code, letter in _TCVN3_PLAIN.items()}
    for base, codes in _TCVN3_TONED.items():
        for tone, code in zip(_TONES, codes, strict=True):
            decode[chr(code)] = _compose(base, tone)
    encode = {letter: char for char, letter in decode.items()}
    for char, letter in decode.items():  # capitals with a tone: the lowercase code (drawn by a .VnTimeH font)
        encode.setdefault(letter.upper(), char)
    return decode, encode


@lru_cache(maxsize=1)
def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(VNI sequence of 1-2 chars → letter, letter → VNI sequence)."""
    encode: dict[str, str] = {}
    tones = ("",) + _TONES
    for base in _VOWELS:
        for n, tone in enumerate(tones):
            letter = _compose(base, tone)
            if base in "âêô":
                seq = {"â": "a", "ê": "e", "ô": "o"}[base] + _VNI_CIRCUMFLEX[n]
            elif base == "ă":
                seq = "a" + _VNI_BREVE[n]
            elif base == "i":
                seq = _VNI_I[n]
            elif base == "y" and tone == _DOT:
                seq = "î"
            else:
                seq = _VNI_SINGLE.get(base, base) + _VNI_TONE[n]
            encode[letter] = seq
    encode["đ"] = _VNI_SINGLE["đ"]
    for letter, seq in list(encode.items()):
        encode[letter.upper()] = seq[0].upper() + _upper_mark(seq[1:])
    decode = {seq: letter for letter, seq in encode.items() if seq != letter}
    # keyboards differ in the case of the mark after a capital: accept both, the base sets the case
    for letter, seq in list(encode.items()):
        if len(seq) == 2:
            other = seq[0] + (seq[1].lower() if seq[1].isupper() else _upper_mark(seq[1]))
            decode.setdefault(other, letter)
    return decode, encode


# ---------------------------------------------------------------------------------- conversions
def tcvn3_encode(text: str) -> str:
    """Unicode → TCVN3, as the Latin-1 characters its bytes show as (for tests and fixtures)."""
    table = _tcvn3_tables()[1]
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


_CASED_ASCII = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[^\s.,;:!?()\[\]\"'“”/-]+")


def _restore_case(line: str) -> str:
    """TCVN3 has no capitals with tones: a line or word typed in capitals is made all capitals."""
    letters = _CASED_ASCII.findall(line)
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
        return line.upper()

    def word(m: re.Match[str]) -> str:
        cased = _CASED_ASCII.findall(m.group())
        return m.group().upper() if len(cased) >= 2 and all(c.isupper() for c in cased) else m.group()

    return _WORD.sub(word, line)


def tcvn3_decode(text: str) -> str:
    """Text whose characters stand for TCVN3 bytes (Latin-1 code points) → NFC Unicode."""
    table = _tcvn3_tables()[0]
    out, sentence_start = [], True
    for ch in text:
        letter = table.get(ch, ch)
        # a sentence never starts in lowercase: a toned capital was typed as its lowercase code
        out.append(letter.upper() if sentence_start and ch in table else letter)
        if not ch.isspace():
            sentence_start = ch in ".!?\n" or (sentence_start and not (ch.isalnum() or ch in table))
        elif ch == "\n":
            sentence_start = True
    return "\n".join(_restore_case(line) for line in "".join(out).split("\n"))


def vni_encode(text: str) -> str:
    """Unicode → VNI, as the Latin-1 characters its bytes show as (for tests and fixtures)."""
    table = _vni_tables()[1]
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def vni_decode(text: str) -> str:
    """Text whose characters stand for VNI bytes → NFC Unicode (a base letter and its mark → one letter)."""
    table = _vni_tables()[0]
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
        else:
            out.append(table.get(text[i], text[i]))
            i += 1
    return "".join(out)


def cp1258_encode(text: str, errors: str = "strict") -> bytes:
    """Unicode → Windows-1258 bytes, tones as separate combining bytes (for tests and fixtures)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258", errors)


# ---------------------------------------------------------------------------------- detection
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}"
                       r"(?:ch|nh|ng|[cmnpt])?")
_LETTERS = re.compile(r"[^\W\d_]+")


def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable: onset, 1-3 vowels, coda, at most one tone."""
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES for c in parts) > 1:
        return False
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))) is not None


def vietnamese_score(text: str) -> float:
    """Share of the words of `text` that are Vietnamese syllables (0 when it has no words)."""
    words = _LETTERS.findall(unicodedata.normalize("NFC", text))
    return sum(map(is_syllable, words)) / len(words) if words else 0.0


def _cp1252_or_latin1() -> dict[int, str]:
    table = {}
    for b in range(256):
        try:
            table[b] = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            table[b] = chr(b)
    return table


_BYTE_CHARS = _cp1252_or_latin1()
_MIN_SCORE, _MARGIN = 0.6, 0.15


def _candidates_from_bytes(raw: bytes) -> list[tuple[str, str]]:
    as_chars = "".join(_BYTE_CHARS[b] for b in raw)
    found = [(TCVN3, tcvn3_decode(as_chars)), (VNI, vni_decode(as_chars))]
    try:
        found.append((WINDOWS_1258, unicodedata.normalize("NFC", raw.decode("cp1258"))))
    except UnicodeDecodeError:
        pass  # a byte Windows-1258 leaves undefined: not that encoding
    return found


def decode_legacy_bytes(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding name) for bytes that are not UTF-8 but one of the legacy encodings, else None."""
    scored = sorted(((vietnamese_score(text), name, text) for name, text in _candidates_from_bytes(raw)),
                    reverse=True)
    score, name, text = scored[0]
    if score < _MIN_SCORE or (len(scored) > 1 and score - scored[1][0] < 0.05):
        return None
    return text, name


def _looks_legacy(text: str) -> bool:
    """Cheap pre-check: letters from Latin-1's upper half and almost none of Unicode Vietnamese."""
    letters = count_letters(text)
    if letters < 20:
        return False
    latin1 = len(_LATIN1_UPPER.findall(text))
    vietnamese = len(_BEYOND_LATIN1.findall(text))
    return latin1 >= 0.02 * letters and vietnamese <= 0.01 * letters


_LATIN1_UPPER = re.compile("[\u00a0-\u00ff]")
_BEYOND_LATIN1 = re.compile("[^\\W\\d_\u0000-\u00ff]")  # letters past Latin-1: ạ ă đ ơ ư …


_DECODERS = {TCVN3: tcvn3_decode, VNI: vni_decode}


def convert_legacy(text: str, name: str) -> str:
    """Text typed in the named legacy font encoding (TCVN3 or VNI) → NFC Unicode."""
    return _DECODERS[name](text)


def detect_legacy_text(text: str) -> str | None:
    """Which legacy font encoding Unicode text was typed in (`nh©n d©n` → TCVN3, `Vieät` → VNI), or None.

    None also when no conversion makes the text clearly more Vietnamese: a French or English
    text with accents stays as it is.
    """
    if not _looks_legacy(text):
        return None
    base = vietnamese_score(text)
    score, name = max((vietnamese_score(decode(text)), name) for name, decode in _DECODERS.items())
    return name if score >= _MIN_SCORE and score >= base + _MARGIN else None
