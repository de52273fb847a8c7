"""ask and lookup subcommands (filled in with the answering stage)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the answering subcommands to the `python -m rag` parser."""
