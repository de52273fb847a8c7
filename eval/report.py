"""report.md and PNG plots for an eval run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import answer_correct, item_recall, recall_at, recall_curve

_COLUMNS = ("n", "recall@1", "recall@5", "recall@10", "answer_accuracy", "quote_verbatim", "citation_support",
            "abstention_accuracy", "false_abstention", "item_recall", "confident_wrong", "ndcg@10", "mrr@10")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(rows: Mapping[str, Mapping[str, Any]]) -> str:
    """A markdown table of metric blocks, one row per name; columns that no row has are left out."""
    cols = [c for c in _COLUMNS if any(c in r for r in rows.values())]
    out = ["| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, row in rows.items():
        out.append(f"| {name} | " + " | ".join(_fmt(row.get(c)) for c in cols) + " |")
    return "\n".join(out)


def plot_curves(curves: Mapping[str, Sequence[float]], ks: Sequence[int], out: Path, title: str) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, curve in curves.items():
        ax.plot(ks, curve, marker="o", label=name)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_latency(latencies: Mapping[str, Sequence[float]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in latencies.items():
        ax.hist(values, bins=30, alpha=0.6, label=name)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Per-question latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def write_question_report(out: Path, summaries: Mapping[str, Mapping[str, Any]],
                          runs: Mapping[str, tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]],
                          meta: Mapping[str, Any], k: int) -> Path:
    """report.md for a question-set run: metric tables, per-type breakdown, failures, plots."""
    ks = list(range(1, 11))
    curves = {name: recall_curve(qs, rs, ks) for name, (qs, rs) in runs.items()}
    plot_curves(curves, ks, out / "recall_at_k.png", "Evidence recall@k")
    plot_latency({n: [r["latency_ms"] for r in rs] for n, (_, rs) in runs.items()}, out / "latency.png")
    lines = [f"# Evaluation: {meta.get('questions')}", "",
             f"Corpus: {meta.get('corpus_docs')} documents, {meta.get('corpus_chunks')} chunks. "
             f"Embedding model: {meta.get('embedding_model') or 'none (lexical-only)'}. k = {k}.", "",
             "## Pipelines", "", table({n: s["overall"] for n, s in summaries.items()}), "",
             "Latency (ms): " + "; ".join(f"{n} p50 {s['latency_ms']['p50']}, p95 {s['latency_ms']['p95']}"
                                         for n, s in summaries.items()), "",
             "![recall@k](recall_at_k.png) ![latency](latency.png)", ""]
    main = next(iter(summaries))
    lines += [f"## Per type ({main})", "", table(summaries[main]["by_type"]), "", f"## Failures ({main})", ""]
    questions, results = runs[main]
    failures = 0
    for q, r in zip(questions, results, strict=True):
        ok = answer_correct(q, r) if q.get("answers") else bool(r.get("abstained"))
        rec = recall_at(q, r, k)
        if ok and (rec is None or rec >= 1.0):
            continue
        failures += 1
        retrieved = ", ".join(f"{p['doc_id'].rsplit('.', 1)[0][:28]}:{p['path']}" for p in r.get("passages", [])[:3])
        asked = " → ".join([*(q.get("turns") or []), q["question"]])
        items = item_recall(q, r)
        lines += [f"- **{q['id']}** ({q.get('type')}) {asked}",
                  f"  - expected: {q.get('answers') or 'abstain'}; recall@{k}: {_fmt(rec)}"
                  + (f"; items named: {_fmt(items)}" if items is not None else ""),
                  f"  - got: {r.get('answer', '')[:300]}", f"  - retrieved: {retrieved}"]
    if not failures:
        lines.append("None.")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
