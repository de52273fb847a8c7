"""Each file is its own transaction; a document is its path; readers survive a half-written index.

The office's worst folder: the seeds beside a scanned copy, an AES copy, a Windows-1258 copy, an
identical copy, a decompression bomb, a broken UTF-16 file, a link to /etc/passwd and an
oversized file. All fixtures are made here.
"""

import shutil
import subprocess
import sys
import textwrap

import pytest

from eval.docgen import text_to_pdf
from rag.config import PROJECT_ROOT
from rag.engine import Assistant
from rag.index.chroma import Store
from rag.ingest import pipeline
from rag.ingest.pipeline import ID_SCHEME, format_report, ingest
from tests.conftest import SEEDS
from tests.rag.ingest.hostile_files import (
    aes_pdf,
    bomb_pdf,
    broken_utf16,
    escaping_symlink,
    oversized,
    scanned_pdf,
    windows_1258_copy,
)

pytestmark = pytest.mark.integration

SIGNER = "Chỉ thị 02/CT-UBND do ai ký?"
URBAN_11 = "Theo Chỉ thị 11/CT-UBND, tỷ lệ đô thị hóa đạt bao nhiêu?"
URBAN_33 = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
BAD = ["bom.pdf", "hong-utf16.txt", "mat-khau.txt", "qua-lon.txt"]


def _env(index_dir):
    return {"RAG_INDEX_DIR": str(index_dir), "RAG_EMBEDDING_MODEL": "none", "PATH": "/usr/bin:/bin"}


def _answer(settings, question, doc_id=None):
    answer = Assistant(settings).ask(question, doc_filter=[doc_id] if doc_id else None)
    assert not answer.abstained, (question, doc_id, answer.text)
    return answer


@pytest.fixture
def office_folder(corpus_copy, tmp_path):
    """The seeds plus every hostile or convertible file of the issue."""
    ct11_pdf = text_to_pdf(SEEDS["ct11"].read_text(encoding="utf-8"), tmp_path / "ct11.pdf")
    scanned_pdf(ct11_pdf, corpus_copy / "scan-chi-thi-11.pdf", dpi=200, pages=1)  # page 1 holds the target
    aes_pdf(SEEDS["kh33"].read_text(encoding="utf-8"), corpus_copy / "aes-ke-hoach-33.pdf")
    windows_1258_copy(SEEDS["ct02"].read_text(encoding="utf-8"), corpus_copy / "cp1258-chi-thi-02.txt")
    shutil.copyfile(SEEDS["ct02"], corpus_copy / "ban-sao-chi-thi-02.txt")
    bomb_pdf(corpus_copy / "bom.pdf")
    broken_utf16(SEEDS["ct02"].read_text(encoding="utf-8")[:800], corpus_copy / "hong-utf16.txt")
    escaping_symlink(corpus_copy, "mat-khau.txt", "/etc/passwd")
    oversized(corpus_copy / "qua-lon.txt", 51)  # sparse: over the 50 MB default, costs no disk
    return corpus_copy


def test_the_office_folder_ingests_with_every_bad_file_named(office_folder, settings):
    run = subprocess.run([sys.executable, "ingest.py", str(office_folder)], cwd=PROJECT_ROOT,
                         env=_env(settings.index_dir), capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    failed = [line for line in run.stdout.splitlines() if line.startswith("✗")]
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in failed] == BAD
    assert all("Cách xử lý" in line for line in failed)
    assert "bom giải nén" in run.stdout and "/etc/passwd" in run.stdout and "UTF-16" in run.stdout
    records = Store(settings).manifest()
    assert len(records) == 9 and "mat-khau.txt" not in records
    assert records["scan-chi-thi-11.pdf"]["text_origin"] == "ocr" and records["scan-chi-thi-11.pdf"]["ocr_pages"] == 1
    assert records["cp1258-chi-thi-02.txt"]["converted_from"] == "Windows-1258"
    assert records["ban-sao-chi-thi-02.txt"]["n_chunks"] == records["chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt"]["n_chunks"]

    # every good or convertible file answers, each from its own text
    assert "71,5%" in _answer(settings, URBAN_11, "scan-chi-thi-11.pdf").text
    assert "76%" in _answer(settings, URBAN_33, "aes-ke-hoach-33.pdf").text
    for doc_id in ("cp1258-chi-thi-02.txt", "ban-sao-chi-thi-02.txt", "chi-thi-02-CT-UBND-hai-phong-2021-01-07.txt"):
        assert "Nguyễn Văn Tùng" in _answer(settings, SIGNER, doc_id).text

    # the identical copy is deleted and pruned: its twin still answers, from the command line too
    (office_folder / "ban-sao-chi-thi-02.txt").unlink()
    pruned = ingest([office_folder], settings, prune=True)
    assert pruned.pruned == ["ban-sao-chi-thi-02.txt"] and len(pruned.unchanged) == 8
    ask = subprocess.run([sys.executable, "-m", "rag", "ask", SIGNER, "--doc", "02/CT-UBND"], cwd=PROJECT_ROOT,
                         env=_env(settings.index_dir), capture_output=True, text=True, timeout=300)
    assert ask.returncode == 0 and "Nguyễn Văn Tùng" in ask.stdout and "Traceback" not in ask.stderr
    docs = subprocess.run([sys.executable, "-m", "rag", "docs"], cwd=PROJECT_ROOT, env=_env(settings.index_dir),
                          capture_output=True, text=True, timeout=300)
    assert "chữ nhận dạng bằng OCR (1 trang)" in docs.stdout and "đã chuyển mã Windows-1258 → Unicode" in docs.stdout


@pytest.mark.parametrize("make", ["scan", "windows-1258"])
def test_the_scan_and_the_converted_text_answer_alone(make, tmp_path, settings):
    folder = tmp_path / "one"
    folder.mkdir()
    if make == "scan":
        pdf = text_to_pdf(SEEDS["ct11"].read_text(encoding="utf-8"), tmp_path / "ct11.pdf")
        scanned_pdf(pdf, folder / "scan.pdf", dpi=200, pages=1)
        question, expected = URBAN_11, "71,5%"
    else:
        windows_1258_copy(SEEDS["ct02"].read_text(encoding="utf-8"), folder / "cu.txt")
        question, expected = SIGNER, "Nguyễn Văn Tùng"
    report = ingest([folder], settings)
    assert report.ok and len(report.added) == 1
    assert expected in _answer(settings, question).text


def test_identical_copies_are_two_documents(corpus_copy, settings):
    twin = corpus_copy / "ban-sao.txt"
    shutil.copyfile(SEEDS["ct02"], twin)
    ingest([corpus_copy], settings)
    chunks = list(Store(settings).iter_chunks())
    original = [c for c in chunks if c.doc_id == SEEDS["ct02"].name]
    copy = [c for c in chunks if c.doc_id == "ban-sao.txt"]
    assert original and [c.text for c in copy] == [c.text for c in original]
    assert not {c.chunk_id for c in copy} & {c.chunk_id for c in original}
    (corpus_copy / SEEDS["ct02"].name).unlink()  # this time the original goes: the copy stays whole
    assert ingest([corpus_copy], settings, prune=True).pruned == [SEEDS["ct02"].name]
    assert len([c for c in Store(settings).iter_chunks() if c.doc_id == "ban-sao.txt"]) == len(copy)
    assert "Nguyễn Văn Tùng" in _answer(settings, SIGNER).text


def test_an_unforeseen_library_error_costs_one_file(corpus_copy, settings, monkeypatch, capsys):
    real = pipeline.parse_document

    def fails_on_kh33(doc, s):
        if doc.doc_id.startswith("ke-hoach-33"):
            raise ZeroDivisionError("float division by zero deep inside a library")
        return real(doc, s)

    monkeypatch.setattr(pipeline, "parse_document", fails_on_kh33)
    report = ingest([corpus_copy], settings)
    assert len(report.added) == 4 and [f.path.rsplit("/", 1)[-1] for f in report.failed] == [
        "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"]
    line = format_report(report).splitlines()[-1]
    assert "ZeroDivisionError" in line and "ingest.log" in line and "Cách xử lý" in line
    log = (settings.index_dir / "ingest.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "deep inside a library" in log
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_records_of_the_old_id_scheme_are_indexed_again(corpus_copy, settings):
    ingest([corpus_copy], settings)
    store = Store(settings)
    doc_id = SEEDS["ct02"].name
    record = store.manifest()[doc_id]
    store.docs.update(ids=[doc_id], metadatas=[{**record, "id_scheme": 1}])
    again = ingest([corpus_copy], settings)
    assert again.updated == [doc_id] and len(again.unchanged) == 4
    assert Store(settings).manifest()[doc_id]["id_scheme"] == ID_SCHEME


KILL_DURING_KH33 = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from chromadb.api.models.Collection import Collection
    from rag.config import Settings
    from rag.ingest.pipeline import ingest

    real_add = Collection.add

    def add_then_die(self, *args, **kwargs):
        real_add(self, *args, **kwargs)
        metadatas = kwargs.get("metadatas") or []
        if any(str(m.get("doc_id", "")).startswith("ke-hoach-33") for m in metadatas):
            os.kill(os.getpid(), signal.SIGKILL)  # the chunks are written, the record never will be

    Collection.add = add_then_die
    # one file per write batch, so the files before the kill are committed and the one after is never reached
    ingest([Path(sys.argv[1])], Settings(index_dir=Path(sys.argv[2]), embedding_model="none", _env_file=None,
                                         ingest_batch_chunks=1))
""")


def test_a_killed_ingest_leaves_an_index_readers_survive(corpus_copy, settings):
    run = subprocess.run([sys.executable, "-c", KILL_DURING_KH33, str(corpus_copy), str(settings.index_dir)],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr
    store = Store(settings)
    assert "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt" not in store.manifest()
    orphans = [c for c in store.iter_chunks() if c.doc_id.startswith("ke-hoach-33")]
    assert orphans  # the half-written document is in Chroma, without its record
    assistant = Assistant(settings)
    assert not any(d.startswith("ke-hoach-33") for d in assistant.corpus.metas)
    assert assistant.corpus.chunk(orphans[0].chunk_id) is None
    for question in (URBAN_33, "tỷ lệ đô thị hóa", "Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là khi nào?",
                     SIGNER):
        answer = assistant.ask(question)  # never a KeyError
        assert all(not c.doc_id.startswith("ke-hoach-33") for c in answer.citations)
    assert assistant.lookup("33/KH-UBND mục IV.1") is None
    assert "Nguyễn Văn Tùng" in assistant.ask(SIGNER).text
    # the next run repairs it, and indexes the file the killed run never reached
    report = ingest([corpus_copy], settings)
    assert report.ok and len(report.unchanged) == 3
    assert report.added == ["ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt", SEEDS["news10"].name]
    assert "76%" in _answer(settings, URBAN_33).text
