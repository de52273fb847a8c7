"""The Chroma server as a network dependency: deadlines, bounded retries, a circuit breaker, health.

Every call to a Chroma server goes through a `Guard`: each attempt has a deadline (a short one
for the small reads a question makes, a long one for writes and bulk reads), transient failures
(timeouts, refused or dropped connections, a proxy's 502/503/504) are retried a bounded number of
times with exponential backoff, and when the store stays unreachable the guard remembers it: for
`chroma_recheck_s` every call fails at once with `StoreUnavailable` instead of waiting again, then
one quick heartbeat decides whether the store is back. A question therefore learns within a few
seconds that the store is down, and the next ones learn it at once.

chromadb's HTTP client has no timeout setting (its httpx session is built with `timeout=None`),
so `connect` sets one on that session, and two httpx event hooks give every request the deadline
of its attempt and turn a proxy's refusal (401/403, a missing or wrong token) into `StoreRefused`.
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rag.config import Settings

log = logging.getLogger(__name__)

# collection and client methods that change the store: they get the write deadline
WRITES = frozenset({"add", "upsert", "update", "delete", "modify", "delete_collection", "get_or_create_collection"})
_ATTEMPT: contextvars.ContextVar[float | None] = contextvars.ContextVar("chroma_attempt_timeout", default=None)
_BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("chroma_bulk", default=False)


class StoreUnavailable(Exception):
    """The document store cannot be reached (after the retries the settings allow)."""

    def __init__(self, where: str, reason: str, since: float | None = None):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason
        self.since = since if since is not None else time.time()

    def message(self) -> str:
        """One Vietnamese sentence for users: what is down, since when, and why."""
        return (f"Không truy cập được kho văn bản (máy chủ Chroma {self.where}) từ {clock(self.since)}: "
                f"{self.reason}")


class StoreRefused(StoreUnavailable):
    """The store (or the proxy in front of it) refused our credentials: a setting to fix, not an outage."""


class _Transient(Exception):
    """A proxy answered that Chroma is unavailable (502/503/504): worth another attempt."""


def clock(at: float) -> str:
    """'14:05:09 29/11/2026': when something happened, in the machine's local time."""
    return time.strftime("%H:%M:%S %d/%m/%Y", time.localtime(at))


@dataclass(frozen=True)
class StoreHealth:
    """What the last calls to the store showed: up, or down since when and why."""

    where: str
    up: bool
    since: float | None = None  # when it went down (None while up)
    reason: str = ""
    refused: bool = False  # credentials refused: the fix is a setting, not waiting


class Guard:
    """Deadlines, retries and the circuit breaker around the calls to one store."""

    def __init__(self, settings: Settings, where: str, remote: bool, probe: Callable[[], None] | None = None):
        self.settings, self.where, self.remote = settings, where, remote
        self.probe = probe  # a quick call that tells whether the store is back (a heartbeat)
        self._lock = threading.Lock()
        self._down: StoreUnavailable | None = None
        self._recheck_at = 0.0

    @property
    def health(self) -> StoreHealth:
        down = self._down
        if down is None:
            return StoreHealth(self.where, True)
        return StoreHealth(self.where, False, down.since, down.reason, isinstance(down, StoreRefused))

    # ------------------------------------------------------------ the breaker
    def _admit(self) -> None:
        """Let a call through, or fail it at once while the store is known to be down."""
        with self._lock:
            down = self._down
            if down is None:
                return
            if time.monotonic() < self._recheck_at:
                raise type(down)(down.where, down.reason, down.since)
            self._recheck_at = time.monotonic() + self.settings.chroma_recheck_s  # one thread probes
        try:
            with attempt_timeout(self.settings.chroma_connect_timeout_s):
                if self.probe is not None:
                    self.probe()
        except Exception as exc:  # classified: anything not an outage is re-raised unchanged
            raise self._failed(self._classify(exc), since=down.since) from exc
        self._recovered()

    def _recovered(self) -> None:
        with self._lock:
            if self._down is not None:
                log.warning("Chroma %s reachable again (down since %s)", self.where, clock(self._down.since))
            self._down = None

    def _failed(self, error: StoreUnavailable, since: float | None = None) -> StoreUnavailable:
        with self._lock:
            first = self._down is None
            since = since if since is not None else (self._down.since if self._down else error.since)
            self._down = type(error)(error.where, error.reason, since)
            self._recheck_at = time.monotonic() + self.settings.chroma_recheck_s
            down = self._down
        if first:  # one log line per outage, not one per question
            log.warning("Chroma %s unreachable: %s", self.where, error.reason)
        return down

    # ------------------------------------------------------------ calls
    def call(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """Run one store call within its deadline, retrying transient failures with backoff."""
        if not self.remote:
            return fn(*args, **kwargs)
        self._admit()
        s = self.settings
        slow = write or _BULK.get()
        per_attempt = s.chroma_write_timeout_s if slow else s.chroma_read_timeout_s
        deadline = None if slow else time.monotonic() + s.chroma_deadline_s
        attempt = 0
        while True:
            budget = per_attempt if deadline is None else min(per_attempt, deadline - time.monotonic())
            try:
                with attempt_timeout(max(0.05, budget)):
                    result = fn(*args, **kwargs)
            except Exception as exc:  # classified: anything not an outage is re-raised unchanged
                error = self._classify(exc)
                pause = s.chroma_backoff_s * (2 ** attempt) * (1 + 0.25 * random.random())
                out_of_time = deadline is not None and time.monotonic() + pause >= deadline
                if isinstance(error, StoreRefused) or attempt >= s.chroma_retries or out_of_time:
                    raise self._failed(error) from exc
                attempt += 1
                time.sleep(pause)
                continue
            if self._down is not None:
                self._recovered()
            return result

    def _classify(self, exc: Exception) -> StoreUnavailable:
        """A store outage as StoreUnavailable; any other error is re-raised unchanged (a bug or bad data)."""
        import httpx

        if isinstance(exc, StoreUnavailable):
            return exc
        if isinstance(exc, httpx.TimeoutException):
            return StoreUnavailable(self.where, "máy chủ không phản hồi trong thời hạn chờ "
                                    f"({self.settings.chroma_read_timeout_s:g} giây mỗi lần đọc)")
        if isinstance(exc, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return StoreRefused(self.where, f"chứng chỉ TLS của máy chủ không được tin cậy ({_short(exc)}): đặt "
                                "RAG_CHROMA_CA_FILE là tệp chứng chỉ của CA đã ký cho máy chủ")
        if isinstance(exc, httpx.ConnectError):
            return StoreUnavailable(self.where, f"không kết nối được ({_short(exc)})")
        if isinstance(exc, httpx.TransportError):
            return StoreUnavailable(self.where, f"kết nối bị ngắt ({_short(exc)})")
        if isinstance(exc, _Transient):
            return StoreUnavailable(self.where, str(exc))
        raise exc


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:160]


@contextmanager
def attempt_timeout(seconds: float) -> Iterator[None]:
    """Every HTTP request made inside gets this read/write deadline (see `_timeout_hook`)."""
    token = _ATTEMPT.set(seconds)
    try:
        yield
    finally:
        _ATTEMPT.reset(token)


@contextmanager
def bulk() -> Iterator[None]:
    """Reads inside are bulk reads (whole batches of chunks and texts): they get the write deadline."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


class Proxy:
    """A chromadb client or collection whose methods run through a Guard (attributes pass through)."""

    def __init__(self, target: Any, guard: Guard):
        self._target, self._guard = target, guard

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr  # id, name, metadata, configuration: held by the object, no network
        write = name in WRITES

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._guard.call(attr, *args, write=write, **kwargs)

        return guarded


# ---------------------------------------------------------------- connecting
def where(settings: Settings) -> str:
    scheme = "https" if settings.chroma_ssl else "http"
    return f"{scheme}://{settings.chroma_host}:{settings.chroma_port}"


def auth_headers(settings: Settings) -> dict[str, str]:
    """The token header the Chroma server (or the proxy in front of it) checks."""
    if settings.chroma_token is None:
        return {}
    token = settings.chroma_token.get_secret_value()
    if settings.chroma_token_header.lower() == "authorization":
        return {"Authorization": f"Bearer {token}"}
    return {settings.chroma_token_header: token}


def _verify(settings: Settings) -> bool | str:
    return str(settings.chroma_ca_file) if settings.chroma_ca_file else True


def _timeout_hook(request: Any) -> None:
    """httpx request hook: the deadline of the current attempt (chromadb never passes one)."""
    seconds = _ATTEMPT.get()
    if seconds is not None:
        current = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {"connect": min(seconds, current.get("connect") or seconds),
                                         "read": seconds, "write": seconds, "pool": seconds}


def _status_hook(settings: Settings) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        if response.status_code in (401, 403):
            raise StoreRefused(where(settings), _refused_reason(settings, response.status_code))
        if response.status_code in (502, 503, 504):
            raise _Transient(f"máy chủ trung gian báo Chroma không sẵn sàng (HTTP {response.status_code})")
    return check


def _refused_reason(settings: Settings, status: int) -> str:
    if settings.chroma_token is None:
        return (f"máy chủ yêu cầu xác thực (HTTP {status}) mà chưa đặt token: đặt RAG_CHROMA_TOKEN "
                "(token của máy chủ Chroma, do người quản trị cấp)")
    return (f"máy chủ từ chối token (HTTP {status}): kiểm tra RAG_CHROMA_TOKEN và "
            f"RAG_CHROMA_TOKEN_HEADER (đang gửi trong {settings.chroma_token_header})")


def preflight(settings: Settings) -> None:
    """One authenticated request with our own deadline, before chromadb's client makes untimed ones."""
    import httpx

    url = f"{where(settings)}/api/v2/auth/identity"
    timeout = httpx.Timeout(settings.chroma_read_timeout_s, connect=settings.chroma_connect_timeout_s)
    response = httpx.get(url, headers=auth_headers(settings), verify=_verify(settings), timeout=timeout)
    _status_hook(settings)(response)
    if response.status_code != 200:  # a wrong address, port or scheme (http to a TLS port answers 400)
        raise StoreRefused(where(settings), f"máy chủ trả lời bất thường (HTTP {response.status_code}) cho {url}: "
                                            "kiểm tra RAG_CHROMA_HOST, RAG_CHROMA_PORT và RAG_CHROMA_SSL")


def connect(settings: Settings) -> Any:
    """A chromadb HttpClient with deadlines, TLS and the token; StoreUnavailable when it cannot be had.

    The preflight request runs under our deadline; chromadb's own start-up calls then run in a
    thread that is waited for no longer than one read deadline, so even a server that stops
    answering between the two never hangs the caller.
    """
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    here = where(settings)
    guard = Guard(settings, here, remote=True)
    try:
        preflight(settings)
    except Exception as exc:  # classified: anything not an outage is re-raised unchanged
        raise guard._classify(exc) from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False,
                                     chroma_server_ssl_verify=_verify(settings) if settings.chroma_ssl else None)
    made: dict[str, Any] = {}

    def make() -> None:
        try:
            made["client"] = chromadb.HttpClient(host=str(settings.chroma_host), port=settings.chroma_port,
                                                 ssl=settings.chroma_ssl, headers=auth_headers(settings),
                                                 settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001 — handed to the caller's thread, classified there
            made["error"] = exc

    worker = threading.Thread(target=make, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(settings.chroma_read_timeout_s + settings.chroma_connect_timeout_s)
    if worker.is_alive():
        raise StoreUnavailable(here, "máy chủ không phản hồi khi mở kết nối")
    if "error" in made:
        error = made["error"]
        if isinstance(error, ValueError) and "connect" in str(error).lower():
            raise StoreUnavailable(here, f"không kết nối được ({_short(error)})") from error
        raise guard._classify(error) from error
    client = made["client"]
    session = client._server._session  # chromadb builds it with timeout=None: give it ours
    session.timeout = httpx.Timeout(settings.chroma_read_timeout_s, connect=settings.chroma_connect_timeout_s)
    session.event_hooks["request"].append(_timeout_hook)
    session.event_hooks["response"].append(_status_hook(settings))
    return client
