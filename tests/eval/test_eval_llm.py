"""`python -m eval --answerer llm` against a scripted OpenAI-compatible endpoint (a local HTTP server
that answers like a chat model would: honestly, with an invented claim, with a wrong number, outside
the format, or not at all): the run reports the verification drop rates beside accuracy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from rag.config import PROJECT_ROOT
from tests.rag.answer.scripted_chat import ScriptedChat, passages_of

pytestmark = pytest.mark.integration
QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "directives.jsonl"


def _first_line(text: str) -> str:
    """The first line of a passage that states something, as written (without list marks)."""
    for line in text.splitlines():
        line = line.strip().strip("#*- ").strip()
        if len(line.split()) >= 4:
            return line
    raise AssertionError(text)


def scripted_reply(prompt: str) -> str:
    """Replies by question: q001 honest, q002 honest plus an invented penalty, q003 a wrong number,
    q004 outside the format, q005 'not found'."""
    question = prompt.rstrip().rsplit("Câu hỏi: ", 1)[1]
    quote = _first_line(passages_of(prompt)[1])
    claim = re.sub(r"^\(?\w{1,3}[.)]\s+", "", quote).rstrip(".;")
    if "đô thị hóa" in question:
        return f"TRẢ LỜI: {claim} [1].\nTRÍCH DẪN [1]: «{quote}»"
    if "tăng trưởng kinh tế" in question:
        return f"TRẢ LỜI: {claim} [1]. Nếu không đạt sẽ bị xử phạt [1].\nTRÍCH DẪN [1]: «{quote}»"
    if "đầu người" in question:
        wrong = re.sub(r"\d+", "999", claim, count=1)
        return f"TRẢ LỜI: {wrong} [1].\nTRÍCH DẪN [1]: «{quote}»"
    if "lao động qua đào tạo" in question:
        return f"Câu trả lời: {claim}."
    return "KHÔNG TÌM THẤY"


class _Endpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        reply = scripted_reply(body["messages"][-1]["content"])
        payload = json.dumps({
            "id": "scripted", "object": "chat.completion", "created": 0, "model": body.get("model", "scripted"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_eval_with_the_llm_answerer_reports_verification_drop_rates(tmp_path, endpoint):
    subset = tmp_path / "q.jsonl"
    subset.write_text("\n".join(QUESTIONS.read_text(encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    env = {"RAG_INDEX_DIR": str(tmp_path / "unused"), "PATH": "/usr/bin:/bin", "RAG_LLM_BASE_URL": endpoint,
           "RAG_LLM_MODEL": "scripted", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    run = subprocess.run([sys.executable, "-m", "eval", str(subset), "--out", str(out), "--corpus",
                          str(PROJECT_ROOT / "corpus"), "--pipeline", "project", "--model", "none", "--answerer", "llm"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    results = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    assert {i: r["verification"]["outcome"] for i, r in results.items()} == {
        "q001": "shown", "q002": "stripped", "q003": "refused", "q004": "format", "q005": "not_found"}
    assert "xử phạt" not in results["q002"]["answer"] and "999" not in results["q003"]["answer"].split(".)", 1)[-1]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["answerer"] == "llm" and summary["llm_model"] == "scripted"
    checked = summary["verification"]
    assert checked["model_replies"] == 5 and checked["answers_refused"] == 2 and checked["refusal_rate"] == 0.4
    assert checked["claims_stripped"] == 2 and checked["claims"] == 4 and checked["answers_stripped"] == 1
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Verification of the LLM answers" in report and "| 0.4 |" in report
    assert '"verification"' in run.stdout


def test_eval_with_the_llm_answerer_needs_an_endpoint(tmp_path):
    run = subprocess.run([sys.executable, "-m", "eval", str(QUESTIONS), "--out", str(tmp_path / "o"), "--answerer",
                          "llm"], cwd=PROJECT_ROOT, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 2 and "RAG_LLM_BASE_URL" in run.stderr


class OracleChat(ScriptedChat):
    """An honest, perfect model (it quotes the question set's evidence from the passage holding it),
    or the same model with one kind of invention added to every answer: what verification should
    let through untouched, and what it should catch, measured over a whole question set."""

    evidence: dict[str, list[str]] = {}
    mode: str = "honest"

    def _call(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
        prompt = str(messages[-1].content)
        question = prompt.rstrip().rsplit("Câu hỏi: ", 1)[1]
        claims, quotes = [], []
        for evidence in self.evidence.get(question, []):
            for n, text in passages_of(prompt).items():
                at = text.find(evidence)
                if at >= 0:
                    claims.append(f"{evidence.rstrip('.;')} [{n}].")
                    quotes.append(f"TRÍCH DẪN [{n}]: «{evidence}»")
                    break
        if not claims:
            return "KHÔNG TÌM THẤY"
        answer = " ".join(claims)
        if self.mode == "penalty":
            answer += f" Nếu không thực hiện sẽ bị xử lý kỷ luật {claims[0][claims[0].rindex('['):-1]}."
        elif self.mode == "number":  # the first figure of the answer, off by one (no figure: no answer)
            changed = re.sub(r"(?<![\[\d])\d+(?![\]\d])", lambda m: str(int(m.group(0)) + 1), answer, count=1)
            if changed == answer:
                return "KHÔNG TÌM THẤY"
            answer = changed
        return "TRẢ LỜI: " + answer + "\n" + "\n".join(quotes)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["honest", "penalty", "number"])
def test_verification_over_the_question_set_with_an_oracle_model(tmp_path, corpus_index, mode):
    """Figures for docs/MEASUREMENTS.md: `pytest -m slow tests/eval/test_eval_llm.py -s`."""
    from eval.runner import run_questions

    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    chat = OracleChat(responses=["-"], evidence={q["question"]: q["evidence"] for q in items}, mode=mode)
    summary = run_questions(QUESTIONS, tmp_path / mode, corpus_index, 5, ["project"], answerer="llm",
                            chat_model=chat)
    checked, overall = summary["verification"], summary["overall"]
    print(f"\n{mode}: accuracy {overall['answer_accuracy']}, abstention {overall['abstention_accuracy']}, "
          f"{json.dumps(checked, ensure_ascii=False)}")
    if mode == "honest":
        assert checked["answers_refused"] == 0 and checked["claims_stripped"] == 0
    else:  # every reply that answered carries an invention: none may be shown as written
        assert checked["outcomes"].get("shown", 0) == 0
