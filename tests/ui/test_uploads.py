"""Uploads never overwrite a document they did not come from; replacing is an explicit choice."""

import pytest

from rag.ingest.pipeline import ingest
from tests.conftest import CORPUS, SEEDS
from ui.uploads import place_upload

KH33 = SEEDS["kh33"].name
URBAN = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"


@pytest.mark.unit
def test_place_upload_keeps_apart_and_replaces_only_when_asked(tmp_path):
    folder, src = tmp_path / "uploads", tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text("một", encoding="utf-8")
    target, note = place_upload(src, folder, False, ["a.txt"])
    assert target == folder / "a.txt" and "trùng tên với văn bản đã có `a.txt`" in note
    assert place_upload(src, folder, False, ["a.txt", "uploads/a.txt"]) == (folder / "a.txt", None)  # same bytes
    src.write_text("hai", encoding="utf-8")
    target, note = place_upload(src, folder, False, [])
    assert target == folder / "a (2).txt" and "lưu riêng" in note and "Thay thế" in note
    assert (folder / "a.txt").read_text(encoding="utf-8") == "một"
    src.write_text("ba", encoding="utf-8")
    target, note = place_upload(src, folder, True, [])
    assert target == folder / "a.txt" and "thay thế" in note and target.read_text(encoding="utf-8") == "ba"


@pytest.mark.integration
def test_a_forged_upload_named_like_a_corpus_file_changes_nothing(tmp_path, settings):
    from ui.core import App
    from ui.documents import Documents

    assert ingest([CORPUS], settings).ok
    app = App(settings)
    docs = Documents(app)

    def upload(files: list[str], replace: bool = False) -> str:
        return docs.upload(files, replace, None, None, None, None, progress=lambda *a, **k: None)[0]

    forged = tmp_path / "upload" / KH33
    forged.parent.mkdir()
    forged.write_text(SEEDS["kh33"].read_text(encoding="utf-8").replace("đạt 76%", "đạt 1%"), encoding="utf-8")
    message = upload([str(forged)])
    assert f"✓ uploads/{KH33}" in message and "lưu riêng" in message and "văn bản đã có giữ nguyên" in message
    assert "⚠" in message and "33/KH-UBND" in message  # the same document number is shown, not hidden
    assert {KH33, f"uploads/{KH33}"} <= set(app.assistant.corpus.metas)
    original = app.assistant.ask(URBAN, doc_filter=[KH33])
    assert "76%" in original.text and original.citations[0].doc_id == KH33
    assert (settings.index_dir / "uploads" / KH33).exists() and "đạt 76%" in (CORPUS / KH33).read_text(encoding="utf-8")
    # replacing the upload (not the corpus document) is the explicit choice
    forged.write_text(forged.read_text(encoding="utf-8").replace("đạt 1%", "đạt 2%"), encoding="utf-8")
    message = upload([str(forged)], False)
    assert f"uploads/{KH33.replace('.txt', ' (2).txt')}" in message
    message = upload([str(forged)], True)
    assert "thay thế" in message and f"✓ uploads/{KH33}" in message
    assert "76%" in app.assistant.ask(URBAN, doc_filter=[KH33]).text
