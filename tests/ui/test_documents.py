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
