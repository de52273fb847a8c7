"""The eval runner's contract outputs, and the question set measured end to end."""

import json
import subprocess
import sys

import pytest

from eval.docgen import remake_corpus
from eval.metrics import answer_correct, recall_at, summarize
from rag.config import PROJECT_ROOT, Settings

QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "directives.jsonl"


@pytest.mark.unit
def test_metrics_follow_the_contract():
    q = {"id": "a", "type": "target", "answers": ["76%"], "evidence": ["Tỷ lệ đô thị hóa đạt 76%"]}
    good = {"answer": "Tỷ lệ **đô thị hóa** đạt 76 %", "abstained": False,
            "citations": [{"doc_id": "d", "quote": "(8) Tỷ lệ đô thị hóa đạt 76%."}],
            "passages": [{"text": "x"}, {"text": "- (8) Tỷ lệ đô thị hóa đạt 76%."}], "latency_ms": 3}
    assert answer_correct(q, good) and recall_at(q, good, 1) == 0.0 and recall_at(q, good, 2) == 1.0
    assert not answer_correct(q, {**good, "abstained": True})
    assert not answer_correct(q, {**good, "answer": "76% " + "x" * 400})
    silent = {"id": "b", "type": "unanswerable", "answers": [], "evidence": []}
    summary = summarize([q, silent], [good, {**good, "abstained": True, "citations": []}],
                        {"d": "… (8) Tỷ lệ đô thị hóa đạt 76%. …"}, 5)
    overall = summary["overall"]
    assert overall["answer_accuracy"] == 1.0 and overall["abstention_accuracy"] == 1.0
    assert overall["quote_verbatim"] == 1.0 and overall["citation_support"] == 1.0
    comparison = {"type": "comparison", "answers": ["1%", "2%"], "answers_all": ["1%", "2%"], "evidence": []}
    assert not answer_correct(comparison, {"answer": "Năm 2021: 1%", "abstained": False})


@pytest.mark.integration
def test_runner_cli_writes_the_contract_outputs(tmp_path):
    subset = tmp_path / "q.jsonl"
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    subset.write_text("\n".join(lines[:6] + lines[-3:]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    env = {"RAG_INDEX_DIR": str(tmp_path / "unused"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "eval", str(subset), "--out", str(out), "--corpus",
                          str(PROJECT_ROOT / "corpus"), "--pipeline", "project,bm25", "--model", "none"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    results = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(results) == 9 and {"id", "question", "type", "answer", "abstained", "citations", "passages",
                                  "latency_ms"} <= set(results[0])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["pipeline"] == "project" and set(summary["pipelines_summary"]) == {"project", "bm25"}
    assert summary["corpus_docs"] == 5 and "p95" in summary["latency_ms"] and "target" in summary["by_type"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| project |" in report and "| bm25 |" in report and (out / "recall_at_k.png").stat().st_size > 1000
    assert not (tmp_path / "unused").exists()  # --corpus never touches the main index


@pytest.mark.integration
def test_runner_rejects_a_malformed_question_set(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "?"}\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "eval", str(bad), "--out", str(tmp_path / "o")],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "bad.jsonl:1" in run.stderr and "answers" in run.stderr


def _measure(tmp_path, corpus, model: str):
    from eval.runner import run_questions

    settings = Settings(index_dir=tmp_path / "idx", embedding_model=model, _env_file=None)  # type: ignore[call-arg]
    return run_questions(QUESTIONS, tmp_path / "out", settings, 5, ["project"], corpus)["overall"]


def _meets_the_bar(overall):
    assert overall["recall@5"] >= 0.95 and overall["answer_accuracy"] >= 0.90
    assert overall["quote_verbatim"] == 1.0 and overall["citation_support"] >= 0.90
    assert overall["abstention_accuracy"] >= 0.75


@pytest.mark.integration
def test_question_set_lexical_only(tmp_path):
    _meets_the_bar(_measure(tmp_path, PROJECT_ROOT / "corpus", "none"))


@pytest.mark.integration
def test_question_set_on_pdfs_made_from_the_corpus(tmp_path):
    pdfs = tmp_path / "pdf-corpus"
    remake_corpus(PROJECT_ROOT / "corpus", pdfs, "pdf")
    _meets_the_bar(_measure(tmp_path, pdfs, "none"))


@pytest.mark.integration
def test_question_set_with_the_small_dense_model(tmp_path, minilm_path):
    _meets_the_bar(_measure(tmp_path, PROJECT_ROOT / "corpus", minilm_path))
