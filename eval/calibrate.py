"""Fit the answerer's gate and scoring weights on a tune question set (never on a test set).

    python -m eval.calibrate eval/questions/unseen_tune.jsonl eval/questions/directives.jsonl \
        --index DIR --out rag/answer/data/weights.json

(DIR: an index of ../shared/data/directives_vn and corpus/, e.g. the one `make eval-unseen` builds.)

Each question set is answered over the index as it stands (the tune set's documents must be in
it). A small grid over the weights of rag.answer.select.Weights is searched for the best
objective: answer accuracy plus abstention accuracy, minus twice the share of confident wrong
answers (a wrong answer is worse than none). The chosen weights are written with the sets they
were fitted on and the command, so anyone can re-fit them on their own documents.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from eval.metrics import answer_correct, confident_wrong
from eval.runner import load_questions
from rag.answer.select import DEFAULT_WEIGHTS, Weights
from rag.config import load_settings
from rag.engine import Assistant

GRID: dict[str, tuple[float, ...]] = {
    "min_coverage": (0.45, 0.55, 0.65),
    "min_in_text": (0.25, 0.35, 0.45, 0.55),
    "max_missing": (0.15, 0.25, 0.35),
    "type_bonus": (0.1, 0.2, 0.35),
}


def objective(questions: list[dict[str, Any]], results: list[dict[str, Any]]) -> float:
    """Accuracy on answerable + abstention on unanswerable, minus twice the confident wrong share."""
    good = sum(answer_correct(q, r) if q.get("answers") else bool(r.get("abstained"))
               for q, r in zip(questions, results, strict=True))
    wrong = sum(confident_wrong(q, r) for q, r in zip(questions, results, strict=True))
    return (good - 2 * wrong) / max(1, len(questions))


def run(assistant: Assistant, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for q in questions:
        turn = None
        for earlier in q.get("turns") or []:
            _, turn = assistant.converse(earlier, turn)
        answer, _ = assistant.converse(q["question"], turn)
        results.append({"answer": answer.text, "abstained": answer.abstained})
    return results


def _memoize_retrieval(assistant: Assistant) -> None:
    """Retrieval does not depend on the weights being fitted: compute it once per question."""
    retriever = assistant.retriever
    original = retriever.retrieve
    cache: dict[Any, Any] = {}

    def retrieve(info: Any, k: int, doc_filter: Any = None, query_text: Any = None, prior: Any = ()) -> Any:
        key = (info, k, tuple(doc_filter) if doc_filter is not None else None, query_text, tuple(prior))
        if key not in cache:
            cache[key] = original(info, k, doc_filter, query_text, prior)
        return cache[key]

    retriever.retrieve = retrieve  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__)
    parser.add_argument("questions", nargs="+", type=Path, help="tune question sets (JSONL)")
    parser.add_argument("--index", type=Path, required=True, help="index holding the sets' documents")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    assistant = Assistant(load_settings(index_dir=args.index), use_model=False)
    _memoize_retrieval(assistant)
    sets = [load_questions(p) for p in args.questions]
    best: tuple[float, Weights] = (-1e9, DEFAULT_WEIGHTS)
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        weights = replace(DEFAULT_WEIGHTS, **dict(zip(keys, values, strict=True)))
        assistant.answerer.weights = weights  # type: ignore[union-attr]
        score = sum(objective(qs, run(assistant, qs)) for qs in sets) / len(sets)
        if score > best[0]:
            best = (score, weights)
            print(f"{score:.4f} {dict(zip(keys, values, strict=True))}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "weights": asdict(best[1]), "objective": round(best[0], 4),
        "fitted_on": [str(p) for p in args.questions], "command": " ".join(["python -m eval.calibrate", *sys.argv[1:]]),
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
