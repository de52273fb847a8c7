"""BEIR mode: metrics against hand-computed values, and a small dataset run end to end."""

import json
import math
import subprocess
import sys

import pytest

from eval.beir import mrr_at, ndcg_at, recall_at
from rag.config import PROJECT_ROOT


@pytest.mark.unit
def test_ranking_metrics_match_hand_computation():
    rel = {"a": 1, "b": 2}
    ranked = ["x", "b", "a"]
    dcg = (2**2 - 1) / math.log2(3) + (2**1 - 1) / math.log2(4)
    idcg = (2**2 - 1) / math.log2(2) + (2**1 - 1) / math.log2(3)
    assert ndcg_at(ranked, rel) == pytest.approx(dcg / idcg)
    assert recall_at(ranked, rel, 1) == 0 and recall_at(ranked, rel, 2) == 0.5 and recall_at(ranked, rel, 3) == 1
    assert mrr_at(ranked, rel) == 0.5 and mrr_at(["x"], rel) == 0


@pytest.mark.integration
def test_beir_run_reports_corpus_ids(tmp_path):
    data = tmp_path / "beir"
    data.mkdir()
    corpus = [
        ("Luật A@1", "Luật A - Điều 1", "Phạm vi điều chỉnh\n\nLuật này quy định về phòng, chống ma túy."),
        ("Luật A@2", "Luật A - Điều 2", "Giải thích từ ngữ\n\n1. Chất ma túy là chất gây nghiện.\n2. Tiền chất là hóa chất."),
        ("Luật B@1", "Luật B - Điều 1", "Phạm vi điều chỉnh\n\nLuật này quy định về du lịch và biệt thự du lịch."),
        ("Luật B@5", "Luật B - Điều 5", "Cơ sở lưu trú du lịch gồm khách sạn, biệt thự du lịch, nhà nghỉ du lịch."),
    ]
    (data / "corpus.jsonl").write_text("".join(json.dumps({"_id": i, "title": t, "text": x}, ensure_ascii=False) + "\n"
                                               for i, t, x in corpus), encoding="utf-8")
    queries = [("Q1", "Biệt thự du lịch là một loại cơ sở lưu trú du lịch, đúng hay sai?"),
               ("Q2", "Tiền chất là hóa chất, đúng hay sai?")]
    (data / "queries.jsonl").write_text("".join(json.dumps({"_id": i, "text": t}, ensure_ascii=False) + "\n"
                                                for i, t in queries), encoding="utf-8")
    (data / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nQ1\tLuật B@5\t1\nQ2\tLuật A@2\t1\n", encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "eval", str(data), "--out", str(out), "--pipeline", "project,bm25",
                          "--model", "none"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    results = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = {i for i, _, _ in corpus}
    assert {r["id"] for r in results} == {"Q1", "Q2"}
    assert all(p["doc_id"] in ids for r in results for p in r["passages"])
    assert [r["passages"][0]["doc_id"] for r in sorted(results, key=lambda r: r["id"])] == ["Luật B@5", "Luật A@2"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["overall"]["ndcg@10"] == 1.0 and set(summary["pipelines_summary"]) == {"project", "bm25"}
    assert "| project |" in (out / "report.md").read_text(encoding="utf-8")
