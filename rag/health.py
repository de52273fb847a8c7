"""The health view: is the document store reachable, and does this machine's local index follow it?

One report, two readers: the UI banner (from the running Assistant, which watches the store
continuously) and `python -m rag docs` (a one-off look, which also reads what a running app on
this machine recorded in the local index). Lines are Vietnamese, say since when, and the fix.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from rag.config import Settings
from rag.index.local import LocalIndex
from rag.index.remote import StoreHealth, StoreUnavailable, clock

# the note an Answer carries when it was not computed because the store could not be read
STORE_UNAVAILABLE = "store-unavailable"


@dataclass(frozen=True)
class Health:
    """The store's reachability and the local index's lag, as of `checked_at`."""

    store: StoreHealth
    remote: bool
    local_generation: int
    store_generation: int | None  # None when the store could not be asked
    stale_since: float | None  # the local index has lagged the store since then (None: it follows)
    synced_at: float | None  # when the local index last caught up
    store_changed_at: float | None = None  # the store's last committed write
    checked_at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.store.up and self.stale_since is None

    def lines(self) -> list[str]:
        """Vietnamese lines for the banner and the CLI; empty when all is well."""
        out = []
        if not self.store.up:
            since = clock(self.store.since) if self.store.since else "?"
            fix = ("Người quản trị cần sửa cấu hình kết nối" if self.store.refused else
                   "Câu hỏi sẽ được trả lời lại khi kho hoạt động; nếu kéo dài, báo người quản trị kiểm tra máy chủ Chroma")
            copy = f" (bản sao cập nhật lúc {clock(self.synced_at)})" if self.synced_at else ""
            out.append(f"Kho văn bản (Chroma {self.store.where}) không truy cập được từ {since}: {self.store.reason}. "
                       f"Câu hỏi chưa được trả lời trong lúc này; danh sách và nội dung văn bản vẫn xem được từ bản sao "
                       f"cục bộ của máy này{copy}. {fix}.")
        if self.stale_since is not None:
            behind = (f" (chỉ mục ở lần ghi thứ {self.local_generation}, kho ở lần ghi thứ {self.store_generation})"
                      if self.store_generation is not None else "")
            out.append(f"Chỉ mục cục bộ của máy này chưa theo kịp kho văn bản từ {clock(self.stale_since)}{behind}: "
                       "câu trả lời có thể thiếu văn bản mới nạp hoặc còn văn bản đã gỡ. Nếu kéo dài, kiểm tra tiến "
                       "trình nạp văn bản đang chạy trên máy này, hoặc xóa thư mục cache/local trong thư mục chỉ mục "
                       "để máy dựng lại từ kho.")
        return out

    def as_dict(self) -> dict[str, Any]:
        """For `docs --json`: the same facts, times as epoch seconds."""
        return {**asdict(self), "ok": self.ok}


def unavailable_text(down: StoreUnavailable) -> str:
    """What a question gets when the store cannot be read: the answer was not computed, and why."""
    from rag.index.remote import StoreRefused

    then = ("Người quản trị cần sửa cấu hình kết nối, rồi hỏi lại." if isinstance(down, StoreRefused) else
            "Hãy hỏi lại sau ít phút; nếu vẫn lỗi, báo người quản trị kiểm tra máy chủ Chroma.")
    return (f"{down.message()}. Câu trả lời chưa được tính: hệ thống chỉ trả lời khi đọc được toàn bộ kho văn bản, "
            f"không trả lời từ một phần dữ liệu. {then}")


def check(settings: Settings) -> tuple[Health, Any]:
    """A one-off look (the CLI): the store's state against this machine's local index.

    Returns the report and the Store (to list documents from when it is up). What a running app
    on this machine recorded (since when the store is down) is read from the local index.
    """
    from rag.index.chroma import Store

    store = Store(settings)
    local = LocalIndex.peek(settings.cache_dir / "local")
    local_generation = int(local.get("generation") or 0)
    synced_at = float(local["synced_at"]) if local.get("synced_at") else None
    now = time.time()
    try:
        collection, generation = store.state()
        changed_at = store.changed_at()
    except StoreUnavailable:
        recorded = float(local["store_down_since"]) if local.get("store_down_since") else None
        down = store.health
        since = min(x for x in (recorded, down.since) if x is not None) if (recorded or down.since) else None
        stale = StoreHealth(down.where, False, since, down.reason, down.refused)
        return Health(stale, store.remote, local_generation, None, None, synced_at, None, now), store
    behind = bool(local) and (local.get("collection") != collection or local_generation < generation)
    stale_since = (synced_at or changed_at or now) if behind else None
    return Health(store.health, store.remote, local_generation, generation, stale_since, synced_at, changed_at,
                  now), store
