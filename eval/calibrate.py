"""Fit the answerer's gate and scoring weights on a tune question set (never on a test set).

    python -m eval.calibrate … --learn   (a logistic gate over the best unit's features)

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

import numpy as np

from eval.metrics import answer_correct, confident_wrong
from eval.runner import load_questions
from rag.answer.select import DEFAULT_WEIGHTS, GATE_FEATURES, Weights
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


def _label(q: dict[str, Any], answer_text: str, abstained: bool) -> int:
    """1 when answering with the best unit gives a right answer, 0 when it would be wrong (or the documents are silent)."""
    return int(bool(q.get("answers")) and answer_correct(q, {"answer": answer_text, "abstained": abstained}))


def collect(assistant: Assistant, sets: list[list[dict[str, Any]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features of the best unit, label, answerable) per question, with the gate wide open."""
    answerer = assistant.answerer
    answerer.weights = replace(answerer.weights, min_coverage=0.0, min_in_text=0.0, gate_coef=(),  # type: ignore[union-attr]
                               floor_coverage=answerer.weights.floor_coverage)  # type: ignore[union-attr]
    xs, ys, answerable = [], [], []
    for qs in sets:
        for q in qs:
            turn = None
            for earlier in q.get("turns") or []:
                _, turn = assistant.converse(earlier, turn)
            answer, _ = assistant.converse(q["question"], turn)
            best = answerer.last_best  # type: ignore[union-attr]
            if best is None:
                continue
            xs.append(best.features())
            ys.append(_label(q, answer.text, answer.abstained))
            answerable.append(bool(q.get("answers")))
    return np.array(xs, dtype=float), np.array(ys, dtype=float), np.array(answerable, dtype=bool)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.5, steps: int = 4000) -> tuple[np.ndarray, float]:
    """Plain L2-regularised logistic regression by gradient descent (a handful of features)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        grad_w = x.T @ (p - y) / len(y) + l2 * w / len(y)
        grad_b = float(np.mean(p - y))
        w -= 0.5 * grad_w
        b -= 0.5 * grad_b
    return w, b


def choose_threshold(p: np.ndarray, y: np.ndarray, answerable: np.ndarray) -> tuple[float, float]:
    """The threshold with the best objective: +1 right answer, −2 wrong answer, +1 abstention on silence."""
    best = (-1e9, 0.5)
    for t in np.linspace(0.05, 0.95, 91):
        answered = p >= t
        score = np.sum(answered & (y == 1)) - 2 * np.sum(answered & (y == 0)) + np.sum(~answered & ~answerable)
        if score > best[0]:
            best = (float(score), float(t))
    return best[1], best[0] / len(y)


def learn(assistant: Assistant, sets: list[list[dict[str, Any]]], out: Path, sources: list[Path]) -> None:
    x, y, answerable = collect(assistant, sets)
    w, b = fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    threshold, objective = choose_threshold(p, y, answerable)
    weights = replace(DEFAULT_WEIGHTS, gate_coef=tuple(round(float(v), 4) for v in w), gate_intercept=round(b, 4),
                      gate_threshold=round(threshold, 3))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "weights": asdict(weights), "gate_features": list(GATE_FEATURES), "objective": round(objective, 4),
        "samples": int(len(y)), "right_when_answered_wide_open": int(y.sum()),
        "fitted_on": [str(p_) for p_ in sources], "command": " ".join(["python -m eval.calibrate", *sys.argv[1:]]),
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"gate: {dict(zip(GATE_FEATURES, np.round(w, 3), strict=True))} b={b:.3f} threshold={threshold:.2f} "
          f"objective={objective:.4f} on {len(y)} questions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__)
    parser.add_argument("questions", nargs="+", type=Path, help="tune question sets (JSONL)")
    parser.add_argument("--index", type=Path, required=True, help="index holding the sets' documents")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--learn", action="store_true", help="fit a logistic gate instead of the threshold grid")
    args = parser.parse_args(argv)
    assistant = Assistant(load_settings(index_dir=args.index), use_model=False)
    _memoize_retrieval(assistant)
    sets = [load_questions(p) for p in args.questions]
    if args.learn:
        learn(assistant, sets, args.out, args.questions)
        return 0
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
