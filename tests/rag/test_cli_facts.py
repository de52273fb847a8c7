"""python -m rag facts as a user runs it: filters, JSON that keeps the old fields, CSV, ICS, XLSX."""

import csv
import io
import json
import subprocess
import sys

import pytest

from rag.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


def _run(settings, *args):
    env = {"RAG_INDEX_DIR": str(settings.index_dir), "RAG_EMBEDDING_MODEL": "none", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "rag", "facts", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, timeout=300)


def test_json_keeps_the_old_fields_and_adds_the_new(corpus_index):
    run = _run(corpus_index, "--doc", "33/KH-UBND", "--kind", "deadline", "--json")
    assert run.returncode == 0, run.stderr
    facts = json.loads(run.stdout)["facts"]
    old = {"kind", "subject", "value", "unit", "period", "due", "agency", "role", "quote", "doc_id", "path"}
    new = {"indicator", "comparator", "due_iso", "recurrence", "agency_text", "task", "start", "end", "page", "due_text"}
    assert facts and all(old | new <= set(f) for f in facts)
    sent = next(f for f in facts if f["path"] == "IV.2.a")
    assert (sent["due_iso"], sent["agency"]) == ("2024-03-31", "Các cơ quan, đơn vị, địa phương")


def test_agency_across_documents_and_due_before(corpus_index):
    run = _run(corpus_index, "--agency", "Sở Nội vụ", "--kind", "responsibility", "--json")
    docs = {f["document"] for f in json.loads(run.stdout)["facts"]}
    assert {"Kế hoạch 33/KH-UBND", "Chỉ thị 02/CT-UBND"} <= docs
    run = _run(corpus_index, "--kind", "deadline", "--due-before", "30/06/2024", "--json")
    facts = json.loads(run.stdout)["facts"]
    assert {f["due_end"] for f in facts if f["due_end"]} == {"2024-03-31", "2024-06-30"}
    assert all(f["recurrence"] for f in facts if not f["due_end"])  # recurring deadlines fall due in every window


def test_csv_and_ics_outputs(corpus_index, tmp_path):
    run = _run(corpus_index, "--doc", "33/KH-UBND", "--csv")
    rows = list(csv.reader(io.StringIO(run.stdout.decode("utf-8"))))
    assert rows[0][0] == "Loại" and len(rows) > 40
    from icalendar import Calendar

    out = tmp_path / "han.ics"
    assert _run(corpus_index, "--doc", "33/KH-UBND", "--ics", "--out", str(out)).returncode == 0
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len(events) == 4 and all(e.get("dtstart") for e in events)


def test_xlsx_file(corpus_index, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "so.xlsx"
    assert _run(corpus_index, "--agency", "Sở Nội vụ", "--xlsx", str(out)).returncode == 0
    assert load_workbook(out).active.max_row > 1


def test_user_errors_are_named_not_traced(corpus_index):
    run = _run(corpus_index, "--due-before", "cuối năm")
    assert run.returncode == 2 and "--due-before" in run.stderr.decode() and b"Traceback" not in run.stderr
    missing = _run(corpus_index, "--doc", "99/CT-UBND")
    assert missing.returncode == 2 and "99/CT-UBND" in missing.stdout.decode()
