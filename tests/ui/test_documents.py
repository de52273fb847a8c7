"""The documents table: readable headers, one date format, titles whole, nothing unescaped."""

import re

import pytest

from ui.documents import COLUMNS, documents_table

pytestmark = pytest.mark.unit


def test_table_headers_dates_titles_and_escaping():
    long_title = "Tiếp tục phát động phong trào thi đua đợt cao điểm " * 5
    rows = [
        {"doc_id": "a.txt", "source": "corpus/a.txt", "number": "33/KH-UBND", "doc_type": "Kế hoạch",
         "issuer": "UBND thành phố Cần Thơ", "issued_on": "2024-02-21", "issued_text": "ngày 21 tháng 02 năm 2024",
         "title": long_title, "n_chunks": 44},
        {"doc_id": "b.txt", "source": "/x/uploads/b.txt", "number": None, "doc_type": "Chỉ thị", "issuer": None,
         "issued_on": None, "issued_text": "ngày tháng 02 năm 2021", "title": "<script>alert(1)</script>",
         "n_chunks": 3},
    ]
    html = documents_table(rows)
    assert re.findall(r"<th>([^<]*)</th>", html) == list(COLUMNS) and COLUMNS[0] == "Số"
    assert "21/02/2024" in html and "tháng 02/2021 (không ghi ngày)" in html and "ngày tháng" not in html
    assert long_title.strip() in html  # never cut
    assert "<script>" not in html and "(không ghi số)" in html
    assert html.index("33/KH-UBND") < html.index("(không ghi số)")  # newest first, undated last
    assert "2 văn bản trong chỉ mục" in html


def _noop(*args, **kwargs):
    return None


@pytest.mark.integration
def test_upload_replace_and_delete_say_what_changed_and_refresh_the_page(tmp_path, settings):
    from ui.core import App
    from ui.documents import Documents, Pending

    docs = Documents(App(settings))
    first = tmp_path / "ke-hoach-45.txt"
    first.write_text("Số: 45/KH-UBND\n\nĐà Lạt, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\n\nBảo vệ rừng năm 2024\n\n"
                     "I. CHỈ TIÊU\n\n1. Tỷ lệ che phủ rừng đạt 52,5%.\n\nTM. ỦY BAN NHÂN DÂN\n", encoding="utf-8")
    message, banner, table, doc, _, _, picker = docs.upload([str(first)], False, None, None, None, None,
                                                            progress=_noop)
    assert "✓ uploads/ke-hoach-45.txt — mới: Kế hoạch 45/KH-UBND" in message and "**1** văn bản" in banner
    assert "45/KH-UBND" in table and ("Kế hoạch 45/KH-UBND — Đà Lạt", "uploads/ke-hoach-45.txt") in doc["choices"]
    assert (settings.index_dir / "uploads" / "ke-hoach-45.txt").exists()
    # replace: asked first, nothing changes until confirmed
    second = tmp_path / "ke-hoach-45-sua.txt"
    second.write_text(first.read_text(encoding="utf-8").replace("52,5%", "53%"), encoding="utf-8")
    text, box, pending, button = docs.ask_replace("uploads/ke-hoach-45.txt", str(second))
    assert "Thay «Kế hoạch 45/KH-UBND» (tệp ke-hoach-45.txt" in text["value"] and box["visible"]
    assert pending == Pending("replace", "uploads/ke-hoach-45.txt", str(second))
    assert button["value"] == "Thay văn bản này"
    assert docs.cancel()[3].startswith("Đã hủy")
    out = docs.confirm(pending, None, None, None, progress=_noop)
    assert "✓ Đã thay «Kế hoạch 45/KH-UBND» (tệp ke-hoach-45.txt" in out[3] and "ke-hoach-45-sua.txt" in out[3]
    metas = docs.app.corpus.metas
    assert "uploads/ke-hoach-45.txt" not in metas and "uploads/ke-hoach-45-sua.txt" in metas
    assert not (settings.index_dir / "uploads" / "ke-hoach-45.txt").exists()
    assert "53%" in docs.app.corpus.text("uploads/ke-hoach-45-sua.txt")
    # delete, confirmed
    _, _, pending, _ = docs.ask_delete("uploads/ke-hoach-45-sua.txt")
    out = docs.confirm(pending, "uploads/ke-hoach-45-sua.txt", None, None, progress=_noop)
    assert "✓ Đã gỡ «Kế hoạch 45/KH-UBND»" in out[3] and "Chỉ mục còn 0 văn bản" in out[3]
    assert "chưa có văn bản" in out[5] and out[6]["value"] == "Tất cả"  # the filter that pointed at it resets
    assert docs.confirm(None, None, None, None, progress=_noop)[3].startswith("Không có thao tác")


@pytest.mark.integration
def test_unsupported_or_missing_files_change_nothing(tmp_path, settings):
    from ui.core import App
    from ui.documents import Documents

    docs = Documents(App(settings))
    bad = tmp_path / "bang.xlsx"
    bad.write_bytes(b"PK")
    assert "định dạng chưa hỗ trợ" in docs.upload([str(bad)], False, None, None, None, None, progress=_noop)[0]
    assert docs.upload(None, False, None, None, None, None, progress=_noop)[0].startswith("Chưa chọn tệp")
    assert docs.ask_delete(None)[2] is None and docs.ask_replace("x", None)[2] is None
    assert not (settings.index_dir / "uploads" / "bang.xlsx").exists()
