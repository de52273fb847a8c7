"""python -m rag ask/lookup as a user runs them (subprocess, JSON contracts)."""

import json
import subprocess
import sys

import pytest

from rag.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


def _run(settings, *args):
    env = {"RAG_INDEX_DIR": str(settings.index_dir), "RAG_EMBEDDING_MODEL": "none", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_ask_json_is_the_eval_record(corpus_index):
    run = _run(corpus_index, "ask", "Tỷ lệ lao động qua đào tạo theo Kế hoạch 33/KH-UBND cần đạt bao nhiêu?",
               "--json", "--k", "5")
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert {"question", "answer", "abstained", "citations", "passages", "latency_ms"} <= set(record)
    assert "80 - 85%" in record["answer"] and record["abstained"] is False
    assert record["citations"][0]["path"] == "II.3.(10)" and record["citations"][0]["quote"]
    assert [p["rank"] for p in record["passages"]][:5] == [1, 2, 3, 4, 5]
    assert all(p["text"] for p in record["passages"])


def test_ask_restricted_to_one_document(corpus_index):
    run = _run(corpus_index, "ask", "Tỷ lệ đô thị hóa đạt bao nhiêu?", "--doc", "11/CT-UBND")
    assert run.returncode == 0 and "71,5%" in run.stdout and "76%" not in run.stdout.split("\n")[0]
    missing = _run(corpus_index, "ask", "Tỷ lệ đô thị hóa?", "--doc", "99/CT-UBND")
    assert missing.returncode == 2 and "99/CT-UBND" in missing.stdout


def test_lookup_json(corpus_index):
    run = _run(corpus_index, "lookup", "33/KH-UBND mục II.3.(8)", "--json")
    data = json.loads(run.stdout)
    assert data["document"]["issued_on"] == "2024-02-21"
    assert data["clauses"] == [{"path": "II.3.(8)", "heading": "(8) Tỷ lệ đô thị hóa đạt 76%.",
                                "text": "- (8) Tỷ lệ đô thị hóa đạt 76%."}]
    article = _run(corpus_index, "lookup", "Chỉ thị 11 mục 8", "--json")
    assert json.loads(article.stdout)["clauses"][0]["path"] == "8"


def test_facts_json(corpus_index):
    run = _run(corpus_index, "facts", "--doc", "33/KH-UBND", "--kind", "target", "--json")
    facts = json.loads(run.stdout)["facts"]
    assert any(f["path"] == "II.3.(8)" and f["value"] == "76" and f["unit"] == "%" for f in facts)
    assert {f["kind"] for f in facts} == {"target"}
