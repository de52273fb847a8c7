"""The body as the register reads it: items under agency headings, tables as rows, no closing block."""

import pytest

from rag.facts.blocks import read_body

pytestmark = pytest.mark.unit


def test_agency_heading_is_carried_to_its_items():
    text = ("IV. TỔ CHỨC THỰC HIỆN\n\n3. Sở Công Thương\n\na) Chủ trì xây dựng kế hoạch;\n\nb) Phối hợp kiểm tra.\n\n"
            "4. Công an tỉnh: Chủ trì bảo đảm an ninh.\n")
    paragraphs, rows = read_body(text, 0)
    by_text = {text[p.body_start:p.end]: p for p in paragraphs}
    item = by_text["Chủ trì xây dựng kế hoạch;"]
    assert [a.canonical for h in item.parents for a in h.agencies] == ["Sở Công Thương"]
    inline = by_text["Công an tỉnh: Chủ trì bảo đảm an ninh."]
    assert inline.inline and [a.canonical for a in inline.agencies] == ["Công an tỉnh"]
    assert rows == []


CRAWLED = """|
**STT**
|
**Cơ quan chủ trì**
|
**Cơ quan phối hợp**
|
**Nội dung nhiệm vụ**
|
**Thời hạn hoàn thành**
|
|
1
|
Bộ Nông nghiệp và Môi trường
|
- Bộ Khoa học và Công nghệ;
- Bộ Xây dựng.
|
- Hoàn thiện Nghị định về xử lý vi phạm.
|
Ban hành trong quý I năm 2026
|
|
- Rà soát các hướng dẫn kỹ thuật.
|
Giai đoạn 2026 - 2027
|

Đoạn văn sau bảng.
"""


def test_crawled_table_rows_take_merged_cells_from_the_row_above():
    paragraphs, rows = read_body(CRAWLED, 0)
    assert len(rows) == 2
    first, second = rows
    assert first.cells["lead"].text == "Bộ Nông nghiệp và Môi trường"
    assert second.cells["lead"].text == "Bộ Nông nghiệp và Môi trường"  # merged: carried from the row above
    assert second.cells["task"].text == "- Rà soát các hướng dẫn kỹ thuật."
    assert second.cells["due"].text == "Giai đoạn 2026 - 2027"
    assert [CRAWLED[p.body_start:p.end] for p in paragraphs] == ["Đoạn văn sau bảng."]


def test_pipe_table_rows():
    text = ("| Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
            "|---|---|---|---|\n"
            "| Xây dựng cơ sở dữ liệu | Sở Tài chính | Sở Y tế | Tháng 12/2025 |\n")
    _, rows = read_body(text, 0)
    assert len(rows) == 1 and rows[0].cells["lead"].text == "Sở Tài chính" and rows[0].cells["due"].text == "Tháng 12/2025"


def test_the_closing_block_is_skipped_and_an_appendix_read_again():
    text = ("1. Sở Y tế chủ trì triển khai.\n\nNơi nhận:\n- Bộ Y tế;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n"
            "Nguyễn Văn A\n\nPHỤ LỤC\n\n1. Sở Xây dựng chủ trì thẩm định.\n")
    paragraphs, _ = read_body(text, 0)
    bodies = [text[p.body_start:p.end] for p in paragraphs]
    assert "Sở Y tế chủ trì triển khai." in bodies and "Sở Xây dựng chủ trì thẩm định." in bodies
    assert not any("Bộ Y tế" in b or "Nguyễn Văn A" in b for b in bodies)


WEB_TEXT = """| STT | Cơ quan chủ trì | Cơ quan phối hợp | Nội dung nhiệm vụ | Chỉ tiêu đạt được | Thời hạn hoàn thành |

| A. | BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG | | 1 | Bộ Nông nghiệp và Môi trường | - Bộ Khoa học và Công nghệ; - Bộ Xây dựng. |

- Hoàn thiện Nghị định về xử lý vi phạm hành chính.

- Nghị định được ban hành.

|

Ban hành trong quý I năm 2026

|

- Rà soát các hướng dẫn kỹ thuật.

- Bộ công cụ được ban hành.

Giai đoạn 2026 - 2027

| 2 | Bộ Xây dựng | Bộ Công Thương | Thí điểm tái chế chất thải xây dựng | Mô hình được nhân rộng | Năm 2027 |
"""


def test_web_text_table_rows_are_rebuilt_from_what_each_cell_holds():
    # the web-text loader writes a crawled table with merged cells like this: breaks are not row breaks
    _, rows = read_body(WEB_TEXT, 0)
    got = [(r.group, r.cells["lead"].text, r.cells["task"].text, r.cells["due"].text) for r in rows]
    assert got == [
        ("A. BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Bộ Nông nghiệp và Môi trường",
         "- Hoàn thiện Nghị định về xử lý vi phạm hành chính.", "Ban hành trong quý I năm 2026"),
        ("A. BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Bộ Nông nghiệp và Môi trường", "- Rà soát các hướng dẫn kỹ thuật.",
         "Giai đoạn 2026 - 2027"),  # a merged lead cell: the row above's agency
        ("A. BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Bộ Xây dựng", "Thí điểm tái chế chất thải xây dựng", "Năm 2027")]
    assert rows[1].cells["coop"].text == "- Bộ Khoa học và Công nghệ; - Bộ Xây dựng."
    assert WEB_TEXT[rows[1].start:rows[1].end].startswith("- Rà soát")  # the row's own cells, not the merged ones
