"""Training pairs for the static embedding model, made from clause records (pure, seeded).

A record is one clause chunk as the project indexes it (document title, breadcrumb, text).
The pairs teach what the retriever needs: a short statement or heading → the clause it
comes from, written as the dense index sees it (breadcrumb + text). Kinds of pairs:
  - crop: a span of a clause's words (often wrapped in a question frame) → the clause;
  - heading: an article or section heading → each of its clauses, the heading removed from
    the breadcrumb so that the words must be learnt, not copied;
  - sibling: a span of one clause → another clause of the same article (same topic, other words);
  - title: a document's title → its first clauses (purpose and scope).
A share of the queries is accent-folded, because staff type without diacritics.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rag.text import strip_accents

_ARTICLE = re.compile(r"^(?:Điều|Điều)\s+\d+[a-zđ]?\s*[.:]?\s*", re.IGNORECASE)
_SEPARATOR = " › "
# Generic Vietnamese question frames: queries are questions or statements to check, not clause text.
QUESTION_FRAMES = (
    "{}, đúng hay sai?", "Theo quy định, {}?", "{} là gì?", "Có phải {} không?", "{} như thế nào?",
    "{} được quy định ra sao?", "Quy định về {}", "{}?", "Ai {}?", "Khi nào {}?",
)


@dataclass(frozen=True)
class Record:
    """One clause chunk: its document, section key, title, breadcrumb and text."""

    doc: str
    section: str  # the article or section the clause belongs to ("doc#Điều 5")
    title: str
    breadcrumb: str
    text: str
    heading: str = ""  # the section's heading when the breadcrumb does not carry it (ALQAC articles)
    group: str = ""  # the law or document the section belongs to: hard negatives come from it


@dataclass(frozen=True)
class PairConfig:
    """Shares and sizes of the generated pairs."""

    min_chars: int = 40
    crop_words: tuple[int, int] = (6, 28)
    crops_per_clause: int = 1
    sibling_share: float = 0.5
    frame_share: float = 0.3
    fold_share: float = 0.15
    word_drop: float = 0.1
    titles_per_doc: int = 3
    # pairs that carry a clause of another section of the same law (measured on ALQAC train: with
    # them the hybrid's best nDCG@10 was 0.9307, without them 0.9272 = lexical-only, docs/MODEL_CARD.md)
    hard_negative_share: float = 1.0


def passage(record: Record, breadcrumb: str | None = None) -> str:
    """What the dense index embeds for a clause: breadcrumb, newline, text (rag.ingest.pipeline)."""
    return f"{record.breadcrumb if breadcrumb is None else breadcrumb}\n{record.text}"


def heading_of(breadcrumb: str) -> tuple[str, str]:
    """(heading of the innermost article/section, breadcrumb without it); ('', breadcrumb) if none."""
    parts = breadcrumb.split(_SEPARATOR)
    if len(parts) < 2:
        return "", breadcrumb
    last = parts[-1]
    heading = _ARTICLE.sub("", last).strip(" .…")
    if heading == last.strip(" .…") or len(heading) < 8:
        return "", breadcrumb
    return heading, _SEPARATOR.join(parts[:-1])


def _crop(text: str, rng: random.Random, config: PairConfig) -> str:
    words = text.split()
    low, high = config.crop_words
    size = min(len(words), rng.randint(low, high))
    start = rng.randint(0, len(words) - size)
    kept = [w for w in words[start:start + size] if rng.random() >= config.word_drop]
    return " ".join(kept or words[start:start + size])


def _query(text: str, rng: random.Random, config: PairConfig) -> str:
    text = text.strip(" .;:,")
    if rng.random() < config.frame_share:
        frame = rng.choice(QUESTION_FRAMES)
        text = frame.format(text[0].lower() + text[1:] if frame[0] != "{" else text)
    if rng.random() < config.fold_share:
        text = strip_accents(text)
    return text


Pair = tuple[str, str, str, str]  # (kind, query, positive passage, hard negative passage or "")


def make_pairs(records: Sequence[Record], config: PairConfig, seed: int) -> Iterator[Pair]:
    """(kind, query, passage, negative) pairs, deterministic for a seed. The negative is a clause
    of another section of the same law: the retriever's hard case is the neighbouring article."""
    rng = random.Random(seed)
    by_section: dict[str, list[Record]] = defaultdict(list)
    by_doc: dict[str, list[Record]] = defaultdict(list)
    by_group: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if len(record.text) >= config.min_chars:
            by_section[record.section].append(record)
            by_doc[record.doc].append(record)
            by_group[record.group or record.doc].append(record)

    def negative(record: Record) -> str:
        pool = by_group[record.group or record.doc]
        if len(pool) < 2 or rng.random() >= config.hard_negative_share:
            return ""
        for _ in range(4):
            other = rng.choice(pool)
            if other.section != record.section:
                return passage(other)
        return ""

    for clauses in by_section.values():
        for record in clauses:
            for _ in range(config.crops_per_clause):
                yield "crop", _query(_crop(record.text, rng, config), rng, config), passage(record), negative(record)
            if len(clauses) > 1 and rng.random() < config.sibling_share:
                other = rng.choice([c for c in clauses if c is not record])
                query = _query(_crop(other.text, rng, config), rng, config)
                yield "sibling", query, passage(record), negative(record)
            heading, rest = heading_of(record.breadcrumb)
            if record.heading:
                heading, rest = record.heading, record.breadcrumb
            if heading:
                yield "heading", _query(heading, rng, config), passage(record, rest), negative(record)
    for clauses in by_doc.values():
        title = clauses[0].title
        if title and len(title) >= 12:
            for record in clauses[:config.titles_per_doc]:
                yield "title", _query(title, rng, config), passage(record), ""


def records_of(rows: Iterable[dict[str, str]]) -> list[Record]:
    """Records from chunk rows ({doc, path, title, crumb, text}). A short opening chunk of a
    document that is one article (ALQAC: "mở đầu" = the article's heading) becomes the heading."""
    out = []
    headings: dict[str, str] = {}
    for row in rows:
        path = row.get("path", "")
        if path == "mở đầu" and len(row["text"]) < 200:
            headings[row["doc"]] = row["text"]
        article = path.split(".")[0] if path.startswith("Điều") else row.get("crumb", "")
        out.append(Record(doc=row["doc"], section=f"{row['doc']}#{article}", title=row.get("title") or "",
                          breadcrumb=row.get("crumb", ""), text=row["text"]))
    return [Record(r.doc, r.section, r.title, r.breadcrumb, r.text, headings.get(r.doc, ""), r.doc.split("@")[0])
            for r in out]
