"""The optional reranker re-orders only the head of the fused list, and a missing model is reported."""

import pytest

from rag.engine import Assistant
from rag.search.query import analyze

pytestmark = pytest.mark.integration


class PrefersCleanWater:
    """A scripted cross-encoder: scores a passage by whether it mentions 'nước sạch'."""

    def predict(self, pairs):
        return [1.0 if "nước sạch" in passage else 0.0 for _, passage in pairs]


def test_reranker_reorders_the_head(corpus_index):
    assistant = Assistant(corpus_index)
    question = analyze("Tỷ lệ đạt bao nhiêu phần trăm?")
    plain = assistant.retriever.retrieve(question, 5)
    assistant.retriever.reranker = PrefersCleanWater()
    reranked = assistant.retriever.retrieve(question, 5)
    assert "nước sạch" not in plain.passages[0].chunk.text
    assert "nước sạch" in reranked.passages[0].chunk.text
    assert len(reranked.passages) == len(plain.passages)


def test_missing_reranker_model_is_named_and_not_fatal(corpus_index):
    settings = corpus_index.model_copy(update={"reranker_model": "BAAI/bge-reranker-v2-m3", "hub_probe_timeout_s": 1.0})
    assistant = Assistant(settings)
    assert assistant.reranker is None and "BAAI/bge-reranker-v2-m3" in assistant.notice
    assert not assistant.ask("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?").abstained
