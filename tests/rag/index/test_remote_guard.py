"""The guard's rules, without a server: what is retried, how often, for how long, and what is not."""

from __future__ import annotations

import time

import httpx
import pytest
from pydantic import SecretStr

from rag.config import Settings
from rag.index.remote import Guard, StoreRefused, StoreUnavailable, _status_hook, auth_headers

pytestmark = pytest.mark.unit


def _settings(**extra: object) -> Settings:
    values = {"chroma_host": "10.0.0.5", "chroma_retries": 2, "chroma_backoff_s": 0.01, "chroma_deadline_s": 2.0,
              "chroma_recheck_s": 0.3, **extra}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


class Flaky:
    """Fails `failures` times with `error`, then answers."""

    def __init__(self, failures: int, error: Exception):
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def test_transient_failures_are_retried_within_the_budget():
    guard = Guard(_settings(), "http://10.0.0.5:8000", remote=True)
    flaky = Flaky(2, httpx.ConnectError("refused"))
    assert guard.call(flaky) == "ok" and flaky.calls == 3 and guard.health.up


def test_persistent_outage_fails_fast_afterwards_then_rechecks():
    probes: list[float] = []
    guard = Guard(_settings(), "http://10.0.0.5:8000", remote=True, probe=lambda: probes.append(time.monotonic()))
    dead = Flaky(99, httpx.ReadTimeout("silent"))
    with pytest.raises(StoreUnavailable, match="không phản hồi"):
        guard.call(dead)
    assert dead.calls == 3 and not guard.health.up and guard.health.since is not None
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        guard.call(dead)  # the breaker is open: no attempt at all
    assert dead.calls == 3 and time.monotonic() - started < 0.05 and not probes
    time.sleep(0.35)
    assert guard.call(Flaky(0, RuntimeError())) == "ok" and len(probes) == 1 and guard.health.up


def test_refusal_is_not_retried_and_other_errors_pass_through():
    guard = Guard(_settings(), "http://10.0.0.5:8000", remote=True)
    refused = Flaky(9, StoreRefused("http://10.0.0.5:8000", "máy chủ từ chối token"))
    with pytest.raises(StoreRefused):
        guard.call(refused)
    assert refused.calls == 1 and guard.health.refused
    other = Guard(_settings(), "x", remote=True)
    bug = Flaky(9, ValueError("a bug, not an outage"))
    with pytest.raises(ValueError, match="a bug"):
        other.call(bug)
    assert bug.calls == 1 and other.health.up


def test_reads_stop_at_their_deadline_writes_get_their_retries():
    settings = _settings(chroma_backoff_s=0.6, chroma_deadline_s=0.5, chroma_retries=5)
    slow_read = Flaky(99, httpx.ConnectError("refused"))
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        Guard(settings, "x", remote=True).call(slow_read)
    assert time.monotonic() - started < 0.6 and slow_read.calls == 1  # the backoff would pass the deadline
    write = Flaky(2, httpx.ConnectError("refused"))
    patient = settings.model_copy(update={"chroma_backoff_s": 0.3})  # 0.3 + 0.6 s of pauses: past a read deadline
    assert Guard(patient, "x", remote=True).call(write, write=True) == "ok" and write.calls == 3


def test_embedded_store_calls_pass_straight_through():
    calls = Flaky(1, httpx.ConnectError("never classified"))
    with pytest.raises(httpx.ConnectError):
        Guard(_settings(), "x", remote=False).call(calls)


def test_token_header_and_status_mapping():
    token = SecretStr("abc123")
    assert auth_headers(_settings(chroma_token=token)) == {"Authorization": "Bearer abc123"}
    assert auth_headers(_settings(chroma_token=token, chroma_token_header="X-Chroma-Token")) == {"X-Chroma-Token": "abc123"}
    assert auth_headers(_settings()) == {}
    assert "abc123" not in repr(_settings(chroma_token=token))  # a SecretStr never prints
    hook = _status_hook(_settings())
    with pytest.raises(StoreRefused, match="RAG_CHROMA_TOKEN"):
        hook(httpx.Response(401))
    hook(httpx.Response(200))
