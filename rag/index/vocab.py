"""A Vietnamese tokenizer for the project's static embedding model, learned from counts (pure).

Vietnamese writes every syllable apart, and most words are two syllables ("cơ quan", "thời
hạn"). The vocabulary therefore holds syllables and the multi-syllable pieces that occur
together far more often than chance (positive PMI), each with its accent-folded twin so that
queries typed without diacritics ("co quan") have pieces of their own. Segmentation is a
unigram language model (the `tokenizers` Unigram model, Viterbi): a pair is kept whole when
log p(ab) > log p(a) + log p(b), i.e. when the pair is a collocation. Unknown syllables map to
one `<unk>` piece whose vector is zero, so they do not move a text's direction. Both tone-mark
conventions (hòa/hoà, thủy/thuỷ) are pieces of their own that share one trained vector (an
alias), which costs nothing at encode time, unlike a regex normalizer.

The tokenizer is a plain `tokenizers.Tokenizer`, saved in the model folder as tokenizer.json:
loading the model needs no project code.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rag.text import match_key, strip_accents

UNK = "<unk>"
SPACE = "\u2581"  # "▁": marks the start of a syllable inside a piece, as in SentencePiece
_SYLLABLE = re.compile(r"\d+|[^\W\d_]+")
_PHRASE_BREAK = re.compile(r"[^\w\s]+")
# Old and new tone placement (hoà/hòa), as rag.text.fold_tones: the same key at index and query time.
_OLD_STYLE = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}


@dataclass(frozen=True)
class VocabConfig:
    """How many pieces of each kind the vocabulary keeps."""

    min_syllable_count: int = 5
    min_pair_count: int = 10
    min_pair_pmi: float = 1.0
    max_pairs: int = 24000
    max_folded_pairs: int = 6000


def phrases(text: str) -> list[list[str]]:
    """Syllables of a text in its match-key form, grouped by punctuation-free phrase."""
    out = []
    for phrase in _PHRASE_BREAK.split(match_key(text)):
        syl = _SYLLABLE.findall(phrase)
        if syl:
            out.append(syl)
    return out


@dataclass
class Counts:
    """Syllable and adjacent-pair counts of a corpus (within phrases)."""

    syllables: Counter[str]
    pairs: Counter[tuple[str, str]]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Counts:
        syllables: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for syl in phrases(text):
                syllables.update(syl)
                pairs.update(zip(syl, syl[1:], strict=False))
        return cls(syllables, pairs)

    def folded(self) -> Counts:
        """The same counts with every syllable accent-folded ('cơ quan' and 'có quán' merge)."""
        syllables: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for s, c in self.syllables.items():
            syllables[strip_accents(s)] += c
        for (a, b), c in self.pairs.items():
            pairs[(strip_accents(a), strip_accents(b))] += c
        return Counts(syllables, pairs)


def _collocations(counts: Counts, total: int, config: VocabConfig, limit: int) -> list[tuple[tuple[str, str], int]]:
    """Frequent pairs whose PMI passes the threshold, most frequent first."""
    kept: list[tuple[tuple[str, str], int]] = []
    for (a, b), c in counts.pairs.most_common():
        if c < config.min_pair_count or len(kept) >= limit:
            break
        pmi = math.log(c * total / (counts.syllables[a] * counts.syllables[b]))
        if pmi >= config.min_pair_pmi:
            kept.append(((a, b), c))
    return kept


def build_pieces(counts: Counts, config: VocabConfig) -> list[tuple[str, float]]:
    """(piece, log-probability score) for the Unigram model; `<unk>` first (id 0)."""
    total = sum(counts.syllables.values())
    folded = counts.folded()
    scores: dict[str, float] = {}

    def add(piece: str, count: int) -> None:
        score = math.log(count / total)
        if score > scores.get(piece, -math.inf):
            scores[piece] = score

    for source in (counts, folded):
        for s, c in source.syllables.items():
            if c >= config.min_syllable_count:
                add(SPACE + s, c)
    for source, limit in ((counts, config.max_pairs), (folded, config.max_folded_pairs)):
        for (a, b), c in _collocations(source, total, config, limit):
            add(SPACE + a + SPACE + b, c)
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    variants = [(v, score) for piece, score in ordered for v in _old_style_variants(piece) if v not in scores]
    return [(UNK, 0.0), *ordered, *sorted(set(variants), key=lambda item: (-item[1], item[0]))]


def _old_style_variants(piece: str) -> list[str]:
    """The piece spelled with the old tone placement on some of its syllables (hòa → hoà)."""
    forms = [""]
    for syllable in piece.split(SPACE)[1:]:
        options = [syllable]
        if syllable[-2:] in _OLD_STYLE:
            options.append(syllable[:-2] + _OLD_STYLE[syllable[-2:]])
        forms = [f + SPACE + o for f in forms for o in options]
    return [f for f in forms if f != piece]


def aliases(pieces: list[tuple[str, float]]) -> dict[int, int]:
    """id of an old-style spelling → id of its canonical piece (they share one vector)."""
    index = {piece: i for i, (piece, _) in enumerate(pieces)}
    canonical = {}
    for i, (piece, _) in enumerate(pieces):
        key = SPACE.join(match_key(s) for s in piece.split(SPACE)) if piece != UNK else piece
        if key != piece and key in index:
            canonical[i] = index[key]
    return canonical


def make_tokenizer(pieces: list[tuple[str, float]]) -> object:
    """A `tokenizers.Tokenizer`: NFC, lowercase, punctuation dropped, Unigram segmentation."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(pieces, unk_id=0))
    # one regex pass: every run of punctuation and spaces becomes one space (each pass costs ~30 % of encoding)
    steps = [normalizers.NFC(), normalizers.Lowercase(), normalizers.Replace(Regex(r"[\W_]+"), " "), normalizers.Strip()]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=SPACE, prepend_scheme="always", split=False)
    return tokenizer
