"""The one error a user can cause at ingest: a file that cannot be indexed, with its reason and fix."""

from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """A file that cannot be indexed, with the reason and the fix (for the user, not a bug)."""

    def __init__(self, path: Path | str, reason: str, fix: str):
        super().__init__(f"{path}: {reason} — {fix}")
        self.path, self.reason, self.fix = str(path), reason, fix
