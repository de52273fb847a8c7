"""Metrics of the eval contract (pure), recomputable from results.jsonl."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rag.text import contract_normalize as norm

CONCISE = 400
CONCISE_COMPARISON = 800
CONCISE_LIST = 1500
LIST_RECALL = 0.8


def contains_any(text: str, needles: Iterable[str]) -> bool:
    hay = norm(text)
    return any(norm(n) in hay for n in needles if n)


def recall_at(question: Mapping[str, Any], result: Mapping[str, Any], k: int) -> float | None:
    """Share of the question's evidence strings found in the top-k passages (None: no evidence)."""
    evidence = question.get("evidence") or []
    if not evidence:
        return None
    texts = [norm(p["text"]) for p in result.get("passages", [])[:k]]
    return sum(any(norm(e) in t for t in texts) for e in evidence) / len(evidence)


def item_recall(question: Mapping[str, Any], result: Mapping[str, Any]) -> float | None:
    """Share of a list question's `items` named in the answer (0 for an abstention; None: no items)."""
    items = question.get("items") or []
    if not items:
        return None
    if result.get("abstained"):
        return 0.0
    return sum(contains_any(result.get("answer", ""), [item]) for item in items) / len(items)


def answer_correct(question: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """Contains an expected answer (all of `answers_all` when given), not abstained, concise.

    A list question (with `items`) is correct when it names at least 80 % of the items within
    1,500 characters.
    """
    answers = question.get("answers") or []
    if not answers or result.get("abstained"):
        return False
    text = result.get("answer", "")
    recall = item_recall(question, result)
    if recall is not None:
        return recall >= LIST_RECALL and len(text) <= CONCISE_LIST
    limit = CONCISE_COMPARISON if question.get("type") == "comparison" else CONCISE
    if len(text) > limit:
        return False
    required = question.get("answers_all")
    if required:
        return all(contains_any(text, [a]) for a in required)
    return contains_any(text, answers)


def confident_wrong(question: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """An answer given (not an abstention) that is not correct: worse than no answer."""
    if result.get("abstained"):
        return False
    return not question.get("answers") or not answer_correct(question, result)


def citation_supported(question: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    evidence = question.get("evidence") or []
    return any(contains_any(c.get("quote", ""), evidence) for c in result.get("citations", []))


def quotes_verbatim(result: Mapping[str, Any], sources: Mapping[str, str]) -> tuple[int, int]:
    """(verbatim quotes, all quotes) of one result, checked against the source texts."""
    cites = result.get("citations", [])
    return sum(1 for c in cites if c.get("quote") and c["quote"] in sources.get(c.get("doc_id", ""), "")), len(cites)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return float(ordered[idx])


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(questions: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]],
              sources: Mapping[str, str], k: int) -> dict[str, Any]:
    """Overall and per-type metrics."""
    def block(pairs: list[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> dict[str, Any]:
        answerable = [(q, r) for q, r in pairs if q.get("answers")]
        silent = [(q, r) for q, r in pairs if not q.get("answers")]
        recalls = {kk: [x for q, r in answerable if (x := recall_at(q, r, kk)) is not None] for kk in (1, 3, k, 10)}
        verb = [quotes_verbatim(r, sources) for _, r in pairs]
        quotes = sum(v[1] for v in verb)
        return {
            "n": len(pairs),
            "answerable": len(answerable),
            "unanswerable": len(silent),
            f"recall@{k}": _mean(recalls[k]),
            "recall@1": _mean(recalls[1]),
            "recall@3": _mean(recalls[3]),
            "recall@10": _mean(recalls[10]),
            "answer_accuracy": _mean([float(answer_correct(q, r)) for q, r in answerable]),
            "quote_verbatim": round(sum(v[0] for v in verb) / quotes, 4) if quotes else None,
            "citation_support": _mean([float(citation_supported(q, r)) for q, r in answerable]),
            "abstention_accuracy": _mean([float(bool(r.get("abstained"))) for _, r in silent]),
            "item_recall": _mean([x for q, r in pairs if (x := item_recall(q, r)) is not None]),
            "confident_wrong": _mean([float(confident_wrong(q, r)) for q, r in pairs]),
            "false_abstention": _mean([float(bool(r.get("abstained"))) for _, r in answerable]),
        }

    pairs = list(zip(questions, results, strict=True))
    latencies = [float(r.get("latency_ms", 0.0)) for r in results]
    by_type: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = {}
    for q, r in pairs:
        by_type.setdefault(str(q.get("type", "")), []).append((q, r))
    return {
        "overall": block(pairs),
        "by_type": {t: block(p) for t, p in sorted(by_type.items())},
        "latency_ms": {"p50": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2),
                       "max": round(max(latencies, default=0.0), 2)},
    }


def recall_curve(questions: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]],
                 ks: Sequence[int]) -> list[float]:
    """Mean recall@k for each k (answerable questions)."""
    curve = []
    for kk in ks:
        vals = [x for q, r in zip(questions, results, strict=True) if (x := recall_at(q, r, kk)) is not None]
        curve.append(sum(vals) / len(vals) if vals else 0.0)
    return curve
