"""The shipped Vietnamese model (models/vi-legal-static): loads offline, encodes, is the fallback."""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import Settings
from rag.index.embeddings import bundled_model_path, make_embedder, recommended_dense_weight
from rag.index.terms import TermVectors

SHIPPED = "vi-legal-static"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(index_dir=tmp_path_factory.mktemp("i"), embedding_model=SHIPPED, _env_file=None)  # type: ignore[call-arg]
    embedder, notice = make_embedder(settings)
    assert embedder is not None and notice is None
    return embedder


@pytest.mark.integration
def test_shipped_model_loads_offline_and_encodes_vietnamese(monkeypatch, tmp_path):
    import subprocess
    import sys

    from rag.config import PROJECT_ROOT

    code = ("from rag.config import Settings; from rag.index.embeddings import make_embedder;"
            f"e, n = make_embedder(Settings(embedding_model='{SHIPPED}', _env_file=None));"
            "v = e.encode_passages(['Sở Nội vụ chủ trì, phối hợp với các sở triển khai kế hoạch.']);"
            "print(e.name, v.shape[1], n)")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [SHIPPED, "256", "None"]
    assert bundled_model_path(SHIPPED) is not None
    size_mb = sum(f.stat().st_size for f in bundled_model_path(SHIPPED).iterdir()) / 2**20  # type: ignore[union-attr]
    assert size_mb <= 50


@pytest.mark.integration
def test_shipped_model_puts_a_question_near_its_clause(shipped):
    clauses = ["Các sở, ngành gửi báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15 tháng 12 năm 2024.",
               "Tăng cường tuyên truyền phòng, chống ma túy trong trường học.",
               "Tỷ lệ hộ gia đình sử dụng nước sạch đạt 95%."]
    vectors = shipped.encode_passages(clauses)
    assert vectors.shape == (3, 256) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    for question, expected in (("Hạn gửi báo cáo cho Sở Nội vụ là khi nào?", 0),
                               ("phong chong ma tuy o truong hoc", 1),  # typed without diacritics
                               ("Chỉ tiêu về nước sạch là bao nhiêu?", 2)):
        assert int(np.argmax(vectors @ shipped.encode_query(question))) == expected


@pytest.mark.integration
def test_missing_model_falls_back_to_the_shipped_one(tmp_path):
    offline = Settings(index_dir=tmp_path / "i", embedding_model="/no/such/model", _env_file=None)  # type: ignore[call-arg]
    embedder, notice = make_embedder(offline)
    assert embedder is not None and embedder.name == SHIPPED
    assert notice is not None and "/no/such/model" in notice and SHIPPED in notice
    off = offline.model_copy(update={"fallback_embedding_model": "none"})
    assert make_embedder(off)[0] is None
    assert make_embedder(offline.model_copy(update={"embedding_model": "none"}))[0] is None  # none means none


@pytest.mark.unit
def test_dense_weight_per_model():
    assert recommended_dense_weight(SHIPPED) == recommended_dense_weight(f"/x/models/{SHIPPED}/")
    assert recommended_dense_weight("sentence-transformers/all-MiniLM-L6-v2") == 0.05
    assert recommended_dense_weight("intfloat/multilingual-e5-small") == 0.5


@pytest.mark.integration
def test_term_similarity_of_the_shipped_model(shipped):
    terms = TermVectors.from_embedder(shipped)
    assert terms is not None
    # the folded spelling means the same: far above unrelated pieces (random pairs: mean 0.00, p95 0.11)
    assert terms.similarity("thời hạn", "thoi han") > 0.5
    assert terms.similarity("thời hạn", "hạn") > terms.similarity("thời hạn", "ma túy")
    near = terms.similar_terms("báo cáo", k=5)
    assert len(near) == 5 and all(t != "bao cao" for t, _ in near)
    assert terms.similar_terms("ƀƀƀ ɋɋ", k=3) == []  # no known piece: nothing, not noise
