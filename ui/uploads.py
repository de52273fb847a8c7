"""Where an uploaded file is kept: never over a document it did not come from.

Uploads live in <index>/uploads/ and are ingested with ids `uploads/<name>`, so an upload named
like a corpus file is a separate document. A second upload with the name of an earlier one and
different content is kept beside it ("<name> (2).pdf") unless the user asked to replace it.
"""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Iterable
from pathlib import Path

UPLOADS = "uploads"


def _free_name(folder: Path, name: str) -> Path:
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while (folder / f"{stem} ({n}){suffix}").exists():
        n += 1
    return folder / f"{stem} ({n}){suffix}"


def place_upload(src: Path, folder: Path, replace: bool, known_ids: Iterable[str]) -> tuple[Path, str | None]:
    """Copy an uploaded file into `folder`; returns where it went and a note for the user (or None)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / src.name
    doc_id = f"{UPLOADS}/{src.name}"
    note = None
    if target.exists() and filecmp.cmp(src, target, shallow=False):
        return target, None  # the same file again: ingest will find it unchanged
    if target.exists() and replace:
        note = f"đã **thay thế** bản tải lên trước đó `{doc_id}` (theo lựa chọn «Thay thế»)"
    elif target.exists():
        target = _free_name(folder, src.name)
        note = (f"đã có bản tải lên `{doc_id}` với nội dung khác: bản mới được lưu riêng thành "
                f"`{UPLOADS}/{target.name}`. Muốn thay thế bản cũ: đánh dấu «Thay thế bản tải lên trùng tên» rồi nạp lại")
    else:
        same_name = sorted(d for d in known_ids if Path(d).name == src.name and not d.startswith(f"{UPLOADS}/"))
        if same_name:
            note = (f"trùng tên với văn bản đã có `{same_name[0]}`: bản tải lên được lưu riêng thành `{doc_id}`, "
                    "văn bản đã có giữ nguyên")
    shutil.copyfile(src, target)
    return target, note
