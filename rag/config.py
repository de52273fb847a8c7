"""One typed settings object (env prefix RAG_); every limit of the system is a named field here."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration, read from RAG_* environment variables or a `.env` file."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    # Where things live
    index_dir: Path = PROJECT_ROOT / ".index"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    collection: str = "clauses"
    chroma_host: str | None = None  # set to use a Chroma server (HttpClient) instead of embedded
    chroma_port: int = 8000

    # A Chroma server is a network dependency (see docs/DEPLOYMENT.md): every call has a deadline,
    # transient failures are retried a bounded number of times, and an outage is remembered so
    # questions fail at once (with a message) instead of each waiting again.
    chroma_ssl: bool = False  # https to the server (or to the TLS proxy in front of it)
    chroma_ca_file: Path | None = None  # CA bundle that signed the server's certificate (None: the system's)
    chroma_token: SecretStr | None = None  # sent on every request; the proxy in front of Chroma checks it
    chroma_token_header: str = "Authorization"  # "Authorization" (sent as "Bearer <token>") or "X-Chroma-Token"
    chroma_connect_timeout_s: float = 3.0
    chroma_read_timeout_s: float = 5.0  # one attempt of a small read (the calls a question makes)
    chroma_deadline_s: float = 8.0  # a small read with its retries: a question knows within this
    # a Chroma server answers no query while it applies a write request: small requests keep a
    # question's wait short while an ingest runs (docs/MEASUREMENTS.md, "Server mode"), at some
    # ingest speed; the embedded store writes 5,000 chunks a request as before
    chroma_write_rows: int = 50
    chroma_write_timeout_s: float = 120.0  # one attempt of a write or bulk read (an ingest batch, a catch-up)
    chroma_retries: int = 3  # further attempts after a transient failure (timeout, refused, dropped, 502-504)
    chroma_backoff_s: float = 0.5  # first pause between attempts; doubles each time
    chroma_recheck_s: float = 5.0  # after an outage, calls fail at once for this long, then one heartbeat
    stale_after_s: float = 30.0  # the health view calls the local index stale once it lags the store this long

    # Embeddings
    embedding_model: str = "intfloat/multilingual-e5-small"
    # used when embedding_model cannot be loaded (offline): the project's own model in models/;
    # "none" turns the fallback off (then a missing model means lexical-only)
    fallback_embedding_model: str | None = "vi-legal-static"
    embedding_batch_size: int = 32
    static_embedding_batch_size: int = 1024  # static models pad nothing: big batches only save per-batch overhead
    embedding_device: str = "cpu"
    embedding_max_seq_length: int = 256
    query_prefix: str | None = None  # None: chosen from the model name (e5: "query: ")
    passage_prefix: str | None = None
    hub_probe_timeout_s: float = 3.0  # how long to look for the model hub before going offline

    # Input limits
    max_file_mb: float = 50.0
    max_pages: int = 2000
    parse_timeout_s: float = 120.0
    max_unpacked_mb: float = 500.0  # a DOCX (zip) that inflates past this is a decompression bomb

    # OCR of scanned PDFs (Debian tesseract-ocr + tesseract-ocr-vie)
    ocr_enabled: bool = True
    ocr_command: str = "tesseract"
    ocr_language: str = "vie"
    ocr_dpi: int = 300
    ocr_max_pages: int = 300  # ~2 s a page on one core: 300 pages is ten minutes
    ocr_page_timeout_s: float = 120.0
    ocr_max_pixels: int = 40_000_000  # an A3 page at 300 dpi is 17 M; larger pages are rendered coarser

    # Chunking
    chunk_max_chars: int = 1200
    chunk_min_chars: int = 40

    # Retrieval
    top_k: int = 5
    candidates: int = 60
    answer_passages: int = 30  # passages whose sentences the answerer weighs (the top k are shown)
    rrf_k: int = 60
    dense_weight: float | None = None  # None: chosen per model (embeddings.recommended_dense_weight)
    lexical_weight: float = 1.0
    reranker_model: str | None = None  # a cross-encoder; off by default (not yet measured: none installable offline)
    rerank_candidates: int = 20

    # Answering
    answerer: str = "extractive"  # extractive | llm
    min_coverage: float = 0.5  # share of the question's key terms a quoted unit must contain
    max_answer_chars: int = 400
    max_comparison_chars: int = 800
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 60.0

    # UI
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_max_upload_mb: float = 20.0
    ui_queue_size: int = 256  # requests that wait (not refused) when every worker is busy
    ui_concurrency: int = 2  # questions answered at once (the machine has 2 cores)
    max_question_chars: int = 1000
    ui_auth_user: str | None = None
    ui_auth_password: SecretStr | None = None
    ui_login_max_failures: int = 5  # failed logins per user name within the lockout window before it locks
    ui_login_lockout_s: float = 300.0
    ui_login_delay_s: float = 1.0  # every failed login answers this much later
    ui_register_rows: int = 500  # rows the 'Nhiệm vụ & thời hạn' tab shows at once (exports hold them all)

    # Scale: how often a replica checks Chroma for changes (one small call), write batches, read caches
    lexical_refresh_s: float = 5.0
    ingest_batch_chunks: int = 2000  # chunks per store write; a crash leaves at most one batch to redo
    ingest_nice: int = 10  # `python ingest.py` runs at this lower CPU priority: answers come first
    cached_texts: int = 32  # document texts a replica keeps in memory (the rest are read on demand)
    cached_chunks: int = 20000  # chunks a replica keeps in memory

    @property
    def chroma_dir(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.index_dir / "cache"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (tests, CLIs)."""
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = ["Settings", "load_settings", "PROJECT_ROOT"]
