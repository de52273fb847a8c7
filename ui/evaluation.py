"""The Đánh giá tab: run a question set against the index and show the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gradio as gr

from rag.config import PROJECT_ROOT
from ui.core import App

PRESETS = PROJECT_ROOT / "eval" / "questions"


def presets() -> list[str]:
    return sorted(p.name for p in PRESETS.glob("*.jsonl"))


class Evaluation:
    def __init__(self, app: App):
        self.app = app

    def run(self, uploaded: str | None, preset: str | None,
            progress: gr.Progress = gr.Progress()) -> tuple[str, str, str, str | None]:  # noqa: B008
        """(overall metrics, per-type table, failures, report file)."""
        from eval.report import table
        from eval.runner import EvalInputError, run_questions

        source = Path(uploaded) if uploaded else (PRESETS / preset if preset in presets() else None)
        if source is None:
            return "Chọn một bộ câu hỏi có sẵn hoặc tải lên tệp .jsonl.", "", "", None
        settings = self.app.settings
        out = settings.index_dir / "eval-runs" / time.strftime("%Y%m%d-%H%M%S")
        progress(0.1, desc="Đang chạy đánh giá…")
        try:
            summary: dict[str, Any] = run_questions(source, out, settings, settings.top_k, ["project"])
        except EvalInputError as err:
            return f"✗ {err}", "", "", None
        overall = table({"project": summary["overall"]})
        per_type = table(summary["by_type"])
        report = (out / "report.md").read_text(encoding="utf-8")
        failures = report.split("## Failures", 1)[-1].split("\n", 1)[-1] if "## Failures" in report else ""
        latency = summary["latency_ms"]
        head = f"{overall}\n\nĐộ trễ: p50 {latency['p50']} ms, p95 {latency['p95']} ms · chế độ: {summary['mode']}"
        return head, per_type, failures, str(out / "report.md")
