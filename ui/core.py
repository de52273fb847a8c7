"""What every tab shares: the Assistant, the ingest lock, and the page-wide state derived from the
index (mode banner, document filters), refreshed after every change and on every page load."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import gradio as gr

from rag.config import Settings
from rag.engine import Assistant
from ui.display import plain_text

ALL = "Tất cả"


class App:
    """Handlers' shared state over one Assistant; index writes are serialised by `lock`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.Lock()
        self.assistant = Assistant(settings, background=True)  # questions never wait for a catch-up

    @property
    def corpus(self) -> Any:
        return self.assistant.corpus

    def banner(self) -> str:
        a = self.assistant
        n = len(a.corpus.metas)
        text = f"**Chế độ tìm kiếm:** {a.mode} · **{n}** văn bản, **{a.corpus.chunk_count}** đoạn trong chỉ mục."
        if a.notice:
            text += f"\n\n⚠ {a.notice}"
        for line in a.health().lines():  # the store down, or this machine's index lagging it: since when
            text += f"\n\n⚠ {line}"
        if n == 0:
            text += "\n\n⚠ Chỉ mục chưa có văn bản nào: hãy nạp văn bản ở tab **Văn bản**."
        return text

    def doc_choices(self) -> list[tuple[str, str]]:
        """(label, doc_id) of every document, for filters and pickers."""
        metas = self.assistant.corpus.metas
        return sorted((" — ".join(x for x in (plain_text(m.label()), m.place) if x), d) for d, m in metas.items())

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        metas = self.assistant.corpus.metas
        docs = [(ALL, ALL), *self.doc_choices()]
        types = [ALL] + sorted({m.doc_type for m in metas.values() if m.doc_type})
        years = [ALL] + sorted({m.issued_on[:4] for m in metas.values() if m.issued_on}, reverse=True)
        return docs, types, years

    def doc_filter(self, doc: str | None, doc_type: str | None, year: str | None) -> list[str] | None:
        metas = self.assistant.corpus.metas
        chosen = [d for d, m in metas.items()
                  if (doc in (None, ALL) or d == doc) and (doc_type in (None, ALL) or m.doc_type == doc_type)
                  and (year in (None, ALL) or (m.issued_on or "").startswith(str(year)))]
        return None if chosen == list(metas) else chosen

    def filter_updates(self, current: Sequence[str | None] = (None, None, None)) -> tuple[Any, Any, Any]:
        """Dropdown updates for the three filters; a choice that no longer exists falls back to 'Tất cả'."""
        out = []
        for choices, value in zip(self.filter_choices(), current, strict=True):
            values = [c[1] if isinstance(c, tuple) else c for c in choices]
            out.append(gr.update(choices=choices, value=value if value in values else ALL))
        return out[0], out[1], out[2]

    def refresh(self, force: bool = False) -> None:
        """Re-read the index if it changed (forced after this process wrote to it)."""
        self.assistant.refresh(force=force)
